// 8.1: a parallel of two branches, each one step returning a constant, run one at a time.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  const result = await ctx.parallel(
    'parallel',
    [async (branch) => branch.step(async () => 'task-1'), async (branch) => branch.step(async () => 'task-2')],
    { maxConcurrency: 1 },
  );
  return result.getResults();
});
