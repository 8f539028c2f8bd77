/**
 * Where the CLI writes and what it reads; injectable so tests drive a command in-process.
 */
import type { Readable } from 'node:stream';

/**
 * Where the CLI writes.
 *
 * @example
 * const lines: string[] = []; await runCli(argv, { write: (_stream, text) => lines.push(text) });
 */
export interface CliOutput {
  write(stream: 'stdout' | 'stderr', text: string): void;
}

/**
 * The process around a command: its streams and signals. Tests pass their own.
 *
 * @example
 * await runCli(['local', 'src/orders.ts'], output, { input: Readable.from(['succeed {}\n']), interactive: true });
 */
export interface CliEnvironment {
  /** Lines typed at the interactive callback prompt (default: process.stdin). */
  readonly input?: Readable;
  /** Whether to open the interactive prompt (default: when stdin is a terminal). */
  readonly interactive?: boolean;
  /**
   * Subscribes to the signals that stop a command; returns the unsubscriber. Default: SIGINT and
   * SIGTERM of this process.
   */
  readonly onStopSignal?: (listener: (signal: NodeJS.Signals) => void) => () => void;
}

/**
 * Writes to the process's own stdout and stderr.
 *
 * @example
 * processOutput.write('stdout', 'done\n');
 */
export const processOutput: CliOutput = {
  write: (stream, text) => {
    (stream === 'stdout' ? process.stdout : process.stderr).write(text);
  },
};

/**
 * Subscribes to SIGINT and SIGTERM of this process.
 *
 * @example
 * const off = processStopSignals((signal) => console.error(`got ${signal}`));
 */
export function processStopSignals(listener: (signal: NodeJS.Signals) => void): () => void {
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return () => {
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
  };
}
