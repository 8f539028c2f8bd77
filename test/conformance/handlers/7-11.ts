// 7.11: a waitForCallback whose JSON object result is parsed; return its "status".
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (name: string, ctx) => {
  const result = await ctx.waitForCallback<{ status: string }>(name, async () => undefined);
  return result.status;
});
