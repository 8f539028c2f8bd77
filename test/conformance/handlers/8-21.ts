// 8.21: a parallel whose single branch runs an inner parallel of two one-step branches.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  const outer = await ctx.parallel(
    'outer',
    [
      async (branch) => {
        const inner = await branch.parallel(
          'inner',
          [async (b) => b.step(async () => 'i1'), async (b) => b.step(async () => 'i2')],
          { maxConcurrency: 1 },
        );
        return inner.getResults();
      },
    ],
    { maxConcurrency: 1 },
  );
  return outer.getResults();
});
