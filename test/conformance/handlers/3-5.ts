// 3.5: a child context whose step fails; the parent catches the error and runs a recovery step.
import { RetryPresets, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (input: string, ctx) => {
  try {
    await ctx.runInChildContext(async (child) =>
      child.step(
        async (): Promise<string> => {
          throw new Error('the inner step fails');
        },
        { retryStrategy: RetryPresets.none() },
      ),
    );
  } catch {
    // The failure is expected; the recovery step below takes over.
  }
  return ctx.step(async () => input);
});
