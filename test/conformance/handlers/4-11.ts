// 4.11: a callback with a 3 s timeout, a 6 s wait, then await the callback, which timed out.
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (name: string, ctx) => {
  const { promise } = await ctx.createCallback<string>(name, { timeout: Duration.seconds(3) });
  await ctx.wait(Duration.seconds(6));
  return promise;
});
