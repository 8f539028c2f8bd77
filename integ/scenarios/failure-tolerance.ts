/**
 * Scenario 3, failure tolerance exceeded: two of five branches throw while only one failure is
 * tolerated. The workflow deliberately does not catch, so the `ParallelError` fails the execution.
 *
 * @example
 * // input: {"orderId": "o-1"}  →  execution FAILED with a ParallelError
 */
import type { DurableContext } from 'cdk-durable-function/runtime';

/** The input every scenario receives. */
export interface OrderInput {
  readonly orderId: string;
}

/** Runs `ok1`, `bad1`, `ok2`, `bad2`, `ok3` with `toleratedFailureCount: 1`. */
export async function handler(input: OrderInput, ctx: DurableContext): Promise<string[]> {
  const ok = (name: string) => ({ name, func: async () => `${name}-${input.orderId}` });
  const bad = (name: string) => ({
    name,
    func: async (): Promise<string> => {
      throw new Error(`branch ${name} failed on purpose`);
    },
  });
  const batch = await ctx.parallel('tolerance', [ok('ok1'), bad('bad1'), ok('ok2'), bad('bad2'), ok('ok3')], {
    completionConfig: { toleratedFailureCount: 1 },
  });
  return batch.getResults();
}
