/**
 * The row "100 concurrent executions, each with a 1-hour wait": on the virtual clock a durable
 * wait costs no real time even while other executions keep the service busy, so 100 executions
 * started together take about what their invocations cost without the wait (the baseline row): the
 * hour itself adds nothing.
 */
import * as path from 'node:path';
import type { LocalDurableService } from '../../local';
import { bundleWorkload } from '../harness/bundle';

/** What the row measures. */
export interface ConcurrentWaitsFigures {
  readonly executions: number;
  /** Wall time of one execution on its own (ms). */
  readonly oneMs: number;
  /** Wall time of all executions started together (ms). */
  readonly allMs: number;
  /** Wall time of as many executions without the wait (ms): the baseline the waits should not add to. */
  readonly noWaitMs: number;
  /** Virtual hours every execution waited. */
  readonly waitHours: number;
}

/**
 * Runs one execution alone, then `executions` at once without the wait (once to warm the worker
 * threads, once measured), then with it, on worker threads of `svc`.
 *
 * @example
 * const figures = await measureConcurrentWaits(svc, buildDir, 100, console.error);
 */
export async function measureConcurrentWaits(
  svc: LocalDurableService,
  buildDir: string,
  executions: number,
  progress: (line: string) => void,
): Promise<ConcurrentWaitsFigures> {
  const built = await bundleWorkload('bench/workloads/ours/hour-wait.ts', path.join(buildDir, 'ours-hour-wait.js'), 'external');
  await svc.registerFunction({ name: 'ours-concurrent-waits', bundle: built.file, handler: 'handler', timeout: 900 });
  const runAll = async (count: number, wait = true): Promise<number> => {
    const started = Date.now();
    const arns = await Promise.all(Array.from({ length: count }, (_, n) => svc.startExecution('ours-concurrent-waits:live', { n, wait })));
    const runs = await Promise.all(arns.map((arn) => svc.waitForExecution(arn, 10 * 60 * 1000)));
    runs.forEach((run, n) => {
      if (run.status !== 'SUCCEEDED' || run.result !== n + 1) {
        throw new Error(`concurrent-waits: execution ${n} ended ${run.status} with ${JSON.stringify(run.result ?? run.error)}; expected ${n + 1}.`);
      }
    });
    return Date.now() - started;
  };
  const oneMs = await runAll(1);
  progress(`  one execution with a 1-hour wait: ${oneMs} ms`);
  // Starting that many handler sandboxes at once is the slow part on a small machine: a first
  // round warms them, so both measured rounds run on warm sandboxes and differ only by the wait.
  const warmUpMs = await runAll(executions, false);
  progress(`  warm-up (${executions} sandboxes started): ${warmUpMs} ms`);
  const noWaitMs = await runAll(executions, false);
  progress(`  ${executions} concurrent executions without the wait: ${noWaitMs} ms`);
  const allMs = await runAll(executions);
  progress(`  ${executions} concurrent executions with a 1-hour wait each: ${allMs} ms`);
  return { executions, oneMs, allMs, noWaitMs, waitHours: 1 };
}

/** The row as a small table of its own, printed under the main one. */
export function formatConcurrentWaits(figures: ConcurrentWaitsFigures): string {
  return [
    '| virtual time under load | wall time |',
    '|---|---:|',
    `| 1 execution, ${figures.waitHours}-hour wait | ${figures.oneMs} ms |`,
    `| ${figures.executions} concurrent executions, each with a ${figures.waitHours}-hour wait | ${figures.allMs} ms |`,
    `| the same ${figures.executions} executions without the wait (their invocations' own cost) | ${figures.noWaitMs} ms |`,
  ].join('\n');
}
