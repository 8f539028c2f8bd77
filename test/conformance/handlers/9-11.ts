// 9.11: three items with up to two in flight; results come back in item order.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  const result = await ctx.map('concurrent', ['i0', 'i1', 'i2'], async (_ctx, _item, index) => `r${index}`, {
    maxConcurrency: 2,
  });
  return result.getResults();
});
