// 8.13: tolerated failure percentage 25 % of four branches; the second failure exceeds it and the
// rest never start. The parallel rejects with ParallelError; the handler returns the projection
// of the batch result the error carries.
import { ParallelError, withDurableExecution } from 'cdk-durable-function/runtime';
import { project } from './support/batch-projection';

const failing = (index: number) => async (): Promise<string> => {
  throw new Error(`branch ${index} fails`);
};

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  try {
    const result = await ctx.parallel('tolerated-pct', [failing(0), failing(1), failing(2), failing(3)], {
      maxConcurrency: 1,
      completionConfig: { toleratedFailurePercentage: 0.25 },
    });
    return project(result);
  } catch (error) {
    if (!(error instanceof ParallelError)) throw error;
    const { completionReason, successCount, failureCount, totalCount } = project(error.result);
    return { completionReason, successCount, failureCount, totalCount };
  }
});
