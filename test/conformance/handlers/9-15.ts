// 9.15: iteration 1 waits one second before its step, suspending the execution mid-map; the
// replay skips the finished iteration 0 and resumes iteration 1.
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  const result = await ctx.map(
    'suspend',
    ['r0', 'r1'],
    async (iteration, item, index) => {
      if (index === 1) await iteration.wait(Duration.seconds(1));
      return iteration.step(async () => item);
    },
    { maxConcurrency: 1 },
  );
  return result.getResults();
});
