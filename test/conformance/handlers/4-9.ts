// 4.9: a callback, a 5 s wait, then await the callback (completed during the wait).
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (name: string, ctx) => {
  const { promise } = await ctx.createCallback<string>(name);
  await ctx.wait(Duration.seconds(5));
  return promise;
});
