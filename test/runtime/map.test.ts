import { CompletionConfig, Duration, MapError, withDurableExecution, type BatchResult, type DurableContext } from '../../runtime';
import { InProcessDurableService } from '../../local/testing';
import { childId, eventTypes, invocationOutcomes, operation, rootId } from './support';

describe('ctx.map', () => {
  let svc: InProcessDurableService;
  beforeEach(() => {
    svc = new InProcessDurableService();
  });
  afterEach(() => svc.close());

  const register = (name: string, workflow: (input: never, ctx: DurableContext) => Promise<unknown>) =>
    svc.registerHandler(name, withDurableExecution(workflow, { client: svc.client }));

  it('hands each item and its index to the function, names items with the namer, and records Map/MapIteration', async () => {
    register('named-map', async (items: number[], ctx) => {
      const result = await ctx.map('named-items', items, async (c, item, index) => c.step(async () => item * 10 + index), {
        maxConcurrency: 1,
        itemNamer: (item) => `item-${item}`,
      });
      return { results: result.getResults(), names: result.all.map((i) => i.name) };
    });
    const run = await svc.run('named-map', [1, 2, 3]);
    expect(run.result).toEqual({ results: [10, 21, 32], names: ['item-1', 'item-2', 'item-3'] });
    const map = rootId(1);
    expect(operation(run, map)).toMatchObject({ Type: 'CONTEXT', SubType: 'Map', Name: 'named-items' });
    [1, 2, 3].forEach((item, index) => {
      expect(operation(run, childId(map, index + 1))).toMatchObject({ SubType: 'MapIteration', Name: `item-${item}`, ParentId: map });
    });
    expect(eventTypes(run, true).slice(0, 5)).toEqual(['ContextStarted', 'ContextStarted', 'StepStarted', 'StepSucceeded', 'ContextSucceeded']);
  });

  it('names unnamed items by index and suspends mid-map, replaying finished items without running them', async () => {
    const runs: number[] = [];
    register('suspend', async (_input, ctx) => {
      const result = await ctx.map('suspend', ['r0', 'r1'], async (c, item, index) => {
        runs.push(index);
        if (index === 1) await c.wait(Duration.seconds(1));
        return c.step(async () => item);
      }, { maxConcurrency: 1 });
      return result.all.map((i) => [i.name, i.result]);
    });
    const run = await svc.run('suspend');
    expect(run.result).toEqual([['0', 'r0'], ['1', 'r1']]);
    expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:SUCCEEDED']);
    expect(runs).toEqual([0, 1, 1]);
  });

  it('rejects with MapError carrying the result when failures exceed the tolerance', async () => {
    register('map-fail', async (_input, ctx) => {
      try {
        await ctx.map(['ok', 'bad', 'never'], async (_c, item) => {
          if (item === 'bad') throw new Error(`item ${item}`);
          return item;
        }, { maxConcurrency: 1, completionConfig: { toleratedFailureCount: 0 } });
        return 'resolved';
      } catch (error) {
        const result = (error as MapError).result as BatchResult<string>;
        return { isMapError: error instanceof MapError, reason: result.completionReason, status: result.status, counts: [result.successCount, result.failureCount, result.totalCount] };
      }
    });
    const run = await svc.run('map-fail');
    expect(run.result).toEqual({ isMapError: true, reason: 'FAILURE_TOLERANCE_EXCEEDED', status: 'FAILED', counts: [1, 1, 2] });
    expect(operation(run, rootId(1)).ContextDetails?.Error?.ErrorType).toBe('MapError');
  });

  it('stops at minSuccessful and replays a completed map after a wait without running items', async () => {
    let itemRuns = 0;
    register('map-min', async (_input, ctx) => {
      const result = await ctx.map([1, 2, 3, 4], async (_c, item) => {
        itemRuns += 1;
        return item;
      }, { maxConcurrency: 1, completionConfig: { minSuccessful: 2 } });
      await ctx.wait(Duration.seconds(1));
      return { reason: result.completionReason, results: result.getResults(), total: result.totalCount };
    });
    const run = await svc.run('map-min');
    expect(run.result).toEqual({ reason: 'MIN_SUCCESSFUL_REACHED', results: [1, 2], total: 2 });
    expect(itemRuns).toBe(2);
  });

  it('supports FLAT nesting and a whole-result serdes', async () => {
    register('map-flat', async (_input, ctx) => {
      const result = await ctx.map(['x', 'y'], async (c, item) => c.step(async () => item.toUpperCase()), {
        nesting: 'FLAT',
        completionConfig: CompletionConfig.allCompleted(),
      });
      return result.getResults();
    });
    const run = await svc.run('map-flat');
    expect(run.result).toEqual(['X', 'Y']);
    expect(run.operations.filter((op) => op.SubType === 'MapIteration')).toHaveLength(0);
    expect(operation(run, childId(childId(rootId(1), 2), 1)).ParentId).toBe(rootId(1));
  });
});
