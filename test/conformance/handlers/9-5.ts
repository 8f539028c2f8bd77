// 9.5: fail-fast map (tolerated-failure-count 0): item 1 fails, item 2 never starts. The map
// rejects with MapError; the handler returns the projection of the batch result it carries.
import { MapError, withDurableExecution } from 'cdk-durable-function/runtime';
import { project } from './support/batch-projection';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  try {
    const result = await ctx.map(
      'failfast',
      ['i0', 'i1', 'i2'],
      async (_ctx, item) => {
        if (item === 'i1') throw new Error('item 1 fails');
        return 'ok';
      },
      { maxConcurrency: 1, completionConfig: { toleratedFailureCount: 0 } },
    );
    return project(result);
  } catch (error) {
    if (!(error instanceof MapError)) throw error;
    return project(error.result);
  }
});
