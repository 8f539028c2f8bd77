import { ValidationError } from './errors';

const MAX_NAME_LENGTH = 256;
const PRINTABLE_ASCII = /^[\x20-\x7E]+$/;

/**
 * Rejects names the service would reject (protocol.md §2.1: 1–256 printable ASCII characters)
 * before anything is checkpointed. `undefined` means "unnamed" and is always fine.
 */
export function validateName(name: unknown, what: string): string | undefined {
  if (name === undefined) return undefined;
  if (typeof name !== 'string') {
    throw new ValidationError(`The name of ${what} must be a string; got ${typeof name}.`);
  }
  if (name.length === 0) {
    throw new ValidationError(`The name of ${what} is empty. Omit the name or use 1 to ${MAX_NAME_LENGTH} printable ASCII characters.`);
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new ValidationError(
      `The name of ${what} is ${name.length} characters long; the service accepts at most ${MAX_NAME_LENGTH}. Shorten it.`,
    );
  }
  if (!PRINTABLE_ASCII.test(name)) {
    const bad = [...name].find((ch) => !PRINTABLE_ASCII.test(ch)) ?? '';
    const code = bad.codePointAt(0) ?? 0;
    throw new ValidationError(
      `The name of ${what} (${JSON.stringify(name)}) contains the character U+${code.toString(16).toUpperCase().padStart(4, '0')}; ` +
        'the service accepts printable ASCII only (space to ~). Replace or remove it.',
    );
  }
  return name;
}
