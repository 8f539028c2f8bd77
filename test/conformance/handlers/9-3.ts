// 9.3: the map function receives the item and its index and returns their sum.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (items: number[], ctx) => {
  const result = await ctx.map('indexed', items, async (_ctx, item, index) => item + index, { maxConcurrency: 1 });
  return result.getResults();
});
