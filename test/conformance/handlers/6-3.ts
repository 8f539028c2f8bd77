// 6.3: a waitForCondition named "poll-status": count from 0 until the input threshold (2).
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (threshold: number, ctx) => {
  return ctx.waitForCondition('poll-status', async (count: number) => count + 1, {
    initialState: 0,
    waitStrategy: (count) => (count < threshold ? { shouldContinue: true, delay: { seconds: 1 } } : { shouldContinue: false }),
  });
});
