import { CompletionConfig, Duration, MapError, SerdesError, withDurableExecution, type BatchResult, type DurableContext, type Serdes } from '../../runtime';
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

  it('replays a finished map from its summary in every later invocation: values, errors and names as first returned, no item run again', async () => {
    let itemRuns = 0;
    register('map-replays', async (_input, ctx) => {
      const result = await ctx.map(['a', 'b', 'c', 'd'], async (_c, item) => {
        itemRuns += 1;
        if (item === 'c') throw new Error(`item ${item} is bad`);
        return item === 'd' ? undefined : { item, at: [item.charCodeAt(0)] };
      }, { completionConfig: { toleratedFailureCount: 1 } });
      const seen = {
        reason: result.completionReason,
        all: result.all.map((i) => [i.index, i.name, i.status, i.result, i.error && [i.error.name, i.error.message]]),
      };
      await ctx.wait('first', Duration.seconds(5));
      await ctx.wait('second', Duration.seconds(5));
      return seen;
    });
    const run = await svc.run('map-replays');
    const expected = {
      reason: 'ALL_COMPLETED',
      all: [
        // JSON turns the undefined array members of the returned value into null.
        [0, '0', 'SUCCEEDED', { item: 'a', at: [97] }, null],
        [1, '1', 'SUCCEEDED', { item: 'b', at: [98] }, null],
        [2, '2', 'FAILED', null, ['ChildContextError', 'item c is bad']],
        [3, '3', 'SUCCEEDED', null, null],
      ],
    };
    // The third invocation can only return what the replays of the map rebuilt.
    expect(run.result).toEqual(expected);
    expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:PENDING', 'returned:SUCCEEDED']);
    expect(itemRuns).toBe(4);
    const map = rootId(1);
    // Each operation was recorded once: the replays added nothing but the waits.
    expect(run.history.filter((e) => e.Id === map).map((e) => e.EventType)).toEqual(['ContextStarted', 'ContextSucceeded']);
    ['ContextSucceeded', 'ContextSucceeded', 'ContextFailed', 'ContextSucceeded'].forEach((closed, index) => {
      expect(run.history.filter((e) => e.Id === childId(map, index + 1)).map((e) => e.EventType)).toEqual(['ContextStarted', closed]);
    });
    expect(eventTypes(run, true).filter((type) => type.startsWith('Wait'))).toEqual(['WaitStarted', 'WaitSucceeded', 'WaitStarted', 'WaitSucceeded']);
    expect(eventTypes(run, true)).toHaveLength(2 + 4 * 2 + 4);
  });

  it('reads item results back with an asynchronous item serdes on replay, giving it each item\'s own operation id', async () => {
    const deserializedFor: string[] = [];
    const tagged: Serdes<string> = {
      serialize: async (value) => `<${value}>`,
      deserialize: async (data, context) => {
        deserializedFor.push(context.operationId);
        return (data ?? '').slice(1, -1);
      },
    };
    register('map-async-serdes', async (_input, ctx) => {
      const result = await ctx.map(['x', 'y', 'z'], async (_c, item) => item.toUpperCase(), { itemSerdes: tagged });
      await ctx.wait(Duration.seconds(1));
      return result.getResults();
    });
    const run = await svc.run('map-async-serdes');
    expect(run.result).toEqual(['X', 'Y', 'Z']);
    expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:SUCCEEDED']);
    const map = rootId(1);
    const items = [1, 2, 3].map((n) => childId(map, n));
    // First run: each item's context reads its own value back; then the batch result, and the replay.
    expect(deserializedFor.slice(-3)).toEqual(items);
    expect(deserializedFor.slice(-6, -3)).toEqual(items);
  });

  it('fails a replay whose item serdes cannot read a stored result with a SerdesError naming the item and its operation', async () => {
    let replaying = false;
    const fragile: Serdes<number> = {
      serialize: (value) => String(value),
      deserialize: (data) => {
        if (replaying) throw new Error('format changed');
        return Number(data);
      },
    };
    register('map-bad-serdes', async (_input, ctx) => {
      try {
        const result = await ctx.map([1, 2], async (_c, item) => item * 2, { itemSerdes: fragile });
        replaying = true;
        await ctx.wait(Duration.seconds(1));
        return result.getResults();
      } catch (error) {
        return { name: (error as Error).name, isSerdes: error instanceof SerdesError, message: (error as Error).message };
      }
    });
    const run = await svc.run('map-bad-serdes');
    expect(run.result).toEqual({
      name: 'SerdesError',
      isSerdes: true,
      message: expect.stringContaining(`item #0 ("0") of map (unnamed) (operation ${childId(rootId(1), 1)}): format changed`),
    });
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
