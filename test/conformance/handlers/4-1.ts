// 4.1: a callback named by the input; return its result.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (name: string, ctx) => {
  const { promise } = await ctx.createCallback<string>(name);
  return promise;
});
