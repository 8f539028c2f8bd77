/**
 * Which executions need their next invocation (protocol.md §4.3): the bookkeeping a scheduler
 * polls, and the rule for a change the service makes on its own.
 */
import type { ExecutionSchedule } from './api';
import type { CoreState } from './core-state';
import { isOpen, runningInvocation, type ExecutionRecord } from './records';

/** The execution must be invoked again; an invocation-error backoff still pending is moot. */
export function markNeedsInvocation(state: CoreState, exec: ExecutionRecord): void {
  state.needingInvocation.add(exec.arn);
  state.timers.disarm('invocation-retry', exec.arn, '');
}

/** The execution no longer waits for an invocation: one began, or it ended. */
export function clearNeedsInvocation(state: CoreState, exec: ExecutionRecord): void {
  state.needingInvocation.delete(exec.arn);
  state.timers.disarm('invocation-retry', exec.arn, '');
}

/**
 * A change the service made on its own (timer, callback, chained invoke): a running invocation
 * sees it in its next checkpoint response, otherwise the execution is invoked again (§4.3).
 */
export function serviceChanged(state: CoreState, exec: ExecutionRecord): void {
  const inv = runningInvocation(exec);
  if (inv) {
    inv.serviceChangeSeen = true;
  } else if (isOpen(exec) || exec.status === 'PAUSED') {
    // While PAUSED the invocation is owed and made on resume (§9.6).
    markNeedsInvocation(state, exec);
  }
  state.wakes.notify(exec.arn, 'service-change');
}

/** Open executions that wait for an invocation and have none in flight, oldest request first. */
export function executionsNeedingInvocation(state: CoreState): ExecutionSchedule[] {
  const out: ExecutionSchedule[] = [];
  for (const arn of state.needingInvocation) {
    const exec = state.executions.get(arn);
    if (exec && isOpen(exec) && !runningInvocation(exec)) {
      out.push({ executionArn: exec.arn, functionName: exec.functionName, executedVersion: exec.version });
    }
  }
  return out;
}

/** True while the execution has an invocation in flight. */
export function isInvocationRunning(state: CoreState, executionArn: string): boolean {
  const exec = state.executions.get(executionArn);
  return exec !== undefined && runningInvocation(exec) !== undefined;
}
