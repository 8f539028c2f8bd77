// 8.17: min-successful 3 that is never reached (one of three branches fails); no failure
// tolerance is set, so every branch runs and the batch resolves ALL_COMPLETED with a failure.
import { withDurableExecution } from 'cdk-durable-function/runtime';
import { project } from './support/batch-projection';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  const result = await ctx.parallel(
    'min-not-reached',
    [
      async () => 'b0',
      async (): Promise<string> => {
        throw new Error('branch 1 fails');
      },
      async () => 'b2',
    ],
    { maxConcurrency: 1, completionConfig: { minSuccessful: 3 } },
  );
  return project(result);
});
