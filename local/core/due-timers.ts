/**
 * What each timer does when its time comes: ends a wait, readies a step retry, times out a
 * callback or the execution, or lets an execution be invoked again after an invocation error.
 */
import type { CoreState } from './core-state';
import { timeOutExecution } from './executions';
import { completeWait, makeStepReady, timeOutCallback } from './operation-state';
import { executionDeadline } from './pausing';
import { isActive, runningInvocation } from './records';
import { markNeedsInvocation, serviceChanged } from './scheduling';
import type { Timer } from './timers';

/**
 * Fires every timer due at the clock's current time, earliest first.
 * @example clock.advance(5); fireDueTimers(state); // a 5-second WAIT has now SUCCEEDED
 */
export function fireDueTimers(state: CoreState): void {
  const now = state.clock.now();
  for (let timer = state.timers.takeNextDue(now); timer; timer = state.timers.takeNextDue(now)) {
    fire(state, timer, now);
  }
}

function fire(state: CoreState, timer: Timer, now: number): void {
  const exec = state.executions.get(timer.executionArn);
  // An ended execution's timers are disarmed; one that slipped through has nothing left to act on.
  if (!exec || !isActive(exec)) return;
  if (timer.kind === 'execution-timeout') {
    // A pause may have moved the deadline since the timer was armed (§9.5).
    const deadline = executionDeadline(exec);
    if (now < deadline) {
      state.timers.arm('execution-timeout', exec.arn, '', deadline);
      return;
    }
    timeOutExecution(state, exec);
    return;
  }
  if (timer.kind === 'invocation-retry') {
    if (!runningInvocation(exec)) markNeedsInvocation(state, exec);
    return;
  }
  const rec = exec.operationsById.get(timer.operationId);
  if (!rec) return;
  if (timer.kind === 'wait' && rec.op.Status === 'STARTED') {
    completeWait(exec, rec, now);
  } else if (timer.kind === 'step-retry' && rec.op.Status === 'PENDING') {
    makeStepReady(exec, rec);
  } else if ((timer.kind === 'callback-timeout' || timer.kind === 'callback-heartbeat') && rec.op.Status === 'STARTED') {
    timeOutCallback(exec, rec, timer.kind === 'callback-heartbeat', now, state.timers);
  } else {
    return;
  }
  serviceChanged(state, exec);
}
