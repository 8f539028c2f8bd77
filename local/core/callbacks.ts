/**
 * The callback APIs (`SendDurableExecutionCallback{Success,Failure,Heartbeat}`, protocol.md §6.6):
 * an outside system completes, fails or keeps alive a CALLBACK operation by its callback id.
 */
import type { ErrorObject } from '@aws-sdk/client-lambda';
import { decodeCallbackId } from './callback-ids';
import type { CoreState } from './core-state';
import { CoreServiceError, invalidParameter, notFound } from './errors';
import { MAX_CALLBACK_RESULT_BYTES, utf8Bytes } from './limits';
import { failCallback, succeedCallback } from './operation-state';
import { statusLabel, takesOutsideResults, type ExecutionRecord, type OperationRecord } from './records';
import { serviceChanged } from './scheduling';
import { assertErrorObject } from './validation';

/**
 * Completes a callback with a result (JSON text recommended; empty means none).
 * @throws CoreServiceError 413 for a result over the limit, plus the errors of a callback that is not open.
 * @example sendCallbackSuccess(state, callbackId, '{"approved":true}')
 */
export function sendCallbackSuccess(state: CoreState, callbackId: string, result?: string): void {
  if (result !== undefined && typeof result !== 'string') {
    throw invalidParameter('The callback result must be text (UTF-8).');
  }
  if (result !== undefined && utf8Bytes(result) > MAX_CALLBACK_RESULT_BYTES) {
    throw new CoreServiceError(
      'RequestTooLargeException',
      `Callback result is ${utf8Bytes(result)} bytes; the maximum is ${MAX_CALLBACK_RESULT_BYTES} bytes.`,
    );
  }
  const { exec, rec } = openCallback(state, callbackId);
  succeedCallback(exec, rec, result, state.clock.now(), state.timers);
  serviceChanged(state, exec);
}

/**
 * Fails a callback with an error (`{}` when none).
 * @example sendCallbackFailure(state, callbackId, { ErrorType: 'Rejected', ErrorMessage: 'no budget' })
 */
export function sendCallbackFailure(state: CoreState, callbackId: string, error?: ErrorObject): void {
  assertErrorObject(error, 'callback failure Error');
  const { exec, rec } = openCallback(state, callbackId);
  failCallback(exec, rec, error, state.clock.now(), state.timers);
  serviceChanged(state, exec);
}

/**
 * Restarts the heartbeat timeout of a callback created with `HeartbeatTimeoutSeconds`.
 * @example sendCallbackHeartbeat(state, callbackId)
 */
export function sendCallbackHeartbeat(state: CoreState, callbackId: string): void {
  const { exec, rec } = openCallback(state, callbackId);
  const seconds = rec.callback?.heartbeatTimeoutSeconds ?? 0;
  if (seconds <= 0) {
    throw invalidParameter(`Callback ${callbackId} was created without HeartbeatTimeoutSeconds, so it takes no heartbeats.`);
  }
  state.timers.arm('callback-heartbeat', exec.arn, rec.op.Id as string, state.clock.now() + seconds * 1000);
  state.wakes.notify(exec.arn, 'service-change');
}

/**
 * The CALLBACK operation a callback id names, if it can still take a result.
 * @throws CoreServiceError 404 when unknown, 400 `CallbackTimeoutException` when timed out, 400 when
 *   already completed or its execution no longer takes work (§6.6).
 */
function openCallback(state: CoreState, callbackId: string): { exec: ExecutionRecord; rec: OperationRecord } {
  const address = decodeCallbackId(callbackId);
  const exec = address ? state.executions.liveById(address.executionId) : undefined;
  const rec = address ? exec?.operationsById.get(address.operationId) : undefined;
  if (!exec || !rec || rec.op.Type !== 'CALLBACK' || exec.status === 'DELETING') {
    throw notFound(`Callback not found: ${callbackId}. Use the CallbackId the callback operation reported.`);
  }
  if (rec.op.Status === 'TIMED_OUT') {
    throw new CoreServiceError('CallbackTimeoutException', `Callback ${callbackId} has already timed out.`);
  }
  if (rec.op.Status !== 'STARTED') {
    throw invalidParameter(`Callback ${callbackId} is already ${rec.op.Status}; it cannot be completed again.`);
  }
  if (!takesOutsideResults(exec)) {
    throw invalidParameter(
      `Callback ${callbackId} belongs to execution ${exec.arn}, which is ${statusLabel(exec)}; its callbacks can no longer complete.`,
    );
  }
  return { exec, rec };
}
