// 8.19: max-concurrency 0 is invalid; the validation error fails the execution before any checkpoint.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  const result = await ctx.parallel('bad-concurrency', [async () => 'a', async () => 'b'], { maxConcurrency: 0 });
  return result.getResults();
});
