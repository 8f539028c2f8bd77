/**
 * Service clocks. The core reads time through `CoreClock.now()`; hosts and the scheduler also need
 * to wait until a time, which a virtual clock does by jumping forward.
 */
import type { CoreClock } from './core/api';

/** A clock the service can both read and wait on. */
export interface ServiceClock extends CoreClock {
  /** `virtual` clocks skip idle time; `real` clocks wait it out. */
  readonly mode: 'virtual' | 'real';
  /**
   * Resolves once `now() >= at`. A virtual clock jumps forward at once; a real clock waits with a
   * timer. Rejects with an `AbortError` when `signal` aborts first (the timer is then cleared).
   */
  waitUntil(at: number, signal?: AbortSignal): Promise<void>;
}

/** Timers longer than this overflow Node's setTimeout; longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function abortError(): Error {
  const err = new Error('The wait was aborted.');
  err.name = 'AbortError';
  return err;
}

/**
 * Waits in real time until `clock.now() >= at`, re-arming as needed (a timer may fire a
 * millisecond early relative to a clock with sub-timer precision, or the wait may exceed the
 * longest Node timer).
 *
 * @example await waitInRealTime(clock, clock.now() + 1000, controller.signal);
 */
export function waitInRealTime(clock: CoreClock, at: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      if (timer) clearTimeout(timer);
      reject(abortError());
    };
    const arm = () => {
      const remaining = at - clock.now();
      if (remaining <= 0) {
        signal?.removeEventListener('abort', onAbort);
        resolve();
        return;
      }
      timer = setTimeout(arm, Math.min(remaining, MAX_TIMER_MS));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    arm();
  });
}

/**
 * Wall-clock time.
 * @example const clock = new RealClock(); await clock.waitUntil(clock.now() + 500);
 */
export class RealClock implements ServiceClock {
  readonly mode = 'real' as const;

  now(): number {
    return Date.now();
  }

  waitUntil(at: number, signal?: AbortSignal): Promise<void> {
    return waitInRealTime(this, at, signal);
  }
}

/** Options of {@link VirtualClock}. */
export interface VirtualClockOptions {
  /** The epoch ms virtual time starts at; default the real time of construction. */
  readonly start?: number;
}

/**
 * Virtual time: real time plus an offset. Time flows normally while code runs (an invocation
 * measures real durations), and `advanceTo` skips idle time by growing the offset. It never goes
 * backwards, so histories keep their order.
 *
 * @example
 * const clock = new VirtualClock();
 * clock.advanceTo(clock.now() + 3_600_000); // an hour passes at once
 */
export class VirtualClock implements ServiceClock {
  readonly mode = 'virtual' as const;
  private offset: number;
  private skipped = 0;

  constructor(options: VirtualClockOptions = {}) {
    this.offset = options.start === undefined ? 0 : options.start - Date.now();
  }

  now(): number {
    return Date.now() + this.offset;
  }

  /** Jumps forward to `at` (no-op when `at` is not in the future). */
  advanceTo(at: number): void {
    const gap = at - this.now();
    if (gap > 0) {
      this.offset += gap;
      this.skipped += gap;
    }
  }

  /** Jumps forward by `ms`. */
  advanceBy(ms: number): void {
    if (ms > 0) this.advanceTo(this.now() + ms);
  }

  /** Total milliseconds skipped so far. */
  get skippedMs(): number {
    return this.skipped;
  }

  waitUntil(at: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError());
    this.advanceTo(at);
    return Promise.resolve();
  }
}
