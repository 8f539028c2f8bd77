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
 * The set of armed timers: a map by key for arming and disarming, and a binary min-heap by
 * (dueAt, seq) for the next one. Disarmed or re-armed entries stay in the heap and are skipped
 * when they surface, so every operation is O(log n).
 *
 * @example
 * const q = new TimerQueue();
 * q.arm('wait', arn, opId, now + 5000);
 * for (let t = q.takeNextDue(clock.now()); t; t = q.takeNextDue(clock.now())) { ... }
 */
export class TimerQueue {
  private readonly timers = new Map<string, Timer>();
  private readonly byExecution = new Map<string, Set<string>>();
  private readonly heap: Timer[] = [];
  private seq = 0;

  /** Arms (or re-arms) a timer. */
  arm(kind: TimerKind, executionArn: string, operationId: string, dueAt: number): void {
    const key = TimerQueue.key(kind, executionArn, operationId);
    const timer: Timer = { kind, executionArn, operationId, dueAt, seq: ++this.seq };
    this.timers.set(key, timer);
    let keys = this.byExecution.get(executionArn);
    if (!keys) {
      keys = new Set();
      this.byExecution.set(executionArn, keys);
    }
    keys.add(key);
    this.push(timer);
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
    return this.peek()?.dueAt;
  }

  /** The earliest timer due at or before `now`, removed from the queue, or undefined. */
  takeNextDue(now: number): Timer | undefined {
    const next = this.peek();
    if (!next || next.dueAt > now) return undefined;
    this.pop();
    this.disarm(next.kind, next.executionArn, next.operationId);
    return next;
  }

  /** Number of armed timers. */
  get size(): number {
    return this.timers.size;
  }

  /** The earliest live heap entry, dropping stale ones on the way. */
  private peek(): Timer | undefined {
    while (this.heap.length > 0) {
      const top = this.heap[0];
      if (this.timers.get(TimerQueue.key(top.kind, top.executionArn, top.operationId)) === top) return top;
      this.pop();
    }
    return undefined;
  }

  private static before(a: Timer, b: Timer): boolean {
    return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq);
  }

  private push(timer: Timer): void {
    const h = this.heap;
    h.push(timer);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!TimerQueue.before(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop() as Timer;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && TimerQueue.before(h[l], h[m])) m = l;
      if (r < h.length && TimerQueue.before(h[r], h[m])) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }

  private static key(kind: TimerKind, executionArn: string, operationId: string): string {
    return `${executionArn}\u0000${kind}\u0000${operationId}`;
  }
}
