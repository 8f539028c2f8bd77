/**
 * Pausing and resuming executions (protocol.md §9.3–§9.7): the Pause and Resume APIs, the moment
 * a pause takes effect (at once, at the running invocation's next checkpoint, or at its end), the
 * execution deadline that time spent paused extends, and what Get and History show of a pause.
 */
import type {
  Event,
  EventPauseReason,
  PauseDetails,
  PauseDurableExecutionRequest,
  PauseDurableExecutionResponse,
  ResumeDurableExecutionRequest,
  ResumeDurableExecutionResponse,
} from '@aws-sdk/client-lambda';
import {
  checkControlClientToken,
  checkReason,
  ControlMessages,
  isRepeat,
  lookupForControl,
  rememberControlRequest,
} from './control-requests';
import type { CoreState } from './core-state';
import { executionNow } from './execution-clock';
import { conflict, invalidParameter } from './errors';
import { MAX_DURATION_SECONDS } from './limits';
import { isActive, runningInvocation, type ExecutionRecord, type InvocationRecord, type PauseRecord } from './records';
import { markNeedsInvocation } from './scheduling';

/**
 * `PauseDurableExecution`: a RUNNING execution becomes PAUSED at once when no invocation runs,
 * otherwise PAUSING until that invocation's next checkpoint or its end (§9.4).
 *
 * @throws CoreServiceError 400 for a malformed ARN, Reason, ClientToken or ExecutionTimeoutPaused,
 *   404 for an unknown execution, 409 unless it is RUNNING.
 * @example pauseExecution(state, { DurableExecutionArn: arn, Reason: 'deploy' })
 */
export function pauseExecution(state: CoreState, req: PauseDurableExecutionRequest): PauseDurableExecutionResponse {
  const exec = lookupForControl(state, req?.DurableExecutionArn);
  const reason = checkReason(req.Reason);
  const clientToken = checkControlClientToken(req.ClientToken);
  if (req.ExecutionTimeoutPaused !== undefined && typeof req.ExecutionTimeoutPaused !== 'boolean') {
    throw invalidParameter('ExecutionTimeoutPaused must be true or false.');
  }
  const params = { reason, timeoutPaused: req.ExecutionTimeoutPaused ?? true };
  const now = executionNow(state, exec);
  if (isRepeat(exec, 'PauseDurableExecution', clientToken, params, now)) return {};
  if (exec.status !== 'RUNNING') {
    throw conflict(ControlMessages.cannotPause(exec.status as string));
  }
  exec.pause = { requestedAt: now, timeoutPaused: params.timeoutPaused, ...(reason !== undefined ? { reason } : {}) };
  if (runningInvocation(exec)) {
    exec.status = 'PAUSING';
  } else {
    enterPaused(state, exec, now);
  }
  rememberControlRequest(exec, 'PauseDurableExecution', clientToken, params, now);
  state.wakes.notify(exec.arn, 'service-change');
  return {};
}

/**
 * `ResumeDurableExecution`: a PAUSING execution carries on as if never paused; a PAUSED one is
 * RUNNING again and invoked at once if it owes an invocation (§9.6).
 *
 * @throws CoreServiceError 400 for a malformed ARN, Reason or ClientToken, 404 for an unknown
 *   execution, 409 unless it is PAUSING or PAUSED.
 * @example resumeExecution(state, { DurableExecutionArn: arn, Reason: 'deploy done' })
 */
export function resumeExecution(state: CoreState, req: ResumeDurableExecutionRequest): ResumeDurableExecutionResponse {
  const exec = lookupForControl(state, req?.DurableExecutionArn);
  const reason = checkReason(req.Reason);
  const clientToken = checkControlClientToken(req.ClientToken);
  const params = { reason };
  const now = executionNow(state, exec);
  if (isRepeat(exec, 'ResumeDurableExecution', clientToken, params, now)) return {};
  const pause = exec.pause;
  if (exec.status === 'PAUSING' && pause) {
    // The pause never took effect: no event either way, and its reason is dropped.
    exec.status = 'RUNNING';
    exec.pause = undefined;
  } else if (exec.status === 'PAUSED' && pause) {
    exec.history.append('ExecutionResumed', now, { Id: exec.id, Name: exec.name }, {
      ResumeRequestTimestamp: new Date(now),
      ...(reason !== undefined ? { Reason: { Payload: reason, Truncated: false } } : {}),
    });
    if (pause.timeoutPaused) {
      exec.pausedTimeoutMs = (exec.pausedTimeoutMs ?? 0) + (now - (pause.pausedAt ?? now));
    }
    exec.status = 'RUNNING';
    exec.pause = undefined;
    armExecutionTimeout(state, exec);
    // An owed invocation waits in the needing-invocation set; RUNNING makes it visible again.
  } else {
    throw conflict(ControlMessages.cannotResume(exec.status as string));
  }
  rememberControlRequest(exec, 'ResumeDurableExecution', clientToken, params, now);
  state.wakes.notify(exec.arn, 'service-change');
  return {};
}

/**
 * Called after a checkpoint of `inv` was applied. A PAUSING execution pauses here, unless the
 * checkpoint decided the execution's end, which drops the pause (§9.4 steps 1–3).
 *
 * @returns true when the pause took effect: the response then carries no CheckpointToken.
 */
export function settlePauseAtCheckpoint(state: CoreState, exec: ExecutionRecord, inv: InvocationRecord): boolean {
  if (exec.status !== 'PAUSING') return false;
  if (exec.pendingClose) {
    exec.status = 'RUNNING';
    exec.pause = undefined;
    return false;
  }
  inv.cutShortByPause = true;
  enterPaused(state, exec, executionNow(state, exec));
  return true;
}

/**
 * Called after an invocation of a PAUSING execution ended without ending the execution (PENDING,
 * error, timeout): the pause takes effect after its `InvocationCompleted` (§9.4 step 5).
 */
export function settlePauseAtInvocationEnd(state: CoreState, exec: ExecutionRecord): void {
  if (exec.status === 'PAUSING') enterPaused(state, exec, executionNow(state, exec));
}

/**
 * The invocation a pause cut short has ended: whatever it returned counts as PENDING and the
 * execution owes a fresh invocation, made at once unless it is still paused (§9.4 step 4, §9.6 a).
 */
export function endCutShortInvocation(state: CoreState, exec: ExecutionRecord): void {
  if (!isActive(exec)) return;
  markNeedsInvocation(state, exec);
  // Resumed and paused again while it was still running: the new pause takes effect now.
  settlePauseAtInvocationEnd(state, exec);
}

/** The execution is PAUSED from now on: `ExecutionPaused`, owed work kept for the resume, new deadline. */
function enterPaused(state: CoreState, exec: ExecutionRecord, now: number): void {
  const pause = exec.pause as PauseRecord;
  exec.status = 'PAUSED';
  pause.pausedAt = now;
  exec.history.append('ExecutionPaused', now, { Id: exec.id, Name: exec.name }, {
    PauseRequestTimestamp: new Date(pause.requestedAt),
    ExecutionTimeoutPaused: pause.timeoutPaused,
    ...(pause.reason !== undefined ? { Reason: { Payload: pause.reason, Truncated: false } } : {}),
  });
  // An invocation-error retry that was scheduled is owed: it runs at once on resume (§9.6 b).
  if (state.timers.get('invocation-retry', exec.arn, '')) {
    markNeedsInvocation(state, exec);
  }
  armExecutionTimeout(state, exec);
}

/**
 * When the execution times out (§9.5): StartTimestamp + ExecutionTimeout + time spent PAUSED with
 * the timeout paused, capped at 366 days after the start; while PAUSED with the timeout paused,
 * only the cap applies.
 * @example executionDeadline(exec) - exec.startedAt // 3_600_000 for a 1-hour timeout never paused
 */
export function executionDeadline(exec: ExecutionRecord): number {
  const cap = exec.startedAt + MAX_DURATION_SECONDS * 1000;
  if (exec.status === 'PAUSED' && exec.pause?.timeoutPaused) return cap;
  return Math.min(exec.startedAt + exec.executionTimeoutSeconds * 1000 + (exec.pausedTimeoutMs ?? 0), cap);
}

/** (Re-)arms the execution-timeout timer at the current deadline. */
export function armExecutionTimeout(state: CoreState, exec: ExecutionRecord): void {
  state.timers.arm('execution-timeout', exec.arn, '', executionDeadline(exec));
}

/**
 * `PauseDetails` of GetDurableExecution while PAUSING or PAUSED; the reason only with execution data.
 */
export function pauseDetails(exec: ExecutionRecord, includeData: boolean): PauseDetails | undefined {
  const pause = exec.pause;
  if (!pause || (exec.status !== 'PAUSING' && exec.status !== 'PAUSED')) return undefined;
  return {
    PauseRequestTimestamp: new Date(pause.requestedAt),
    ExecutionTimeoutPaused: pause.timeoutPaused,
    ...(includeData && pause.reason !== undefined ? { Reason: pause.reason } : {}),
  };
}

/**
 * Without execution data, the reason of a pause or resume event keeps only `Truncated: true`
 * (§9.7). Changes the event in place.
 */
export function stripPauseReason(event: Event): Event {
  const details = event.ExecutionPausedDetails ?? event.ExecutionResumedDetails;
  if (details?.Reason !== undefined) {
    const truncated: EventPauseReason = { Truncated: true };
    details.Reason = truncated;
  }
  return event;
}
