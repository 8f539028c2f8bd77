// 3.13: a child context holding only a wait and returning the input, then a step outside it.
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (input: string, ctx) => {
  await ctx.runInChildContext('waiting-child', async (child) => {
    await child.wait(Duration.seconds(1));
    return input;
  });
  return ctx.step(async () => input);
});
