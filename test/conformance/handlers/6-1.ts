// 6.1: poll a counter from 0, +1 per check, until it reaches the input threshold; return it.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (threshold: number, ctx) => {
  return ctx.waitForCondition(async (count: number) => count + 1, {
    initialState: 0,
    waitStrategy: (count) => (count < threshold ? { shouldContinue: true, delay: { seconds: 1 } } : { shouldContinue: false }),
  });
});
