// 1.19: a step that always throws, with retries disabled; the execution fails.
import { RetryPresets, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  return ctx.step(
    async (): Promise<string> => {
      throw new Error('the step always fails');
    },
    { retryStrategy: RetryPresets.none() },
  );
});
