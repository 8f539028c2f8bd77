/**
 * Per-type operation state machines (protocol.md §4.2) and the history events each transition
 * writes (§5.2). Functions here mutate one execution record; their callers decide when to call
 * them and what to wake afterwards.
 */
import type { ErrorObject, Operation, OperationStatus, OperationUpdate } from '@aws-sdk/client-lambda';
import type { ChainedInvokeOutcome } from './api';
import { encodeCallbackId } from './callback-ids';
import { eventError, eventResult } from './history';
import type { ExecutionRecord, OperationRecord } from './records';
import type { TimerQueue } from './timers';
import type { PlannedUpdate } from './validation';
import { deepCopy } from './clone';

/** How the target of a chained invoke was started. */
export type ChainedStart =
  /** The target is a durable function of this service: it runs as its own execution. */
  | { readonly kind: 'durable'; readonly executionArn: string; readonly executedVersion: string }
  /** A host must perform the invoke (`takeChainedInvokes`). */
  | { readonly kind: 'host' }
  /** The invoke could not start; the operation fails with this error. */
  | { readonly kind: 'failed'; readonly error: ErrorObject };

/** What applying updates needs from its surroundings. */
export interface ApplyEnvironment {
  readonly now: number;
  readonly timers: TimerQueue;
  startChainedInvoke(exec: ExecutionRecord, rec: OperationRecord, update: OperationUpdate): ChainedStart;
  /** Stops the durable target of a cancelled chained invoke. */
  cancelChainedTarget(targetExecutionArn: string): void;
}

/** Records that an operation changed, for NewExecutionState. */
export function touch(exec: ExecutionRecord, rec: OperationRecord): void {
  rec.changeSeq = ++exec.changeSeq;
}

/** True when the execution waits on something the service will complete (§1.3 PENDING rule). */
export function hasPendingOperation(exec: ExecutionRecord): boolean {
  return exec.operations.some(({ op }) => {
    switch (op.Type) {
      case 'STEP':
        return op.Status === 'PENDING' || op.Status === 'READY';
      case 'WAIT':
      case 'CALLBACK':
      case 'CHAINED_INVOKE':
        return op.Status === 'STARTED';
      default:
        return false;
    }
  });
}

/** Gives an operation its final status and end time. */
export function closeOperation(rec: OperationRecord, status: OperationStatus, now: number): void {
  rec.op.Status = status;
  rec.op.EndTimestamp = new Date(now);
}

function setOrDelete<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value === undefined) {
    delete target[key];
  } else {
    target[key] = value;
  }
}

/** Adds a new operation after all others: start order is the order of every operation list. */
export function addOperation(exec: ExecutionRecord, op: Operation): OperationRecord {
  const rec: OperationRecord = { op, changeSeq: 0 };
  exec.operations.push(rec);
  exec.operationsById.set(op.Id as string, rec);
  return rec;
}

function create(exec: ExecutionRecord, u: OperationUpdate, now: number): OperationRecord {
  const op: Operation = { Id: u.Id, Type: u.Type, Status: 'STARTED', StartTimestamp: new Date(now) };
  if (u.ParentId !== undefined) op.ParentId = u.ParentId;
  if (u.Name !== undefined) op.Name = u.Name;
  if (u.SubType !== undefined) op.SubType = u.SubType;
  return addOperation(exec, op);
}

/**
 * Applies one validated update: creates the operation on its first update, moves it to its next
 * status, arms or disarms timers and appends the event(s). An operation closed by its first update
 * gets only its closing event (§5.2).
 */
export function applyUpdate(exec: ExecutionRecord, planned: PlannedUpdate, env: ApplyEnvironment): void {
  const u = planned.update;
  const { now } = env;
  if (planned.type === 'EXECUTION') {
    // The execution closes when the invocation ends, so that its event follows InvocationCompleted (§5.2).
    exec.pendingClose =
      u.Action === 'SUCCEED' ? { status: 'SUCCEEDED', result: u.Payload } : { status: 'FAILED', error: deepCopy(u.Error ?? {}) };
    return;
  }
  const rec = exec.operationsById.get(u.Id as string) ?? create(exec, u, now);
  const { op } = rec;
  const log = exec.history;
  switch (planned.type) {
    case 'STEP':
      applyStep(exec, rec, u, env);
      break;
    case 'CONTEXT': {
      const details = (op.ContextDetails ??= {});
      if (u.ContextOptions?.ReplayChildren !== undefined) {
        details.ReplayChildren = u.ContextOptions.ReplayChildren;
      }
      if (u.Action === 'START') {
        op.Status = 'STARTED';
        log.append('ContextStarted', now, op, {});
      } else if (u.Action === 'SUCCEED') {
        setOrDelete(details, 'Result', u.Payload);
        delete details.Error;
        closeOperation(rec, 'SUCCEEDED', now);
        log.append('ContextSucceeded', now, op, { Result: eventResult(u.Payload) });
      } else {
        details.Error = deepCopy(u.Error ?? {});
        delete details.Result;
        closeOperation(rec, 'FAILED', now);
        log.append('ContextFailed', now, op, { Error: eventError(u.Error) });
      }
      break;
    }
    case 'WAIT':
      if (u.Action === 'START') {
        const seconds = u.WaitOptions?.WaitSeconds as number;
        const end = new Date(now + seconds * 1000);
        op.WaitDetails = { ScheduledEndTimestamp: end };
        env.timers.arm('wait', exec.arn, op.Id as string, end.getTime());
        log.append('WaitStarted', now, op, { Duration: seconds, ScheduledEndTimestamp: new Date(end) });
      } else {
        env.timers.disarm('wait', exec.arn, op.Id as string);
        closeOperation(rec, 'CANCELLED', now);
        log.append('WaitCancelled', now, op, u.Error === undefined ? {} : { Error: eventError(u.Error) });
      }
      break;
    case 'CALLBACK':
      if (u.Action === 'START') {
        const timeoutSeconds = u.CallbackOptions?.TimeoutSeconds ?? 0;
        const heartbeatTimeoutSeconds = u.CallbackOptions?.HeartbeatTimeoutSeconds ?? 0;
        const callbackId = encodeCallbackId({ executionId: exec.id, operationId: op.Id as string });
        op.CallbackDetails = { CallbackId: callbackId };
        rec.callback = { timeoutSeconds, heartbeatTimeoutSeconds };
        if (timeoutSeconds > 0) env.timers.arm('callback-timeout', exec.arn, op.Id as string, now + timeoutSeconds * 1000);
        if (heartbeatTimeoutSeconds > 0) {
          env.timers.arm('callback-heartbeat', exec.arn, op.Id as string, now + heartbeatTimeoutSeconds * 1000);
        }
        log.append('CallbackStarted', now, op, {
          CallbackId: callbackId,
          ...(timeoutSeconds > 0 ? { Timeout: timeoutSeconds } : {}),
          ...(heartbeatTimeoutSeconds > 0 ? { HeartbeatTimeout: heartbeatTimeoutSeconds } : {}),
        });
      } else {
        disarmCallback(exec, rec, env.timers);
        if (u.Error !== undefined) (op.CallbackDetails ??= {}).Error = deepCopy(u.Error);
        // No history event exists for a cancelled callback (emulator rule, §4.2).
        closeOperation(rec, 'CANCELLED', now);
      }
      break;
    case 'CHAINED_INVOKE':
      if (u.Action === 'START') {
        const options = u.ChainedInvokeOptions as NonNullable<OperationUpdate['ChainedInvokeOptions']>;
        op.ChainedInvokeDetails = {};
        const start = env.startChainedInvoke(exec, rec, u);
        log.append('ChainedInvokeStarted', now, op, {
          FunctionName: options.FunctionName,
          // Recorded histories carry Input even for an invoke without a payload (then `{}`).
          Input: eventResult(u.Payload),
          ...(options.TenantId !== undefined ? { TenantId: options.TenantId } : {}),
          ...(start.kind === 'durable' ? { DurableExecutionArn: start.executionArn, ExecutedVersion: start.executedVersion } : {}),
        });
        if (start.kind === 'failed') {
          finishChainedInvoke(exec, rec, { status: 'FAILED', error: start.error }, now);
        }
      } else {
        if (u.Error !== undefined) (op.ChainedInvokeDetails ??= {}).Error = deepCopy(u.Error);
        closeOperation(rec, 'STOPPED', now);
        log.append('ChainedInvokeStopped', now, op, { Error: eventError(u.Error) });
        const target = rec.chained?.targetExecutionArn;
        if (target !== undefined) env.cancelChainedTarget(target);
      }
      break;
  }
  touch(exec, rec);
}

function applyStep(exec: ExecutionRecord, rec: OperationRecord, u: OperationUpdate, env: ApplyEnvironment): void {
  const { op } = rec;
  const { now } = env;
  const log = exec.history;
  if (u.Action === 'START') {
    op.Status = 'STARTED';
    log.append('StepStarted', now, op, {});
    return;
  }
  const details = (op.StepDetails ??= {});
  const attempt = (details.Attempt ?? 0) + 1;
  details.Attempt = attempt;
  delete details.NextAttemptTimestamp;
  if (u.Action === 'SUCCEED') {
    setOrDelete(details, 'Result', u.Payload);
    delete details.Error;
    closeOperation(rec, 'SUCCEEDED', now);
    log.append('StepSucceeded', now, op, { Result: eventResult(u.Payload), RetryDetails: { CurrentAttempt: attempt } });
  } else if (u.Action === 'FAIL') {
    details.Error = deepCopy(u.Error ?? {});
    delete details.Result;
    closeOperation(rec, 'FAILED', now);
    log.append('StepFailed', now, op, { Error: eventError(u.Error), RetryDetails: { CurrentAttempt: attempt } });
  } else {
    const delay = u.StepOptions?.NextAttemptDelaySeconds as number;
    const next = now + delay * 1000;
    op.Status = 'PENDING';
    details.NextAttemptTimestamp = new Date(next);
    env.timers.arm('step-retry', exec.arn, op.Id as string, next);
    const retry = { CurrentAttempt: attempt, NextAttemptDelaySeconds: delay };
    if (u.Error !== undefined) {
      details.Error = deepCopy(u.Error);
      delete details.Result;
      log.append('StepFailed', now, op, { Error: eventError(u.Error), RetryDetails: retry });
    } else {
      // A RETRY without an error is a waitForCondition poll: the payload is the state to keep.
      setOrDelete(details, 'Result', u.Payload);
      delete details.Error;
      log.append('StepSucceeded', now, op, { Result: eventResult(u.Payload), RetryDetails: retry });
    }
  }
}

function disarmCallback(exec: ExecutionRecord, rec: OperationRecord, timers: TimerQueue): void {
  timers.disarm('callback-timeout', exec.arn, rec.op.Id as string);
  timers.disarm('callback-heartbeat', exec.arn, rec.op.Id as string);
}

/** A WAIT whose time has come: SUCCEEDED and `WaitSucceeded{Duration}`. */
export function completeWait(exec: ExecutionRecord, rec: OperationRecord, now: number): void {
  const { op } = rec;
  const scheduled = op.WaitDetails?.ScheduledEndTimestamp?.getTime() ?? now;
  const duration = Math.round((scheduled - (op.StartTimestamp as Date).getTime()) / 1000);
  closeOperation(rec, 'SUCCEEDED', now);
  exec.history.append('WaitSucceeded', now, op, { Duration: duration });
  touch(exec, rec);
}

/** A STEP whose retry delay elapsed: READY, no event (§5.2). */
export function makeStepReady(exec: ExecutionRecord, rec: OperationRecord): void {
  rec.op.Status = 'READY';
  if (rec.op.StepDetails) delete rec.op.StepDetails.NextAttemptTimestamp;
  touch(exec, rec);
}

/** The error a timed-out callback carries (§4.2, and the recorded `CallbackTimedOut` events). */
function callbackTimeoutError(onHeartbeat: boolean): ErrorObject {
  return onHeartbeat
    ? { ErrorType: 'Callback.Heartbeat', ErrorMessage: 'Callback timed out on heartbeat' }
    : { ErrorType: 'Callback.Timeout', ErrorMessage: 'Callback timed out' };
}

/** A CALLBACK whose timeout or heartbeat timeout elapsed: TIMED_OUT and `CallbackTimedOut`. */
export function timeOutCallback(exec: ExecutionRecord, rec: OperationRecord, onHeartbeat: boolean, now: number, timers: TimerQueue): void {
  const error = callbackTimeoutError(onHeartbeat);
  disarmCallback(exec, rec, timers);
  (rec.op.CallbackDetails ??= {}).Error = error;
  closeOperation(rec, 'TIMED_OUT', now);
  exec.history.append('CallbackTimedOut', now, rec.op, { Error: eventError(error) });
  touch(exec, rec);
}

/** `SendDurableExecutionCallbackSuccess`: SUCCEEDED with the body as Result (absent when empty). */
export function succeedCallback(exec: ExecutionRecord, rec: OperationRecord, result: string | undefined, now: number, timers: TimerQueue): void {
  const payload = result === '' ? undefined : result;
  disarmCallback(exec, rec, timers);
  setOrDelete((rec.op.CallbackDetails ??= {}), 'Result', payload);
  closeOperation(rec, 'SUCCEEDED', now);
  exec.history.append('CallbackSucceeded', now, rec.op, { Result: eventResult(payload) });
  touch(exec, rec);
}

/** `SendDurableExecutionCallbackFailure`: FAILED with the body (`{}` when empty) as Error. */
export function failCallback(exec: ExecutionRecord, rec: OperationRecord, error: ErrorObject | undefined, now: number, timers: TimerQueue): void {
  const stored = deepCopy(error ?? {});
  disarmCallback(exec, rec, timers);
  (rec.op.CallbackDetails ??= {}).Error = stored;
  closeOperation(rec, 'FAILED', now);
  exec.history.append('CallbackFailed', now, rec.op, { Error: eventError(stored) });
  touch(exec, rec);
}

/** The chained invoke's target ended: the operation takes its status and result or error. */
export function finishChainedInvoke(exec: ExecutionRecord, rec: OperationRecord, result: ChainedInvokeOutcome, now: number): void {
  const details = (rec.op.ChainedInvokeDetails ??= {});
  const log = exec.history;
  if (result.status === 'SUCCEEDED') {
    setOrDelete(details, 'Result', result.result);
    closeOperation(rec, 'SUCCEEDED', now);
    log.append('ChainedInvokeSucceeded', now, rec.op, { Result: eventResult(result.result) });
  } else {
    const error = deepCopy(result.error ?? {});
    details.Error = error;
    closeOperation(rec, result.status, now);
    const type = result.status === 'FAILED' ? 'ChainedInvokeFailed' : result.status === 'TIMED_OUT' ? 'ChainedInvokeTimedOut' : 'ChainedInvokeStopped';
    log.append(type, now, rec.op, { Error: eventError(error) });
  }
  touch(exec, rec);
}
