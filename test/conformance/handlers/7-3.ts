// 7.3: an unnamed waitForCallback with an inline submitter; return the result.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  return ctx.waitForCallback<string>(async () => undefined);
});
