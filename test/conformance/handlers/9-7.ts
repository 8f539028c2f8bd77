// 9.7: min-successful 2 over four items: the map completes after two successes.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  const result = await ctx.map('min-successful', ['i0', 'i1', 'i2', 'i3'], async (_ctx, item) => `done-${item}`, {
    maxConcurrency: 1,
    completionConfig: { minSuccessful: 2 },
  });
  return { completionReason: result.completionReason, successCount: result.successCount, totalCount: result.totalCount };
});
