import { ValidationError } from '../errors';
import type { Serdes } from '../serdes';
import type { BatchNesting, ParallelConfig } from '../types';
import { validateCompletionConfig, type CompletionConfig } from './completion-policy';

/** A batch's settings after validation. */
export interface ValidatedBatchConfig<T> {
  readonly maxConcurrency: number | undefined;
  readonly completion: CompletionConfig;
  readonly nesting: BatchNesting;
  readonly itemSerdes: Serdes<T> | undefined;
  readonly serdes: ParallelConfig<T>['serdes'];
}

/**
 * Checks the settings shared by parallel and map (parallel.md rule 9) and throws a
 * {@link ValidationError} naming the setting and the fix; `what` names the batch.
 */
export function validateBatchConfig<T>(config: ParallelConfig<T> | undefined, what: string): ValidatedBatchConfig<T> {
  if (config === undefined) {
    return { maxConcurrency: undefined, completion: validateCompletionConfig(undefined, what), nesting: 'NESTED', itemSerdes: undefined, serdes: undefined };
  }
  if (config === null || typeof config !== 'object') throw new ValidationError(`${what}: the config must be an object; got ${String(config)}.`);
  const { maxConcurrency, nesting } = config;
  if (maxConcurrency !== undefined && (typeof maxConcurrency !== 'number' || !Number.isInteger(maxConcurrency) || maxConcurrency < 1)) {
    throw new ValidationError(`${what}: maxConcurrency must be an integer >= 1 (or left out for no limit); got ${String(maxConcurrency)}.`);
  }
  if (nesting !== undefined && nesting !== 'NESTED' && nesting !== 'FLAT') {
    throw new ValidationError(`${what}: nesting must be 'NESTED' or 'FLAT'; got ${String(nesting)}.`);
  }
  checkSerdes(config.itemSerdes, 'itemSerdes', what);
  checkSerdes(config.serdes, 'serdes', what);
  return {
    maxConcurrency,
    completion: validateCompletionConfig(config.completionConfig, what),
    nesting: nesting ?? 'NESTED',
    itemSerdes: config.itemSerdes,
    serdes: config.serdes,
  };
}

function checkSerdes(value: unknown, field: string, what: string): void {
  if (value === undefined) return;
  const candidate = value as { serialize?: unknown; deserialize?: unknown } | null;
  if (candidate === null || typeof candidate !== 'object' || typeof candidate.serialize !== 'function' || typeof candidate.deserialize !== 'function') {
    throw new ValidationError(`${what}: ${field} must be an object with serialize and deserialize functions.`);
  }
}

/**
 * Throws a {@link ValidationError} when `completionConfig.minSuccessful` asks for more successes
 * than the batch has branches (or items): such a batch could never reach it.
 *
 * @example checkMinSuccessful(settings.completion, branches.length, 'parallel "fan-out"', 'branches')
 */
export function checkMinSuccessful(completion: CompletionConfig, count: number, what: string, unit: 'branches' | 'items'): void {
  const wanted = completion.minSuccessful;
  if (wanted !== undefined && wanted > count) {
    throw new ValidationError(
      `${what}: completionConfig.minSuccessful is ${wanted} but there ${count === 1 ? 'is' : 'are'} only ${count} ${count === 1 ? unit.slice(0, -1) : unit}, ` +
        `so it could never be reached. Use a minSuccessful of at most ${count}, or leave it out to wait for all of them.`,
    );
  }
}
