import { Duration, toWholeSeconds } from './duration';
import { ValidationError } from './errors';

/**
 * What a retry strategy decides after a failed attempt.
 *
 * @example
 * { shouldRetry: true, delay: Duration.seconds(10) }
 */
export interface RetryDecision {
  readonly shouldRetry: boolean;
  /** How long to wait before the next attempt (rounded up to whole seconds, at least 1). Default 1 s. */
  readonly delay?: Duration;
}

/**
 * Decides whether a failed step attempt is retried. `attempt` is the 1-based number of the attempt
 * that just failed; `error` is what it threw (a {@link StepInterruptedError} for an interrupted
 * at-most-once attempt).
 *
 * @example
 * const strategy: RetryStrategy = (error, attempt) =>
 *   ({ shouldRetry: error.name === 'Throttled' && attempt < 5, delay: Duration.seconds(2 ** attempt) });
 */
export type RetryStrategy = (error: Error, attempt: number) => RetryDecision;

/**
 * How random the exponential delay is: FULL = uniform in [0, d], HALF = [d/2, d], NONE = d
 * (then rounded up to whole seconds, at least 1).
 *
 * @example
 * RetryPresets.exponentialBackoff({ jitter: 'HALF' });
 */
export type JitterStrategy = 'FULL' | 'HALF' | 'NONE';

/**
 * Settings of {@link RetryPresets.exponentialBackoff}.
 *
 * @example
 * { maxAttempts: 4, initialDelay: Duration.seconds(2), maxDelay: Duration.minutes(1), retryableErrors: [/throttl/i] }
 */
export interface ExponentialBackoffOptions {
  /** Total attempts including the first. Default 6. */
  readonly maxAttempts?: number;
  /** Delay before the second attempt. Default 5 s. */
  readonly initialDelay?: Duration;
  /** Upper bound of any delay. Default 60 s. */
  readonly maxDelay?: Duration;
  /** Factor between consecutive delays. Default 2. */
  readonly backoffRate?: number;
  /** Default FULL. */
  readonly jitter?: JitterStrategy;
  /**
   * Only errors matching one of these are retried: a string or RegExp is matched against the error
   * message, a class with `instanceof`. Default: every error.
   */
  readonly retryableErrors?: ReadonlyArray<string | RegExp | (abstract new (...args: never[]) => Error)>;
}

/**
 * Settings of {@link RetryPresets.fixed}.
 *
 * @example
 * { maxAttempts: 3, delay: Duration.seconds(10) }
 */
export interface FixedDelayOptions {
  /** Total attempts including the first. Default 3. */
  readonly maxAttempts?: number;
  /** Delay between attempts. Default 5 s. */
  readonly delay?: Duration;
}

/**
 * Ready-made retry strategies.
 *
 * @example
 * await ctx.step('charge', charge, { retryStrategy: RetryPresets.exponentialBackoff({ maxAttempts: 4 }) });
 * await ctx.step('notify', notify, { retryStrategy: RetryPresets.none() });
 */
export const RetryPresets = {
  /** Exponential backoff with jitter; the default strategy is `exponentialBackoff()`. */
  exponentialBackoff(options: ExponentialBackoffOptions = {}): RetryStrategy {
    const maxAttempts = positiveInteger(options.maxAttempts ?? 6, 'exponentialBackoff maxAttempts');
    const initial = toWholeSeconds(options.initialDelay ?? { seconds: 5 }, 'exponentialBackoff initialDelay');
    const max = toWholeSeconds(options.maxDelay ?? { seconds: 60 }, 'exponentialBackoff maxDelay');
    const rate = options.backoffRate ?? 2;
    if (!Number.isFinite(rate) || rate < 1) {
      throw new ValidationError(`exponentialBackoff backoffRate must be a number >= 1; got ${String(rate)}.`);
    }
    const jitter = options.jitter ?? 'FULL';
    const matchers = options.retryableErrors;
    return (error, attempt) => {
      if (attempt >= maxAttempts) return { shouldRetry: false };
      if (matchers && !matchers.some((matcher) => matches(matcher, error))) return { shouldRetry: false };
      const base = Math.min(max, initial * rate ** (attempt - 1));
      const jittered = jitter === 'FULL' ? Math.random() * base : jitter === 'HALF' ? base / 2 + (Math.random() * base) / 2 : base;
      return { shouldRetry: true, delay: { seconds: Math.max(1, Math.ceil(jittered)) } };
    };
  },

  /** The same delay between every attempt. */
  fixed(options: FixedDelayOptions = {}): RetryStrategy {
    const maxAttempts = positiveInteger(options.maxAttempts ?? 3, 'fixed maxAttempts');
    const delay = options.delay ?? { seconds: 5 };
    toWholeSeconds(delay, 'fixed delay');
    return (_error, attempt) => (attempt >= maxAttempts ? { shouldRetry: false } : { shouldRetry: true, delay });
  },

  /** Never retry: the first failure fails the step. */
  none(): RetryStrategy {
    return () => ({ shouldRetry: false });
  },

  /** The strategy used when a step sets none: 6 attempts, 5 s doubling to at most 60 s, full jitter. */
  default(): RetryStrategy {
    return RetryPresets.exponentialBackoff();
  },
} as const;

function matches(matcher: string | RegExp | (abstract new (...args: never[]) => Error), error: Error): boolean {
  if (typeof matcher === 'string') return error.message.includes(matcher);
  // A global or sticky pattern keeps its position between test() calls; reset it so the same
  // message matches on every attempt, not on every other one.
  if (matcher instanceof RegExp) {
    matcher.lastIndex = 0;
    return matcher.test(error.message);
  }
  return error instanceof matcher;
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ValidationError(`${what} must be an integer >= 1; got ${String(value)}.`);
  }
  return value;
}
