// 4.19: create callbacks A and B, await B first, then A; return both results.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async ([nameA, nameB]: [string, string], ctx) => {
  const a = await ctx.createCallback<string>(nameA);
  const b = await ctx.createCallback<string>(nameB);
  const resultB = await b.promise;
  const resultA = await a.promise;
  return [resultA, resultB];
});
