// 4.3: a callback with a 5 s timeout that nobody completes; the CallbackError fails the execution.
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (name: string, ctx) => {
  const { promise } = await ctx.createCallback<string>(name, { timeout: Duration.seconds(5) });
  return promise;
});
