import { checkMinSuccessful, validateBatchConfig } from '../batch/batch-config';
import type { BatchResult } from '../batch/batch-result';
import { runBatch, type BatchBranch } from '../batch/run-batch';
import type { DurableContextImpl } from '../context/durable-context';
import { describeOperation } from '../context/operation-support';
import { ValidationError } from '../errors';
import { validateName } from '../names';
import { Serdes } from '../serdes';
import type { BranchFunction, NamedBranch, ParallelConfig } from '../types';

/**
 * `ctx.parallel`: runs branches concurrently as one batch (parallel.md). Branches are plain
 * functions (named by their index) or `{ name, func }`. Everything is validated before anything is
 * checkpointed.
 */
export function runParallel<T>(
  ctx: DurableContextImpl,
  name: string | undefined,
  branches: ReadonlyArray<BranchFunction<T> | NamedBranch<T>>,
  config?: ParallelConfig<T>,
): Promise<BatchResult<T>> {
  validateName(name, 'a parallel');
  const what = describeOperation('parallel', name);
  if (!Array.isArray(branches)) {
    throw new ValidationError(`${what} needs an array of branches (functions or { name, func }); got ${branches === null ? 'null' : typeof branches}.`);
  }
  const normalised = branches.map((branch, index) => normaliseBranch<T>(branch, index, what));
  const settings = validateBatchConfig(config, what);
  checkMinSuccessful(settings.completion, normalised.length, what, 'branches');
  return runBatch<T>(ctx, {
    kind: 'parallel',
    name,
    branches: normalised,
    maxConcurrency: settings.maxConcurrency,
    completion: settings.completion,
    nesting: settings.nesting,
    itemSerdes: settings.itemSerdes ?? Serdes.json<T>(),
    serdes: settings.serdes,
  });
}

function normaliseBranch<T>(branch: BranchFunction<T> | NamedBranch<T>, index: number, what: string): BatchBranch<T> {
  if (typeof branch === 'function') return { name: String(index), run: branch };
  if (branch !== null && typeof branch === 'object' && typeof branch.func === 'function') {
    const name = validateName(branch.name, `branch #${index} of ${what}`);
    return { name: name ?? String(index), run: branch.func };
  }
  throw new ValidationError(
    `Branch #${index} of ${what} must be a function (ctx, signal) => Promise or { name, func }; got ${branch === null ? 'null' : typeof branch}.`,
  );
}
