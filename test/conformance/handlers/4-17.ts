// 4.17: callback A, await it, then callback B, await it; return both results.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async ([nameA, nameB]: [string, string], ctx) => {
  const a = await ctx.createCallback<string>(nameA);
  const resultA = await a.promise;
  const b = await ctx.createCallback<string>(nameB);
  const resultB = await b.promise;
  return [resultA, resultB];
});
