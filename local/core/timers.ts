/**
 * The service's timers: waits, step retries, callback timeouts and heartbeats, execution timeouts
 * and invocation-error backoff. A timer is keyed by (execution, kind, operation), so re-arming one
 * (a heartbeat) replaces it.
 */

/** What a timer does when it fires. */
export type TimerKind = 'wait' | 'step-retry' | 'callback-timeout' | 'callback-heartbeat' | 'execution-timeout' | 'invocation-retry';

/** One armed timer. */
export interface Timer {
  readonly kind: TimerKind;
  readonly executionArn: string;
  /** The operation it belongs to; empty for execution-level timers. */
  readonly operationId: string;
  /** Epoch ms at which it fires. */
  readonly dueAt: number;
  /** Arming order, to fire timers due at the same instant deterministically. */
  readonly seq: number;
}

/**
 * The set of armed timers.
 *
 * @example
 * const q = new TimerQueue();
 * q.arm('wait', arn, opId, now + 5000);
 * for (const t of q.takeDue(clock.now())) { ... }
 */
export class TimerQueue {
  private readonly timers = new Map<string, Timer>();
  private readonly byExecution = new Map<string, Set<string>>();
  private seq = 0;

  /** Arms (or re-arms) a timer. */
  arm(kind: TimerKind, executionArn: string, operationId: string, dueAt: number): void {
    const key = TimerQueue.key(kind, executionArn, operationId);
    this.timers.set(key, { kind, executionArn, operationId, dueAt, seq: ++this.seq });
    let keys = this.byExecution.get(executionArn);
    if (!keys) {
      keys = new Set();
      this.byExecution.set(executionArn, keys);
    }
    keys.add(key);
  }

  /** Disarms a timer, if armed. */
  disarm(kind: TimerKind, executionArn: string, operationId: string): void {
    const key = TimerQueue.key(kind, executionArn, operationId);
    this.timers.delete(key);
    this.byExecution.get(executionArn)?.delete(key);
  }

  /** Disarms every timer of an execution (it ended). */
  disarmExecution(executionArn: string): void {
    for (const key of this.byExecution.get(executionArn) ?? []) {
      this.timers.delete(key);
    }
    this.byExecution.delete(executionArn);
  }

  /** The armed timer of that key, if any. */
  get(kind: TimerKind, executionArn: string, operationId: string): Timer | undefined {
    return this.timers.get(TimerQueue.key(kind, executionArn, operationId));
  }

  /** The earliest due time, or undefined when nothing is armed. */
  nextDueAt(): number | undefined {
    let next: number | undefined;
    for (const t of this.timers.values()) {
      if (next === undefined || t.dueAt < next) {
        next = t.dueAt;
      }
    }
    return next;
  }

  /** The earliest timer due at or before `now`, removed from the queue, or undefined. */
  takeNextDue(now: number): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers.values()) {
      if (t.dueAt <= now && (!best || t.dueAt < best.dueAt || (t.dueAt === best.dueAt && t.seq < best.seq))) {
        best = t;
      }
    }
    if (best) {
      this.disarm(best.kind, best.executionArn, best.operationId);
    }
    return best;
  }

  /** Number of armed timers. */
  get size(): number {
    return this.timers.size;
  }

  private static key(kind: TimerKind, executionArn: string, operationId: string): string {
    return `${executionArn}\u0000${kind}\u0000${operationId}`;
  }
}
