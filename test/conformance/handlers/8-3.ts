// 8.3: a parallel of two named branches ("first", "second") returning constants directly.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  const result = await ctx.parallel(
    'named',
    [
      { name: 'first', func: async () => 'one' },
      { name: 'second', func: async () => 'two' },
    ],
    { maxConcurrency: 1 },
  );
  return result.getResults();
});
