// 9.1: a map over the input items, one step per item returning a greeting, one item at a time.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (items: string[], ctx) => {
  const result = await ctx.map('map', items, async (iteration, item) => iteration.step(async () => `Hello, ${item}!`), {
    maxConcurrency: 1,
  });
  return result.getResults();
});
