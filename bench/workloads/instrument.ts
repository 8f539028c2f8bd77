/**
 * Wraps a workload's Lambda handler so every invocation reports, outside the timed span, how long
 * the handler ran, what status it returned and the function process's peak RSS so far. The
 * report is one JSON line appended to the file named by `BENCH_METRICS_FILE`, which the harness
 * gives each execution; without that variable the handler runs unwrapped in effect.
 *
 * Both runtimes' workloads use this same wrapper, so the measurement costs them the same.
 *
 * @example
 * export const handler = instrumented(withDurableExecution(workflow));
 */
import { appendFileSync } from 'node:fs';

/** One line of a metrics file. */
export interface InvocationRecord {
  /** Process id of the function process (one process per execution in the benchmark layout). */
  readonly pid: number;
  /** Real milliseconds from handler start to its returned output (or throw). */
  readonly durationMs: number;
  /** `Status` of the handler's output, or `THREW`. */
  readonly status: string;
  /** CPU time (user + system) the process spent during this invocation, ms. */
  readonly cpuMs: number;
  /** CPU time (user + system) of the process since it started, ms: start-up, bundle load and every invocation so far. */
  readonly processCpuMs: number;
  /** Peak resident set size of the process so far, in KiB (`process.resourceUsage().maxRSS`). */
  readonly maxRssKb: number;
}

/** The handler shape both runtimes produce: an async function of the event and the Lambda context. */
export type LambdaHandler<E, C, R> = (event: E, context: C) => Promise<R>;

/**
 * Returns `handler` with per-invocation timing and peak RSS reporting.
 *
 * @example
 * export const handler = instrumented(withDurableExecution(async (input, ctx) => ctx.step(() => 1)));
 */
export function instrumented<E, C, R>(handler: LambdaHandler<E, C, R>): LambdaHandler<E, C, R> {
  return async (event, context) => {
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    let status = 'THREW';
    try {
      const output = await handler(event, context);
      status = statusOf(output);
      return output;
    } finally {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const cpu = process.cpuUsage(cpuBefore);
      const total = process.cpuUsage();
      report({
        pid: process.pid,
        durationMs,
        status,
        cpuMs: (cpu.user + cpu.system) / 1000,
        processCpuMs: (total.user + total.system) / 1000,
        maxRssKb: process.resourceUsage().maxRSS,
      });
    }
  };
}

function statusOf(output: unknown): string {
  const status = output !== null && typeof output === 'object' ? (output as { Status?: unknown }).Status : undefined;
  return typeof status === 'string' ? status : 'UNKNOWN';
}

function report(record: InvocationRecord): void {
  const file = process.env.BENCH_METRICS_FILE;
  if (file !== undefined && file !== '') {
    appendFileSync(file, `${JSON.stringify(record)}\n`);
  }
}
