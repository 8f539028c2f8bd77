// 7.1: a waitForCallback named by the input; the submitter does nothing durable; return the result.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (name: string, ctx) => {
  return ctx.waitForCallback<string>(name, async () => undefined);
});
