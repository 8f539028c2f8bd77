import { ValidationError } from './errors';

/**
 * A span of time for waits, retry delays and callback timeouts. Fields add up; the service works in
 * whole seconds, so the total is rounded up to the next second.
 *
 * @example
 * await ctx.wait(Duration.minutes(5));
 * await ctx.wait({ hours: 1, minutes: 30 });
 */
export interface Duration {
  readonly days?: number;
  readonly hours?: number;
  readonly minutes?: number;
  readonly seconds?: number;
}

/**
 * Constructors for {@link Duration}.
 *
 * @example
 * Duration.seconds(30); Duration.days(2);
 */
export const Duration = {
  /** @example Duration.seconds(10) */
  seconds: (value: number): Duration => ({ seconds: value }),
  /** @example Duration.minutes(5) */
  minutes: (value: number): Duration => ({ minutes: value }),
  /** @example Duration.hours(1) */
  hours: (value: number): Duration => ({ hours: value }),
  /** @example Duration.days(7) */
  days: (value: number): Duration => ({ days: value }),
} as const;

/** The largest wait or retry delay the service accepts, in seconds (366 days). */
export const MAX_DURATION_SECONDS = 31_622_400;

/**
 * Converts a duration to the whole seconds the service accepts (protocol.md §2.5): rounded up and
 * at least 1. `what` names the setting in the error message.
 */
export function toWholeSeconds(duration: Duration, what: string): number {
  const total = toExactSeconds(duration, what);
  if (total <= 0) {
    throw new ValidationError(`${what} must be longer than zero; got ${describe(duration)}. Pass e.g. Duration.seconds(1).`);
  }
  return roundUpWithinMaximum(total, what);
}

/**
 * Converts a retry delay to whole seconds: rounded up and clamped to at least 1 (protocol.md
 * §2.5), so a strategy asking for "no delay" retries after the shortest delay the service takes.
 * Negative or invalid values and delays above the service maximum still raise a ValidationError.
 */
export function toDelaySeconds(duration: Duration, what: string): number {
  const total = toExactSeconds(duration, what);
  return total <= 0 ? 1 : roundUpWithinMaximum(total, what);
}

/**
 * Like {@link toWholeSeconds} but allows zero (used for optional timeouts where 0 means "none").
 */
export function toWholeSecondsOrZero(duration: Duration, what: string): number {
  const total = toExactSeconds(duration, what);
  return total === 0 ? 0 : roundUpWithinMaximum(total, what);
}

/** Rounds a positive number of seconds up to whole seconds, refusing more than the service maximum. */
function roundUpWithinMaximum(total: number, what: string): number {
  const seconds = Math.max(1, Math.ceil(total));
  if (seconds > MAX_DURATION_SECONDS) {
    throw new ValidationError(
      `${what} is ${seconds} seconds, above the service maximum of ${MAX_DURATION_SECONDS} seconds (366 days).`,
    );
  }
  return seconds;
}

function toExactSeconds(duration: Duration, what: string): number {
  if (duration === null || typeof duration !== 'object') {
    throw new ValidationError(`${what} must be a Duration object such as Duration.seconds(5); got ${String(duration)}.`);
  }
  const parts: Array<[keyof Duration, number]> = [
    ['days', 86_400],
    ['hours', 3_600],
    ['minutes', 60],
    ['seconds', 1],
  ];
  let total = 0;
  let any = false;
  for (const [key, factor] of parts) {
    const value = duration[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new ValidationError(`${what}: '${key}' must be a finite number >= 0; got ${String(value)}.`);
    }
    any = true;
    total += value * factor;
  }
  if (!any) {
    throw new ValidationError(`${what} must set at least one of days, hours, minutes or seconds; got ${describe(duration)}.`);
  }
  return total;
}

function describe(duration: Duration): string {
  try {
    return JSON.stringify(duration);
  } catch {
    return String(duration);
  }
}
