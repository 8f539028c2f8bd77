// 8.7: fail-fast parallel (tolerated-failure-count 0) whose first branch fails. The tolerance is
// exceeded, so the parallel rejects with ParallelError; the handler asks the batch result carried
// by the error to rethrow, which fails the execution with the branch's error.
import { BatchResult, CompletionConfig, ParallelError, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  let result: BatchResult<unknown>;
  try {
    result = await ctx.parallel(
      'throwing',
      [
        async (): Promise<string> => {
          throw new Error('branch 0 fails');
        },
        async () => 'never started',
      ],
      { maxConcurrency: 1, completionConfig: CompletionConfig.allSuccessful() },
    );
  } catch (error) {
    if (!(error instanceof ParallelError)) throw error;
    result = error.result;
  }
  result.throwIfError();
  return result.getResults();
});
