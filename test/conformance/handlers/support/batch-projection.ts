/**
 * The projection of a batch result that several requirements return.
 *
 * Example: `project(result)` → `{ completionReason: 'ALL_COMPLETED', status: 'FAILED', successCount: 2, failureCount: 1, totalCount: 3 }`.
 */
import type { BatchResult } from 'cdk-durable-function/runtime';

/** Completion reason, status and counts of a batch result. */
export interface BatchProjection {
  readonly completionReason: string;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly successCount: number;
  readonly failureCount: number;
  readonly totalCount: number;
}

/** Projects a batch result onto the fields the requirements compare. */
export function project(result: BatchResult<unknown>): BatchProjection {
  return {
    completionReason: result.completionReason,
    status: result.status,
    successCount: result.successCount,
    failureCount: result.failureCount,
    totalCount: result.totalCount,
  };
}
