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
  /** `dueAt` on the service clock: `dueAt` minus the execution's skipped time when it was (re)armed. */
  readonly serviceDueAt: number;
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
  /**
   * @param offsetOf the time an execution skipped ahead of the service clock (execution-clock.ts):
   *   timers are armed in the execution's time and ordered on the service clock.
   */
  constructor(private readonly offsetOf: (executionArn: string) => number = () => 0) {}

  private readonly timers = new Map<string, Timer>();
  private readonly byExecution = new Map<string, Set<string>>();
  private readonly heap: Timer[] = [];
  private seq = 0;

  /** Arms (or re-arms) a timer. */
  arm(kind: TimerKind, executionArn: string, operationId: string, dueAt: number): void {
    const key = TimerQueue.key(kind, executionArn, operationId);
    const timer: Timer = { kind, executionArn, operationId, dueAt, seq: ++this.seq, serviceDueAt: dueAt - this.offsetOf(executionArn) };
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

  /** The earliest due time on the service clock, or undefined when nothing is armed. */
  nextDueAt(): number | undefined {
    return this.peek()?.serviceDueAt;
  }

  /** The earliest timer due at or before `now` (service clock), removed from the queue, or undefined. */
  takeNextDue(now: number): Timer | undefined {
    const next = this.peek();
    if (!next || next.serviceDueAt > now) return undefined;
    this.pop();
    this.disarm(next.kind, next.executionArn, next.operationId);
    return next;
  }

  /** Executions that have at least one armed timer. */
  executionsWithTimers(): string[] {
    const out: string[] = [];
    for (const [arn, keys] of this.byExecution) if (keys.size > 0) out.push(arn);
    return out;
  }

  /** The execution's earliest armed timer (in its own time), or undefined. */
  nextOfExecution(executionArn: string): Timer | undefined {
    let best: Timer | undefined;
    for (const key of this.byExecution.get(executionArn) ?? []) {
      const timer = this.timers.get(key);
      if (timer && (!best || TimerQueue.before(timer, best))) best = timer;
    }
    return best;
  }

  /** Re-orders an execution's timers after its skipped time grew: they come due earlier on the service clock. */
  rebase(executionArn: string): void {
    for (const key of [...(this.byExecution.get(executionArn) ?? [])]) {
      const timer = this.timers.get(key);
      if (timer) this.arm(timer.kind, timer.executionArn, timer.operationId, timer.dueAt);
    }
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
    return a.serviceDueAt < b.serviceDueAt || (a.serviceDueAt === b.serviceDueAt && a.seq < b.seq);
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
