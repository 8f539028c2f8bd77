// 9.17: a map that fully succeeds, then a one-second wait; the replay skips the completed map.
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  const result = await ctx.map('then-wait', ['a', 'b'], async (_ctx, item) => item.toUpperCase(), { maxConcurrency: 1 });
  await ctx.wait(Duration.seconds(1));
  return result.getResults();
});
