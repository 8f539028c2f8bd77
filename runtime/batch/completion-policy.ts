import { ValidationError } from '../errors';

/**
 * When a parallel or map batch is decided (parallel.md rule 4). Thresholds combine; the batch
 * resolves as soon as one is met or violated. An empty config has no threshold: everything runs
 * and the batch never fails.
 *
 * @example
 * { minSuccessful: 2 }                       // done once two branches succeeded
 * { toleratedFailureCount: 1 }               // fails when a second branch fails
 * { toleratedFailurePercentage: 0.25 }       // fails when more than 25 % of the branches failed
 */
export interface CompletionConfig {
  /** Integer >= 1: the batch is decided once this many branches succeeded. */
  readonly minSuccessful?: number;
  /** Integer >= 0: the batch fails when failures strictly exceed it. */
  readonly toleratedFailureCount?: number;
  /** Ratio 0..1 of the declared branches: the batch fails when failed/total strictly exceeds it. */
  readonly toleratedFailurePercentage?: number;
}

/**
 * Ready-made completion configs.
 *
 * @example
 * await ctx.parallel(branches, { completionConfig: CompletionConfig.firstSuccessful() });
 */
export const CompletionConfig = {
  /** Every branch must succeed; the first failure decides the batch (the default). */
  allSuccessful: (): CompletionConfig => ({ toleratedFailureCount: 0 }),
  /** Run everything; never fail the batch. */
  allCompleted: (): CompletionConfig => ({}),
  /** Decided by the first success. */
  firstSuccessful: (): CompletionConfig => ({ minSuccessful: 1 }),
} as const;

/**
 * Why a batch was decided.
 *
 * @example
 * if (result.completionReason === 'MIN_SUCCESSFUL_REACHED') …
 */
export type CompletionReason = 'ALL_COMPLETED' | 'MIN_SUCCESSFUL_REACHED' | 'FAILURE_TOLERANCE_EXCEEDED';

/** Progress of a batch, as the policy sees it. */
export interface BatchProgress {
  /** Number of declared branches (the list length), whether dispatched or not. */
  readonly declared: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Branches that finished (succeeded + failed). */
  readonly finished: number;
}

/** Throws a {@link ValidationError} for an invalid config; `what` names the batch. */
export function validateCompletionConfig(config: unknown, what: string): CompletionConfig {
  if (config === undefined) return CompletionConfig.allSuccessful();
  if (config === null || typeof config !== 'object') {
    throw new ValidationError(`${what}: completionConfig must be an object such as CompletionConfig.allSuccessful(); got ${String(config)}.`);
  }
  const { minSuccessful, toleratedFailureCount, toleratedFailurePercentage } = config as CompletionConfig;
  if (minSuccessful !== undefined && (!Number.isInteger(minSuccessful) || minSuccessful < 1)) {
    throw new ValidationError(`${what}: completionConfig.minSuccessful must be an integer >= 1; got ${String(minSuccessful)}.`);
  }
  if (toleratedFailureCount !== undefined && (!Number.isInteger(toleratedFailureCount) || toleratedFailureCount < 0)) {
    throw new ValidationError(`${what}: completionConfig.toleratedFailureCount must be an integer >= 0; got ${String(toleratedFailureCount)}.`);
  }
  if (
    toleratedFailurePercentage !== undefined &&
    (typeof toleratedFailurePercentage !== 'number' || !(toleratedFailurePercentage >= 0 && toleratedFailurePercentage <= 1))
  ) {
    throw new ValidationError(toleranceMessage(what, toleratedFailurePercentage));
  }
  return config as CompletionConfig;
}

/**
 * The error for a tolerance outside 0..1. A number in (1, 100] is most likely a percentage written
 * for `@aws/durable-execution-sdk-js`, where the same field runs 0–100: the message says so. (A
 * value in 0..1 is accepted without a warning: it is the right way to write it here, and a ported
 * `1` — 1 % there — cannot be told apart from a deliberate 100 % here; the porting guide covers it.)
 */
function toleranceMessage(what: string, value: unknown): string {
  const base = `${what}: completionConfig.toleratedFailurePercentage is a ratio between 0 and 1 here (0.25 means 25 %, 1 means 100 %); got ${String(value)}.`;
  if (typeof value === 'number' && value > 1 && value <= 100) {
    return (
      `${base} @aws/durable-execution-sdk-js takes this field as a percentage from 0 to 100; ` +
      `write ${value / 100} for ${value} %.`
    );
  }
  return base;
}

/**
 * Evaluates the policy: tolerance exceeded first, then the success threshold (only while some
 * branch is unfinished), then completion of every branch. Undefined means "not decided yet".
 */
export function decideCompletion(config: CompletionConfig, progress: BatchProgress): CompletionReason | undefined {
  const { declared, succeeded, failed, finished } = progress;
  if (config.toleratedFailureCount !== undefined && failed > config.toleratedFailureCount) return 'FAILURE_TOLERANCE_EXCEEDED';
  if (config.toleratedFailurePercentage !== undefined && declared > 0 && failed / declared > config.toleratedFailurePercentage) {
    return 'FAILURE_TOLERANCE_EXCEEDED';
  }
  if (finished >= declared) return 'ALL_COMPLETED';
  if (config.minSuccessful !== undefined && succeeded >= config.minSuccessful) return 'MIN_SUCCESSFUL_REACHED';
  return undefined;
}
