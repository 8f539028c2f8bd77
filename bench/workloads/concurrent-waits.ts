/**
 * The row "100 concurrent executions, each with a 1-hour wait": on the virtual clock a durable
 * wait costs no real time even while other executions keep the service busy, so 100 executions
 * started together finish in about the time of one (plus the CPU their invocations need).
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
  /** Virtual hours every execution waited. */
  readonly waitHours: number;
}

/**
 * Runs one execution alone, then `executions` at once, on worker threads of `svc`.
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
  const runAll = async (count: number): Promise<number> => {
    const started = Date.now();
    const arns = await Promise.all(Array.from({ length: count }, (_, n) => svc.startExecution('ours-concurrent-waits:live', { n })));
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
  const allMs = await runAll(executions);
  progress(`  ${executions} concurrent executions with a 1-hour wait each: ${allMs} ms`);
  return { executions, oneMs, allMs, waitHours: 1 };
}

/** The row as a small table of its own, printed under the main one. */
export function formatConcurrentWaits(figures: ConcurrentWaitsFigures): string {
  return [
    '| virtual time under load | wall time |',
    '|---|---:|',
    `| 1 execution, ${figures.waitHours}-hour wait | ${figures.oneMs} ms |`,
    `| ${figures.executions} concurrent executions, each with a ${figures.waitHours}-hour wait | ${figures.allMs} ms |`,
  ].join('\n');
}
