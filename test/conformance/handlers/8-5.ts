// 8.5: a parallel with no branches resolves at once with no results.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  const result = await ctx.parallel<string>('empty', []);
  return result.getResults();
});
