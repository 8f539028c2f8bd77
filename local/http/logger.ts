/**
 * The logging seam of the local service: requests, invocations and handler output go through it,
 * so tests can keep output quiet or capture it, and the CLI can print it.
 */

/**
 * Receives the service's diagnostics.
 *
 * @example
 * const lines: string[] = [];
 * const logger: ServiceLogger = { debug: () => {}, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
 */
export interface ServiceLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * A logger that drops everything.
 *
 * @example
 * await LocalDurableService.start({ logger: silentLogger });
 */
export const silentLogger: ServiceLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * A logger that writes warnings and errors (and, when `verbose`, everything) to stderr.
 *
 * @example
 * const logger = consoleLogger(true);
 */
export function consoleLogger(verbose = false): ServiceLogger {
  const write = (level: string) => (message: string) => process.stderr.write(`[durable-local] ${level} ${message}\n`);
  return {
    debug: verbose ? write('debug') : () => undefined,
    info: verbose ? write('info') : () => undefined,
    warn: write('warn'),
    error: write('error'),
  };
}
