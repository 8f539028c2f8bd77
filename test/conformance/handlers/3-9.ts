// 3.9: a child context with a step, then a wait; the replay returns the child's stored result.
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (input: string, ctx) => {
  const result = await ctx.runInChildContext(async (child) => child.step(async () => input));
  await ctx.wait(Duration.seconds(1));
  return result;
});
