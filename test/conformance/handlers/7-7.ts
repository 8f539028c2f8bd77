// 7.7: the submitter always throws; 2 attempts 1 s apart, then the operation and execution fail.
import { Duration, RetryPresets, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (name: string, ctx) => {
  return ctx.waitForCallback<string>(
    name,
    async () => {
      throw new Error('the approval system is unreachable');
    },
    { retryStrategy: RetryPresets.fixed({ maxAttempts: 2, delay: Duration.seconds(1) }) },
  );
});
