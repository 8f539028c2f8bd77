// 9.9: tolerated-failure-count 1; items 0 and 1 fail, so the second failure exceeds the tolerance
// and item 2 never starts. The map rejects with MapError; the handler returns the projection of
// the batch result it carries.
import { MapError, withDurableExecution } from 'cdk-durable-function/runtime';
import { project } from './support/batch-projection';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  try {
    const result = await ctx.map(
      'tolerated-exceeded',
      ['i0', 'i1', 'i2'],
      async (_ctx, item): Promise<string> => {
        throw new Error(`${item} fails`);
      },
      { maxConcurrency: 1, completionConfig: { toleratedFailureCount: 1 } },
    );
    const { completionReason, successCount, failureCount, totalCount } = project(result);
    return { completionReason, successCount, failureCount, totalCount };
  } catch (error) {
    if (!(error instanceof MapError)) throw error;
    const { completionReason, successCount, failureCount, totalCount } = project(error.result);
    return { completionReason, successCount, failureCount, totalCount };
  }
});
