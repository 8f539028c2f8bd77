// 7.15: a waitForCallback completed with success and no result; return what it resolves to.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (name: string, ctx) => {
  return ctx.waitForCallback<string | undefined>(name, async () => undefined);
});
