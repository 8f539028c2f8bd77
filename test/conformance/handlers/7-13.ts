// 7.13: a waitForCallback with a 10 s heartbeat timeout; a heartbeat, then success.
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (name: string, ctx) => {
  return ctx.waitForCallback<string>(name, async () => undefined, { heartbeatTimeout: Duration.seconds(10) });
});
