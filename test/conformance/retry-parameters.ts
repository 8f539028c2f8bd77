/**
 * Checks a requirement's `DefaultRetryParameters` against the runtime's default retry strategy
 * (the one a step uses when it sets none), by asking the strategy itself for its decisions.
 *
 * The history of such a requirement only shows the first few delays; this covers the rest: the
 * attempt limit, the growth of the delay, its cap and the jitter range.
 *
 * Example:
 * ```ts
 * checkDefaultRetryParameters({ MaxAttempts: 6, InitialDelaySeconds: 5, MaxDelaySeconds: 60,
 *   BackoffRate: 2, Jitter: 'FULL' }); // [] when the default matches
 * ```
 */
import { RetryPresets } from '../../runtime';
import type { Difference } from './matcher';
import type { DefaultRetryParameters } from './requirement';

/** Decisions sampled per attempt: enough that a jitter range is explored end to end. */
const SAMPLES = 400;

function seconds(d: { days?: number; hours?: number; minutes?: number; seconds?: number } | undefined): number {
  if (!d) return 1;
  return (d.days ?? 0) * 86400 + (d.hours ?? 0) * 3600 + (d.minutes ?? 0) * 60 + (d.seconds ?? 0);
}

/** Every way the runtime's default retry strategy departs from `params`. */
export function checkDefaultRetryParameters(params: DefaultRetryParameters): Difference[] {
  const out: Difference[] = [];
  const strategy = RetryPresets.default();
  const error = new Error('conformance probe');
  for (let attempt = 1; attempt <= params.MaxAttempts; attempt++) {
    const shouldRetry = attempt < params.MaxAttempts;
    const samples = Array.from({ length: SAMPLES }, () => strategy(error, attempt));
    if (samples.some((d) => d.shouldRetry !== shouldRetry)) {
      out.push({
        path: 'DefaultRetryParameters.MaxAttempts', expected: params.MaxAttempts,
        actual: `attempt ${attempt}: shouldRetry ${!shouldRetry}`,
        problem: `after failed attempt ${attempt} of ${params.MaxAttempts} the default strategy must ${shouldRetry ? '' : 'not '}retry`,
      });
      break;
    }
    if (!shouldRetry) break;
    const base = Math.min(params.MaxDelaySeconds, params.InitialDelaySeconds * params.BackoffRate ** (attempt - 1));
    const delays = samples.map((d) => seconds(d.delay));
    const lo = Math.min(...delays);
    const hi = Math.max(...delays);
    // Delays are whole seconds, at least 1 (protocol.md §2.5), hence the ceil and the floor of 1.
    const ceilBase = Math.max(1, Math.ceil(base));
    let ok: boolean;
    let range: string;
    switch (params.Jitter) {
      case 'FULL':
        range = `[1, ${ceilBase}] spread across the range`;
        ok = lo >= 1 && hi <= ceilBase && lo <= Math.max(1, Math.ceil(base * 0.2)) && hi >= Math.floor(base * 0.8);
        break;
      case 'HALF':
        range = `[${Math.max(1, Math.floor(base / 2))}, ${ceilBase}]`;
        ok = lo >= Math.max(1, Math.floor(base / 2)) && hi <= ceilBase;
        break;
      case 'NONE':
        range = `exactly ${ceilBase}`;
        ok = lo === ceilBase && hi === ceilBase;
        break;
      default:
        out.push({ path: 'DefaultRetryParameters.Jitter', expected: params.Jitter, actual: undefined, problem: 'unknown jitter kind' });
        return out;
    }
    if (!ok) {
      out.push({
        path: 'DefaultRetryParameters', expected: params,
        actual: `attempt ${attempt}: delays ${lo}..${hi} s`,
        problem: `the delay after attempt ${attempt} must lie in ${range} (base ${base} s)`,
      });
    }
  }
  return out;
}
