/**
 * The one option parser every `cdk-durable` command uses: `--name value`, `--name=value`,
 * repeatable options and flags, with errors that say what to change.
 */

/**
 * A command line that cannot be run; its message says what to change.
 *
 * @example
 * throw new UsageError('Missing the file to run.');
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Which options a command takes. */
export interface OptionSpec {
  /** Options that take a value, given at most once. */
  readonly values?: readonly string[];
  /** Options that take a value and may be given several times. */
  readonly repeated?: readonly string[];
  /** Options without a value. */
  readonly flags?: readonly string[];
}

/** What {@link parseOptions} found. */
export interface ParsedOptions {
  readonly values: ReadonlyMap<string, string>;
  readonly repeated: ReadonlyMap<string, readonly string[]>;
  readonly flags: ReadonlySet<string>;
  readonly positional: readonly string[];
}

/**
 * Splits a command's arguments into options and positional arguments.
 *
 * @throws UsageError for an unknown option, a missing value, an option given twice.
 * @example
 * parseOptions(['a.ts', '--env', 'A=1', '--verbose'], { repeated: ['--env'], flags: ['--verbose'] });
 */
export function parseOptions(command: string, args: readonly string[], spec: OptionSpec): ParsedOptions {
  const valueNames = new Set(spec.values ?? []);
  const repeatedNames = new Set(spec.repeated ?? []);
  const flagNames = new Set(spec.flags ?? []);
  const values = new Map<string, string>();
  const repeated = new Map<string, string[]>();
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (valueNames.has(name) || repeatedNames.has(name)) {
      let value: string | undefined;
      if (eq > 0 && arg.startsWith('--')) {
        value = arg.slice(eq + 1);
      } else {
        value = args[i + 1];
        i++;
      }
      if (value === undefined) {
        throw new UsageError(`Option ${name} needs a value, e.g. ${exampleOf(name)}.`);
      }
      if (repeatedNames.has(name)) {
        repeated.set(name, [...(repeated.get(name) ?? []), value]);
      } else {
        if (values.has(name)) {
          throw new UsageError(`Option ${name} is given twice; give it once.`);
        }
        values.set(name, value);
      }
    } else if (flagNames.has(name)) {
      if (eq > 0) {
        throw new UsageError(`Option ${name} takes no value.`);
      }
      flags.add(name);
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`Unknown option '${arg}' for cdk-durable ${command}. Run cdk-durable ${command} --help for its options.`);
    } else {
      positional.push(arg);
    }
  }
  return { values, repeated, flags, positional };
}

function exampleOf(name: string): string {
  switch (name) {
    case '--input':
      return `--input '{"orderId":"42"}'`;
    case '--env':
      return '--env TABLE_NAME=orders';
    case '--endpoint':
      return '--endpoint http://127.0.0.1:9014';
    default:
      return `${name} <value>`;
  }
}

/**
 * A whole number option within bounds.
 *
 * @throws UsageError naming the option and its range.
 * @example
 * const timeout = wholeNumber(options.values, '--timeout', 1, 900);
 */
export function wholeNumber(values: ReadonlyMap<string, string>, name: string, min: number, max: number, unit = 'seconds'): number | undefined {
  const raw = values.get(name);
  if (raw === undefined) {
    return undefined;
  }
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new UsageError(`${name} must be a whole number of ${unit} between ${min} and ${max}, got '${raw}'.`);
  }
  return Number(raw);
}

/**
 * Checks that a text is JSON.
 *
 * @throws UsageError naming the option and showing how to quote JSON.
 * @example
 * const input = jsonText('--input', '{"orderId":"42"}');
 */
export function jsonText(what: string, text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} is not valid JSON (${(error as Error).message}). Quote it for your shell, e.g. '{"orderId":"42"}'.`);
  }
  return text;
}
