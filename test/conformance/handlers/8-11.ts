// 8.11: three branches with up to two in flight; results come back in branch order.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  const result = await ctx.parallel(
    'concurrent',
    [async () => 'r0', async () => 'r1', async () => 'r2'],
    { maxConcurrency: 2 },
  );
  return result.getResults();
});
