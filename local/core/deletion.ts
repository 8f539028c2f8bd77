/**
 * Deleting finished executions (protocol.md §9.8): `DeleteDurableExecution` moves a SUCCEEDED,
 * FAILED, TIMED_OUT or STOPPED execution to DELETING; its history, state and payloads are removed
 * once the deletion delay has passed (default 0: at once).
 */
import type { DeleteDurableExecutionRequest, DeleteDurableExecutionResponse, ExecutionStatus } from '@aws-sdk/client-lambda';
import { ControlMessages, lookupForControl } from './control-requests';
import type { CoreState } from './core-state';
import { conflict } from './errors';

/** The statuses an execution can be deleted in: the four ends (§9.8, documented). */
export const DELETABLE_STATUSES: readonly ExecutionStatus[] = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'STOPPED'];

/**
 * `DeleteDurableExecution`. Chained-invoke children are separate executions and stay.
 *
 * @throws CoreServiceError 400 for a malformed ARN, 404 for an unknown or already deleted
 *   execution, 409 unless it has ended (DELETING included).
 * @example deleteExecution(state, { DurableExecutionArn: arn }).DeletionRequestTimestamp
 */
export function deleteExecution(state: CoreState, req: DeleteDurableExecutionRequest): DeleteDurableExecutionResponse {
  const exec = lookupForControl(state, req?.DurableExecutionArn);
  if (!DELETABLE_STATUSES.includes(exec.status as ExecutionStatus)) {
    throw conflict(ControlMessages.cannotDelete(exec.status as string));
  }
  const now = state.clock.now();
  const delay = state.deletionDelayMs ?? 0;
  exec.status = 'DELETING';
  exec.deletion = { requestedAt: now, removeAt: now + delay };
  state.timers.disarmExecution(exec.arn);
  if (delay <= 0) state.executions.remove(exec);
  state.wakes.notify(exec.arn, 'service-change');
  return { DeletionRequestTimestamp: new Date(now) };
}
