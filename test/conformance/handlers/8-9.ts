// 8.9: tolerated-failure-count 1 with one failing branch out of three: every branch runs.
import { withDurableExecution } from 'cdk-durable-function/runtime';
import { project } from './support/batch-projection';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  const result = await ctx.parallel(
    'tolerated',
    [
      async () => 'b0',
      async (): Promise<string> => {
        throw new Error('branch 1 fails');
      },
      async () => 'b2',
    ],
    { maxConcurrency: 1, completionConfig: { toleratedFailureCount: 1 } },
  );
  return project(result);
});
