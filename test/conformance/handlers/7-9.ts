// 7.9: two waitForCallbacks in a row, "first" then "second"; return the second result.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  await ctx.waitForCallback<string>('first', async () => undefined);
  return ctx.waitForCallback<string>('second', async () => undefined);
});
