/**
 * Scenario 2, partial failure: one of three branches throws, and `allCompleted()` lets the batch
 * resolve anyway, so the workflow can report what went wrong instead of failing.
 *
 * @example
 * // input: {"orderId": "o-1"}
 * // result: {"successCount": 2, "failureCount": 1, "results": ["first", "third"],
 * //          "errors": [{"index": 1, "name": "boom", "errorType": "Error", "message": "intentional partial failure"}]}
 */
import { CompletionConfig, type DurableContext } from 'cdk-durable-function/runtime';

/** The input every scenario receives. */
export interface OrderInput {
  readonly orderId: string;
}

/** One failed branch, as the workflow reports it. */
export interface BranchErrorSummary {
  readonly index: number;
  readonly name?: string;
  readonly errorType?: string;
  readonly message?: string;
}

/** What the workflow returns. */
export interface PartialFailureResult {
  readonly successCount: number;
  readonly failureCount: number;
  readonly results: string[];
  readonly errors: BranchErrorSummary[];
}

/** Runs `ok1`, `boom` and `ok2` to completion and summarises the one failure. */
export async function handler(_input: OrderInput, ctx: DurableContext): Promise<PartialFailureResult> {
  const batch = await ctx.parallel(
    'partial',
    [
      { name: 'ok1', func: async () => 'first' },
      {
        name: 'boom',
        func: async (): Promise<string> => {
          throw new Error('intentional partial failure');
        },
      },
      { name: 'ok2', func: async () => 'third' },
    ],
    { completionConfig: CompletionConfig.allCompleted() },
  );
  return {
    successCount: batch.successCount,
    failureCount: batch.failureCount,
    results: batch.getResults(),
    errors: batch.failed.map((item) => ({
      index: item.index,
      name: item.name,
      errorType: item.error?.name,
      message: item.error?.message,
    })),
  };
}
