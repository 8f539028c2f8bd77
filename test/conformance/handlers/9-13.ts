// 9.13: an item namer names each iteration "item-<item>"; each item returns item * 10.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (items: number[], ctx) => {
  const result = await ctx.map('named-items', items, async (_ctx, item) => item * 10, {
    maxConcurrency: 1,
    itemNamer: (item) => `item-${item}`,
  });
  return result.getResults();
});
