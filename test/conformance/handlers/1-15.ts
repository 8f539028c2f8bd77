// 1.15: a step throwing TransientError once; the retry strategy retries only that error type.
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

class TransientError extends Error {
  override readonly name = 'TransientError';
}

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  return ctx.step(
    async ({ attempt }) => {
      if (attempt === 1) throw new TransientError('the backend is briefly unavailable');
      return 'recovered';
    },
    {
      retryStrategy: (error) =>
        error instanceof TransientError ? { shouldRetry: true, delay: Duration.seconds(1) } : { shouldRetry: false },
    },
  );
});
