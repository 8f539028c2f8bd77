// 4.5: a callback with a 10 s heartbeat timeout; a heartbeat, then success.
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (name: string, ctx) => {
  const { promise } = await ctx.createCallback<string>(name, { heartbeatTimeout: Duration.seconds(10) });
  return promise;
});
