// 7.5: a waitForCallback with a 3 s timeout that nobody completes; the error fails the execution.
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (name: string, ctx) => {
  return ctx.waitForCallback<string>(name, async () => undefined, { timeout: Duration.seconds(3) });
});
