/**
 * The one way the command-line entry points (the `local` CLI, `npm start`, the run against AWS)
 * turn their `main()` into the process exit code.
 *
 * @example
 * if (require.main === module) void exitWith(main());
 */
import { inspect } from 'node:util';

/** Options of {@link exitWith}. */
export interface ExitWithOptions {
  /** Put before the report of an unexpected failure, e.g. `'error: '`. Default none. */
  readonly errorPrefix?: string;
  /** Where the failure report goes. Default `process.stderr`. */
  readonly writeError?: (text: string) => void;
}

/**
 * Sets `process.exitCode` to the code `main` resolves with, or to 1 after printing the stack when
 * it rejects. Setting the code instead of calling `process.exit` lets pending output drain.
 *
 * @returns a promise that settles once the code is set (it never rejects).
 * @example
 * void exitWith(runCli(process.argv.slice(2)), { errorPrefix: 'error: ' });
 */
export function exitWith(main: Promise<number>, options: ExitWithOptions = {}): Promise<void> {
  const writeError = options.writeError ?? ((text: string) => process.stderr.write(text));
  return main.then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const report = error instanceof Error ? (error.stack ?? error.message) : typeof error === 'string' ? error : inspect(error);
      writeError(`${options.errorPrefix ?? ''}${report}\n`);
      process.exitCode = 1;
    },
  );
}
