// 6.5: the fixed-delay preset (2 s, no jitter): count from 0 until the input threshold (3).
import { Duration, WaitStrategies, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (threshold: number, ctx) => {
  return ctx.waitForCondition(async (count: number) => count + 1, {
    initialState: 0,
    waitStrategy: WaitStrategies.fixed({ delay: Duration.seconds(2), until: (count: number) => count >= threshold }),
  });
});
