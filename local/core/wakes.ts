/**
 * Change notifications (`onWake`). Listeners hear about a change only once the public call that
 * made it has finished, so that they never observe, or re-enter, a half-applied state.
 */
import type { CoreWake, CoreWakeListener, CoreWakeReason } from './api';

/**
 * Collects the wakes of the running public call and delivers them when its outermost call ends.
 *
 * @example
 * const wakes = new WakeQueue();
 * wakes.subscribe((w) => console.log(w.reason));
 * wakes.batch(() => wakes.notify(arn, 'started')); // the listener runs here, after the change
 */
export class WakeQueue {
  private readonly listeners = new Set<CoreWakeListener>();
  private pending: CoreWake[] = [];
  /** Nesting of `batch`: a public call may run another internally (a chained invoke starts an execution). */
  private depth = 0;

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: CoreWakeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Records that something about this execution changed. */
  notify(executionArn: string, reason: CoreWakeReason): void {
    this.pending.push({ executionArn, reason });
  }

  /** Runs one public call; the wakes it recorded are delivered once the outermost call has finished. */
  batch<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
      if (this.depth === 0 && this.pending.length > 0) {
        this.deliver();
      }
    }
  }

  private deliver(): void {
    const wakes = this.pending;
    this.pending = [];
    for (const wake of wakes) {
      for (const listener of [...this.listeners]) {
        try {
          listener(wake);
        } catch (err) {
          // A listener's bug must not undo or mask a completed state change; surface it loudly instead.
          queueMicrotask(() => {
            throw err;
          });
        }
      }
    }
  }
}
