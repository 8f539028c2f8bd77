import { createHash } from 'node:crypto';

/** Characters of an operation id: 12 base64url characters carry 72 bits of the SHA-256 digest. */
export const OPERATION_ID_LENGTH = 12;

/**
 * Derives the wire `Id` of an operation (protocol.md §2.7; the service takes any 1–64 characters
 * of `[a-zA-Z0-9-_]`).
 *
 * Every context numbers its operations 1, 2, 3… in call order; the id is the first 12 characters
 * of the base64url SHA-256 of `"<n>"` at the root and of `"<parent id>-<n>"` inside a child
 * context, where the parent id is the enclosing context's own (already hashed) id. Ids stay a pure
 * function of the call path, 12 characters at any nesting depth; each Id and ParentId on the wire
 * is 52 bytes shorter than the full 64-character hex digest.
 *
 * Why 72 bits are enough. Ids only need to differ within one execution, and the service holds at
 * most 3,000 operations per execution (protocol.md §7). Distinct call paths give distinct hash
 * inputs (the counter is unique within its context, and a context's id is fixed before its
 * children are numbered), and SHA-256 truncated to 72 bits behaves as a uniform random value, so
 * by the birthday bound the chance that any two of n ids coincide is at most n(n−1)/2 / 2^72:
 * for n = 3,000 that is 4.5 × 10^6 / 4.7 × 10^21 < 10^-15 per execution (one collision expected
 * in more than 10^15 full-size executions). Should it ever happen, the two operations would share
 * a recorded copy, and the replay checks of type, name and subtype (NonDeterministicError) catch
 * every such pair that differs in any of them.
 *
 * @example
 * operationId(undefined, 1); // 'a4ayc_80_OGd'
 * operationId(operationId(undefined, 1), 1); // first operation inside that child context
 */
export function operationId(parentId: string | undefined, counter: number): string {
  const raw = parentId === undefined ? `${counter}` : `${parentId}-${counter}`;
  return createHash('sha256').update(raw).digest('base64url').slice(0, OPERATION_ID_LENGTH);
}
