import type { CheckpointQueue } from './checkpoint-queue';
import type { Termination } from './termination';

/** First and largest interval between polls while waiting on the service (protocol.md §3.1). */
const POLL_START_MS = 1_000;
const POLL_MAX_MS = 10_000;
/** The longest delay `setTimeout` holds (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

/** A registered wait on the service (a timer, a retry delay, a callback). */
export interface ServiceWait {
  /** When the service is expected to finish it (epoch ms, local clock), if known; used to time polls. */
  setDueAt(dueAt: number | undefined): void;
  /** The wait is over (or abandoned). Idempotent. */
  release(): void;
}

/**
 * Decides when the invocation can stop (protocol.md §1.3 PENDING) and when it must poll instead.
 *
 * Operations report two kinds of activity: *work* that progresses inside this invocation (a step
 * function running, a checkpoint the code waits for, a decided batch that has yet to abort its
 * branches) and *service waits* that only the service can end. When service waits exist and no work is left, the invocation flushes its checkpoints and
 * suspends. When work is still running, it keeps going and polls with empty checkpoints so a wait
 * that ends meanwhile is noticed: first at the due time, then backing off from 1 s to 10 s.
 */
export class Suspension {
  private work = 0;
  private readonly waits = new Set<{ dueAt: number | undefined }>();
  private evaluationScheduled = false;
  private suspending = false;
  private stopped = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private pollAt = Number.POSITIVE_INFINITY;
  private pollIsBackoff = false;
  private backoffMs = POLL_START_MS;

  constructor(
    private readonly queue: CheckpointQueue,
    private readonly termination: Termination,
    private readonly now: () => number = Date.now,
  ) {
    termination.onTerminate(() => this.stop());
  }

  /** Marks the start of work that progresses in this invocation; call the result when it ends. */
  beginWork(): () => void {
    this.work += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.work -= 1;
      this.scheduleEvaluation();
    };
  }

  /** Registers a wait that only the service can end. */
  addServiceWait(dueAt?: number): ServiceWait {
    const record = { dueAt };
    this.waits.add(record);
    this.backoffMs = POLL_START_MS;
    this.scheduleEvaluation();
    return {
      setDueAt: (value) => {
        record.dueAt = value;
        this.scheduleEvaluation();
      },
      release: () => {
        if (this.waits.delete(record)) this.scheduleEvaluation();
      },
    };
  }

  /** Stops polling; used when the invocation ends. */
  stop(): void {
    this.stopped = true;
    this.clearPoll();
  }

  private scheduleEvaluation(): void {
    if (this.evaluationScheduled || this.stopped) return;
    this.evaluationScheduled = true;
    // After every pending microtask: code resumed by a finished step gets to call its next operation first.
    setImmediate(() => {
      this.evaluationScheduled = false;
      this.evaluate();
    });
  }

  private evaluate(): void {
    if (this.stopped || this.termination.terminated || this.suspending) return;
    if (this.waits.size === 0) {
      this.clearPoll();
      return;
    }
    if (this.work > 0) {
      this.schedulePoll();
      return;
    }
    this.clearPoll();
    if (this.queue.idle) {
      this.termination.terminate({ kind: 'suspend' });
      return;
    }
    void this.flushThenReevaluate();
  }

  /**
   * Sends what is still queued before suspending; the response may bring news (a finished wait)
   * that lets work continue, so the decision is taken again once the code has reacted to it.
   */
  private async flushThenReevaluate(): Promise<void> {
    this.suspending = true;
    await this.queue.flush();
    this.suspending = false;
    this.scheduleEvaluation();
  }

  private schedulePoll(): void {
    const now = this.now();
    let earliest = Number.POSITIVE_INFINITY;
    for (const wait of this.waits) if (wait.dueAt !== undefined && wait.dueAt < earliest) earliest = wait.dueAt;
    // Nothing can have changed before the earliest due time, so the first poll waits for it
    // (§3.1); past it, or without one (a callback), polls back off from 1 s to 10 s.
    const dueLater = earliest > now && earliest !== Number.POSITIVE_INFINITY;
    const at = dueLater ? earliest : now + this.backoffMs;
    if (this.pollTimer && this.pollAt <= at) return;
    this.clearPoll();
    this.pollAt = at;
    this.pollIsBackoff = !dueLater;
    // Node fires a longer timer at once; a re-check after the longest one is harmless.
    this.pollTimer = setTimeout(() => void this.reschedulePoll(at), Math.min(Math.max(0, at - now), MAX_TIMER_MS));
    this.pollTimer.unref?.();
  }

  /** Polls when `at` has come; a timer capped at {@link MAX_TIMER_MS} fires earlier and waits again. */
  private reschedulePoll(at: number): void {
    if (this.now() >= at) {
      void this.poll();
      return;
    }
    this.pollTimer = undefined;
    this.pollAt = Number.POSITIVE_INFINITY;
    this.schedulePoll();
  }

  private async poll(): Promise<void> {
    this.pollTimer = undefined;
    this.pollAt = Number.POSITIVE_INFINITY;
    if (this.stopped) return;
    const wasBackoff = this.pollIsBackoff;
    await this.queue.poll();
    if (wasBackoff) this.backoffMs = Math.min(POLL_MAX_MS, this.backoffMs * 2);
    this.scheduleEvaluation();
  }

  private clearPoll(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    this.pollAt = Number.POSITIVE_INFINITY;
  }
}
