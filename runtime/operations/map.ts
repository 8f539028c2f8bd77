import { checkMinSuccessful, validateBatchConfig } from '../batch/batch-config';
import type { BatchResult } from '../batch/batch-result';
import { runBatch, type BatchBranch } from '../batch/run-batch';
import type { DurableContextImpl } from '../context/durable-context';
import { describeOperation } from '../context/operation-support';
import { ValidationError } from '../errors';
import { validateName } from '../names';
import { Serdes } from '../serdes';
import type { DurableContext, MapConfig, MapFunction } from '../types';

/**
 * `ctx.map`: a parallel over items (SubType `Map` / `MapIteration`) with the same completion
 * policy, concurrency limit, result and replay rules. Items are named by `itemNamer` or by index;
 * names are computed, and everything validated, before anything is checkpointed.
 */
export function runMap<TItem, TResult>(
  ctx: DurableContextImpl,
  name: string | undefined,
  items: readonly TItem[],
  fn: MapFunction<TItem, TResult>,
  config?: MapConfig<TItem, TResult>,
): Promise<BatchResult<TResult>> {
  validateName(name, 'a map');
  const what = describeOperation('map', name);
  if (!Array.isArray(items)) {
    throw new ValidationError(`${what} needs an array of items; got ${items === null ? 'null' : typeof items}.`);
  }
  if (typeof fn !== 'function') {
    throw new ValidationError(`${what} needs a function (ctx, item, index, signal) => Promise; got ${typeof fn}.`);
  }
  const settings = validateBatchConfig(config, what);
  checkMinSuccessful(settings.completion, items.length, what, 'items');
  const itemNamer = config?.itemNamer;
  if (itemNamer !== undefined && typeof itemNamer !== 'function') {
    throw new ValidationError(`${what}: itemNamer must be a function (item, index) => string.`);
  }
  const branches: Array<BatchBranch<TResult>> = items.map((item, index) => {
    const itemName = itemNamer ? validateName(itemNamer(item, index), `item #${index} of ${what} (from itemNamer)`) : undefined;
    if (itemNamer && itemName === undefined) {
      throw new ValidationError(`${what}: itemNamer returned undefined for item #${index}; it must return a name.`);
    }
    return new MapItem(itemName ?? String(index), item, index, fn);
  });
  return runBatch(ctx, {
    kind: 'map',
    name,
    branches,
    maxConcurrency: settings.maxConcurrency,
    completion: settings.completion,
    nesting: settings.nesting,
    itemSerdes: settings.itemSerdes ?? Serdes.json<TResult>(),
    serdes: settings.serdes,
  });
}

/** One item as a batch branch: its code is the map function's, shared by every item. */
class MapItem<TItem, TResult> implements BatchBranch<TResult> {
  constructor(
    readonly name: string,
    private readonly item: TItem,
    private readonly index: number,
    private readonly fn: MapFunction<TItem, TResult>,
  ) {}

  run(ctx: DurableContext, signal: AbortSignal): Promise<TResult> {
    return this.fn(ctx, this.item, this.index, signal);
  }
}
