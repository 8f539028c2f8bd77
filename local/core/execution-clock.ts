/**
 * Each execution's own virtual time. An execution reads the service clock plus its own offset,
 * which grows when the scheduler skips the execution ahead to its next timer while nothing of it
 * runs and nothing outside the service can move it. Every execution then waits in no real time
 * even while others keep the service busy, and each one's history stays in non-decreasing time
 * (the offset never shrinks, the clock never goes back).
 */
import type { CoreState } from './core-state';
import { isOpen, runningInvocation, type ExecutionRecord } from './records';

/** The time as this execution sees it (epoch ms): the service clock plus its skipped time. */
export function executionNow(state: CoreState, exec: ExecutionRecord): number {
  return state.clock.now() + (exec.clockOffsetMs ?? 0);
}

/** Options of {@link skipIdleExecutions}. */
export interface IdleSkipOptions {
  /**
   * Also skip executions waiting on an open callback (its timeout may then fire at once). Default
   * false: only someone outside the service completes a callback, so such an execution runs at
   * the real pace.
   */
  readonly callbacks?: boolean;
}

/**
 * Moves every idle execution's time forward to its next own timer (a wait, a step retry, an
 * invocation backoff, a callback timeout when allowed), so the timer is due now. Idle means: open,
 * no invocation running or owed, no chained invoke in flight, no open callback (unless allowed).
 * An execution whose next timer is its execution timeout waits on nothing it could skip to and is
 * left alone. Returns the ARNs moved; fire the due timers afterwards.
 *
 * @example
 * if (skipIdleExecutions(state).length > 0) fireDueTimers(state);
 */
export function skipIdleExecutions(state: CoreState, options: IdleSkipOptions = {}): string[] {
  const moved: string[] = [];
  for (const arn of state.timers.executionsWithTimers()) {
    const exec = state.executions.get(arn);
    if (!exec || !isOpen(exec) || runningInvocation(exec) || state.needingInvocation.has(arn)) continue;
    if (waitsOnOutside(exec, options.callbacks === true)) continue;
    const next = state.timers.nextOfExecution(arn);
    if (!next || next.kind === 'execution-timeout') continue;
    if (!options.callbacks && (next.kind === 'callback-timeout' || next.kind === 'callback-heartbeat')) continue;
    const gap = next.dueAt - executionNow(state, exec);
    if (gap <= 0) continue;
    exec.clockOffsetMs = (exec.clockOffsetMs ?? 0) + gap;
    state.timers.rebase(arn);
    moved.push(arn);
  }
  return moved;
}

/** True while something outside the execution's own timers may change it: a chained invoke, an open callback. */
function waitsOnOutside(exec: ExecutionRecord, callbacksMaySkip: boolean): boolean {
  return exec.operations.some(
    ({ op }) => op.Status === 'STARTED' && (op.Type === 'CHAINED_INVOKE' || (op.Type === 'CALLBACK' && !callbacksMaySkip)),
  );
}
