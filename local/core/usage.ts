/**
 * What an execution has used of its per-execution limits: the figures Lambda publishes as the
 * `DurableExecutionOperations` and `DurableExecutionStorageWrittenBytes` metrics.
 */
import type { CoreState } from './core-state';

/** An execution's use of the 3,000-operation and 100 MB limits. */
export interface ExecutionUsage {
  /** Operations stored, the EXECUTION operation included (what the 3,000 limit counts). */
  readonly operations: number;
  /** Input, payload and error bytes written so far (what the 100 MB limit counts). */
  readonly storageWrittenBytes: number;
}

/**
 * @throws CoreServiceError 404 for an unknown execution.
 * @example executionUsage(state, arn).operations
 */
export function executionUsage(state: CoreState, executionArn: string): ExecutionUsage {
  const exec = state.executions.lookup(executionArn);
  return { operations: exec.operationsById.size, storageWrittenBytes: exec.dataBytes };
}
