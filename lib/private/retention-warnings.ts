import { Annotations, Duration } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { MAX_RETENTION_DAYS } from './validation';

/**
 * Ids of the synth warnings about history retention; acknowledge one with
 * `Annotations.of(fn).acknowledgeWarning(id, reason)`.
 *
 * @example
 * Annotations.of(orders).acknowledgeWarning(RETENTION_WARNING_IDS.shorterThanSampling, 'no replay gate here');
 */
export const RETENTION_WARNING_IDS = {
  shorterThanExecutions: 'cdk-durable-function:retentionShorterThanExecutionTimeout',
  shorterThanSampling: 'cdk-durable-function:retentionShorterThanHistorySamplingWindow',
} as const;

/**
 * The history sampling window assumed when `historySamplingWindow` is not given.
 *
 * @example
 * DEFAULT_HISTORY_SAMPLING_WINDOW.toDays(); // 7
 */
export const DEFAULT_HISTORY_SAMPLING_WINDOW = Duration.days(7);

const DAY_MS = 86_400_000;

/**
 * Warns at synth when the history of finished executions disappears sooner than an operator is
 * likely to need it:
 * - `retentionPeriod` is shorter than `executionTimeout` (capped at the 90-day maximum
 *   retention): an execution that fails after running for weeks keeps its history for less time
 *   than it ran, often less than it takes to notice the alarm and investigate;
 * - `retentionPeriod` is shorter than the window a replay gate samples histories from before a
 *   deploy: executions that finished earlier in the window can no longer be replayed.
 *
 * Unresolved durations (tokens) are skipped: nothing can be said about them at synth.
 */
export function warnAboutRetention(
  scope: IConstruct,
  executionTimeout: Duration,
  retentionPeriod: Duration,
  historySamplingWindow: Duration | undefined,
): void {
  if (retentionPeriod.isUnresolved()) {
    return;
  }
  const retentionMs = retentionPeriod.toMilliseconds();
  const retention = retentionPeriod.toHumanString();
  if (!executionTimeout.isUnresolved()) {
    const neededMs = Math.min(executionTimeout.toMilliseconds(), MAX_RETENTION_DAYS * DAY_MS);
    if (retentionMs < neededMs) {
      Annotations.of(scope).addWarningV2(RETENTION_WARNING_IDS.shorterThanExecutions,
        `retentionPeriod (${retention}) is shorter than executionTimeout (${executionTimeout.toHumanString()}): `
        + `an execution that fails or times out after running that long keeps its history for only ${retention}, `
        + 'less time than it ran, which may not be enough to notice the alarm and read the history. '
        + `Raise retentionPeriod to ${Math.ceil(neededMs / DAY_MS)} days (at most ${MAX_RETENTION_DAYS}), `
        + 'or acknowledge this warning if executions end well before their timeout.');
    }
  }
  const window = historySamplingWindow ?? DEFAULT_HISTORY_SAMPLING_WINDOW;
  if (!window.isUnresolved() && retentionMs < window.toMilliseconds()) {
    Annotations.of(scope).addWarningV2(RETENTION_WARNING_IDS.shorterThanSampling,
      `retentionPeriod (${retention}) is shorter than the history sampling window (${window.toHumanString()}`
      + `${historySamplingWindow === undefined ? ', the default of historySamplingWindow' : ''}): `
      + 'a replay gate that samples execution histories before a deploy finds only executions that finished '
      + `within the last ${retention}. Raise retentionPeriod to at least ${window.toHumanString()}, `
      + 'or set historySamplingWindow to the window your gate reads.');
  }
}
