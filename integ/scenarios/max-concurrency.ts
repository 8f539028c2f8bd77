/**
 * Scenario 5, max concurrency: six branches that each wait 2 s durably, at most two at a time, so
 * they finish in three waves about 2 s apart.
 *
 * `Date.now()` is read after the wait, outside any step: the branch's result is checkpointed when
 * the branch completes, so a replay returns the recorded timestamp rather than reading the clock again.
 *
 * @example
 * // input: {"orderId": "o-1"}  →  result: {"successCount": 6, "timestamps": [t, t, t+2000, t+2000, t+4000, t+4000]}
 */
import { CompletionConfig, Duration, type DurableContext } from 'cdk-durable-function/runtime';

/** The input every scenario receives. */
export interface OrderInput {
  readonly orderId: string;
}

/** What the workflow returns. */
export interface ThrottledResult {
  readonly successCount: number;
  readonly timestamps: number[];
}

/** Runs `b0`…`b5` with `maxConcurrency: 2`. */
export async function handler(_input: OrderInput, ctx: DurableContext): Promise<ThrottledResult> {
  const branches = ['b0', 'b1', 'b2', 'b3', 'b4', 'b5'].map((name) => ({
    name,
    func: async (branch: DurableContext): Promise<number> => {
      await branch.wait('pause', Duration.seconds(2));
      return Date.now();
    },
  }));
  const batch = await ctx.parallel('throttled', branches, {
    maxConcurrency: 2,
    completionConfig: CompletionConfig.allCompleted(),
  });
  return { successCount: batch.successCount, timestamps: batch.getResults() };
}
