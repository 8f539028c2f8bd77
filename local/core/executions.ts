/**
 * The life of an execution as a whole: its start (idempotent by name, §6.1), and its end
 * (decided by the handler, stopped, or timed out), which it reports to a calling chained invoke.
 */
import type { ErrorObject, Operation, StopDurableExecutionRequest, StopDurableExecutionResponse } from '@aws-sdk/client-lambda';
import type { StartExecutionRequest, StartExecutionResult } from './api';
import { executionArn as buildExecutionArn, functionArn, resolveVersion, validateExecutionName } from './arns';
import { deepCopy } from './clone';
import type { CoreState } from './core-state';
import { conflict, CoreServiceError, invalidParameter } from './errors';
import { HistoryLog, eventError, eventResult } from './history';
import { DEFAULT_RETENTION_DAYS, MAX_ASYNC_INPUT_BYTES, MAX_SYNC_INPUT_BYTES, utf8Bytes } from './limits';
import { addOperation, closeOperation, finishChainedInvoke, touch } from './operation-state';
import { armExecutionTimeout } from './pausing';
import { awaitsResult, closeInvocation, isActive, runningInvocation, type ExecutionRecord, type OperationAddress, type OperationRecord } from './records';
import { clearNeedsInvocation, markNeedsInvocation, serviceChanged } from './scheduling';
import { assertErrorObject } from './validation';

/** How an execution can end (pausing and deleting are not ends). */
export type TerminalExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'STOPPED' | 'TIMED_OUT';

/** How an execution ended: its result when SUCCEEDED, otherwise its error. */
export interface ExecutionOutcome {
  readonly result?: string;
  readonly error?: ErrorObject;
}

/**
 * Starts an execution, or returns the existing one for a repeated name with the same input (§6.1).
 *
 * @param parent the CHAINED_INVOKE operation that starts it, when a durable function invokes another.
 * @throws CoreServiceError 400/404 for the function reference, 413 for an oversized input, 409 for
 *   a name reused with another input.
 * @example startExecution(state, { functionName: 'orders:live', payload: '{}', invocationType: 'Event' })
 */
export function startExecution(state: CoreState, req: StartExecutionRequest, parent?: OperationAddress): StartExecutionResult {
  const { def, ref } = state.functions.resolve(req.functionName, req.qualifier, 'Register it before invoking it.');
  const version = resolveVersion(def, ref.qualifier, state.location);
  if (req.invocationType !== 'RequestResponse' && req.invocationType !== 'Event') {
    throw invalidParameter(`Invalid invocation type "${String(req.invocationType)}": use RequestResponse or Event.`);
  }
  if (req.payload !== undefined && typeof req.payload !== 'string') {
    throw invalidParameter('The Invoke payload must be text (JSON).');
  }
  const payload = req.payload === '' ? undefined : req.payload;
  const limit = req.invocationType === 'Event' ? MAX_ASYNC_INPUT_BYTES : MAX_SYNC_INPUT_BYTES;
  const inputBytes = payload === undefined ? 0 : utf8Bytes(payload);
  if (inputBytes > limit) {
    throw new CoreServiceError(
      'RequestTooLargeException',
      `Request must be smaller than ${limit} bytes for the ${req.invocationType} invocation type (got ${inputBytes}).`,
    );
  }
  if (req.executionName !== undefined) {
    validateExecutionName(req.executionName);
    const existing = state.executions.liveByName(def.functionName, req.executionName);
    if (existing?.status === 'DELETING') {
      throw conflict(
        `The durable execution named ${req.executionName} of ${def.functionName} is being deleted (${existing.arn}); start it again once the deletion has finished.`,
      );
    }
    // A paused execution is returned as it is: Invoke never resumes one (§9.4).
    if (existing) {
      if (existing.inputPayload === payload) {
        return { executionArn: existing.arn, executedVersion: existing.version, created: false };
      }
      throw new CoreServiceError(
        'DurableExecutionAlreadyStartedException',
        `A durable execution named ${req.executionName} already exists for ${def.functionName} with a different input ` +
          `(${existing.arn}). Use another DurableExecutionName, or send the same payload to get the existing execution.`,
      );
    }
  }
  const now = state.clock.now();
  const id = state.newId();
  const name = req.executionName ?? state.newId();
  const arn = buildExecutionArn(state.location, def.functionName, version, name, id);
  const exec: ExecutionRecord = {
    arn,
    id,
    name,
    functionName: def.functionName,
    version,
    functionArn: functionArn(state.location, def.functionName, version),
    createdSeq: state.executions.nextCreatedSeq(),
    invocationType: req.invocationType,
    ...(payload !== undefined ? { inputPayload: payload } : {}),
    startedAt: now,
    executionTimeoutSeconds: def.durableConfig.executionTimeoutSeconds,
    retentionDays: def.durableConfig.retentionPeriodDays ?? DEFAULT_RETENTION_DAYS,
    status: 'RUNNING',
    operations: [],
    operationsById: new Map(),
    history: new HistoryLog(),
    changeSeq: 0,
    invocations: [],
    tokens: new Map(),
    consecutiveInvocationErrors: 0,
    clientTokens: new Map(),
    dataBytes: inputBytes,
    ...(parent ? { parent } : {}),
  };
  const op: Operation = {
    Id: id,
    Type: 'EXECUTION',
    Status: 'STARTED',
    StartTimestamp: new Date(now),
    ExecutionDetails: payload !== undefined ? { InputPayload: payload } : {},
  };
  touch(exec, addOperation(exec, op));
  exec.history.append('ExecutionStarted', now, { Id: id, Name: name }, {
    Input: eventResult(payload),
    ExecutionTimeout: exec.executionTimeoutSeconds,
  });
  state.executions.add(exec);
  armExecutionTimeout(state, exec);
  markNeedsInvocation(state, exec);
  state.wakes.notify(arn, 'started');
  return { executionArn: arn, executedVersion: version, created: true };
}

/**
 * Ends an execution. A still-running invocation is closed first so that the terminal event is
 * the last one (§5.2); its host's later endInvocation is then a no-op.
 */
export function finishExecution(
  state: CoreState,
  exec: ExecutionRecord,
  status: TerminalExecutionStatus,
  outcome: ExecutionOutcome,
): void {
  const now = state.clock.now();
  const inv = runningInvocation(exec);
  if (inv) {
    const why = status === 'STOPPED' ? 'stopped' : status === 'TIMED_OUT' ? 'timed out' : 'closed';
    closeInvocation(
      exec,
      inv,
      now,
      { ErrorType: 'InvocationInterrupted', ErrorMessage: `The execution was ${why} while this invocation was running.` },
      true,
    );
  }
  exec.status = status;
  exec.endedAt = now;
  exec.pendingClose = undefined;
  // A pause ends with the execution; no ExecutionResumed is written (§9.4).
  exec.pause = undefined;
  clearNeedsInvocation(state, exec);
  state.timers.disarmExecution(exec.arn);
  if (outcome.result !== undefined) exec.result = outcome.result;
  if (outcome.error !== undefined) exec.error = deepCopy(outcome.error);
  const execRec = exec.operationsById.get(exec.id) as OperationRecord;
  closeOperation(execRec, status, now);
  touch(exec, execRec);
  const subject = { Id: exec.id, Name: exec.name };
  if (status === 'SUCCEEDED') exec.history.append('ExecutionSucceeded', now, subject, { Result: eventResult(outcome.result) });
  else if (status === 'FAILED') exec.history.append('ExecutionFailed', now, subject, { Error: eventError(outcome.error) });
  else if (status === 'TIMED_OUT') exec.history.append('ExecutionTimedOut', now, subject, { Error: eventError(outcome.error) });
  else exec.history.append('ExecutionStopped', now, subject, { Error: eventError(outcome.error) });
  state.wakes.notify(exec.arn, 'ended');
  if (exec.parent) {
    reportToParent(state, exec.parent, status, outcome, now);
  }
}

/** The calling execution's CHAINED_INVOKE takes the target's end, unless it no longer waits for it. */
function reportToParent(
  state: CoreState,
  address: OperationAddress,
  status: TerminalExecutionStatus,
  outcome: ExecutionOutcome,
  now: number,
): void {
  const parent = state.executions.get(address.executionArn);
  const rec = parent?.operationsById.get(address.operationId);
  if (parent && rec && awaitsResult(parent, rec)) {
    finishChainedInvoke(parent, rec, status === 'SUCCEEDED' ? { status, result: outcome.result } : { status, error: outcome.error }, now);
    serviceChanged(state, parent);
  }
}

/**
 * Ends the execution as its EXECUTION update decided, if one did.
 * @returns false when nothing was decided (the execution stays as it is).
 */
export function finishAsDecided(state: CoreState, exec: ExecutionRecord): boolean {
  const close = exec.pendingClose;
  if (!close) return false;
  finishExecution(state, exec, close.status, close.status === 'SUCCEEDED' ? { result: close.result } : { error: close.error });
  return true;
}

/** The ExecutionTimeout elapsed: TIMED_OUT, unless the handler had already decided the end (§4.3). */
export function timeOutExecution(state: CoreState, exec: ExecutionRecord): void {
  if (finishAsDecided(state, exec)) return;
  finishExecution(state, exec, 'TIMED_OUT', {
    error: {
      ErrorType: 'ExecutionTimedOut',
      ErrorMessage: `The execution exceeded its ExecutionTimeout of ${exec.executionTimeoutSeconds} seconds.`,
    },
  });
}

/**
 * `StopDurableExecution` (§6.5): a RUNNING, PAUSING or PAUSED execution becomes STOPPED with the request's error.
 * @throws CoreServiceError 400 when it already ended, 404 when unknown.
 */
export function stopExecution(state: CoreState, req: StopDurableExecutionRequest): StopDurableExecutionResponse {
  const exec = state.executions.lookup(req.DurableExecutionArn);
  assertErrorObject(req.Error, 'Error of the stop request');
  if (!isActive(exec)) {
    throw invalidParameter(`Cannot stop execution ${exec.arn}: it is already ${exec.status}.`);
  }
  const now = state.clock.now();
  finishExecution(state, exec, 'STOPPED', { error: req.Error });
  return { StopTimestamp: new Date(now) };
}
