// 1.11: a step that fails its first attempt and succeeds on the second, with a retry strategy.
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  return ctx.step(
    async ({ attempt }) => {
      if (attempt === 1) throw new Error('transient failure on the first attempt');
      return 'Operation succeeded';
    },
    { retryStrategy: (_error, attempt) => ({ shouldRetry: attempt < 3, delay: Duration.seconds(1) }) },
  );
});
