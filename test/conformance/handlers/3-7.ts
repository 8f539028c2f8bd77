// 3.7: a child context whose step fails once and succeeds on retry, returning the input.
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (input: string, ctx) => {
  return ctx.runInChildContext('retrying-child', async (child) =>
    child.step(
      async ({ attempt }) => {
        if (attempt === 1) throw new Error('transient failure on the first attempt');
        return input;
      },
      { retryStrategy: (_error, attempt) => ({ shouldRetry: attempt < 3, delay: Duration.seconds(1) }) },
    ),
  );
});
