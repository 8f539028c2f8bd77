// 4.7: a callback, then a step, then await the callback, which fails; the error is not caught.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (name: string, ctx) => {
  const { promise } = await ctx.createCallback<string>(name);
  await ctx.step(async () => 'side work');
  return promise;
});
