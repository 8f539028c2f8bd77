/**
 * What identifies an operation and a call on the wire: ids that are the call path (hashed to 12
 * characters only when the path is longer), `ParentId` / `Name` / `SubType` sent only on an
 * operation's first update while the service's operations and history still carry them on every
 * event, and no ClientToken on any checkpoint call. Checked over a
 * workflow that runs across several invocations, so replayed operations are closed or retried by
 * a later invocation.
 */
import type { OperationUpdate } from '@aws-sdk/client-lambda';
import { Duration, NonDeterministicError, RetryPresets, withDurableExecution, type DurableContext } from '../../runtime';
import { InProcessDurableService } from '../../local/testing';
import { checkpointCalls, childId, invocationOutcomes, rootId, updatesOf } from './support';

/** A call path: decimal counters joined by '-' (every path in this workflow is shorter than 12 characters). */
const PATH_ID = /^[1-9][0-9]*(-[1-9][0-9]*)*$/;

async function workflow(_input: unknown, ctx: DurableContext): Promise<unknown> {
  const outer = await ctx.runInChildContext('outer', async (child) => {
    const flaky = await child.step('flaky', async ({ attempt }) => {
      if (attempt === 1) throw new Error('first attempt fails');
      return attempt;
    }, { retryStrategy: RetryPresets.fixed({ maxAttempts: 2, delay: Duration.seconds(1) }) });
    await child.wait('rest', Duration.seconds(1));
    return flaky;
  });
  const fanned = await ctx.parallel('fan', [(b) => b.step('left', async () => 'L'), (b) => b.step('right', async () => 'R')]);
  const mapped = await ctx.map('each', [1, 2], (item, value) => item.step(async () => value * 10));
  await ctx.wait('pause', Duration.seconds(2));
  return { outer, fanned: fanned.getResults(), mapped: mapped.getResults() };
}

describe('operation identity on the wire', () => {
  let svc: InProcessDurableService;
  afterEach(() => svc.close());

  it('sends ParentId, Name and SubType once per operation across invocations, and the history keeps them on every event', async () => {
    svc = new InProcessDurableService();
    svc.registerHandler('identity', withDurableExecution(workflow, { client: svc.client }));
    const run = await svc.run('identity');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual({ outer: 2, fanned: ['L', 'R'], mapped: [10, 20] });
    // Retry delay, the wait in the child, the final wait: four invocations, three of them replays.
    expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:PENDING', 'returned:PENDING', 'returned:SUCCEEDED']);

    // Ids are the call paths themselves: '1', '1-1', '2-1-1', …
    const [outer, fan, each, pause] = [1, 2, 3, 4].map(rootId);
    expect([outer, childId(outer, 1), childId(childId(fan, 2), 1)]).toEqual(['1', '1-1', '2-2-1']);
    const expectedIds = new Map<string, { parent?: string; name?: string; subType: string }>([
      [outer, { name: 'outer', subType: 'RunInChildContext' }],
      [childId(outer, 1), { parent: outer, name: 'flaky', subType: 'Step' }],
      [childId(outer, 2), { parent: outer, name: 'rest', subType: 'Wait' }],
      [fan, { name: 'fan', subType: 'Parallel' }],
      [childId(fan, 1), { parent: fan, name: '0', subType: 'ParallelBranch' }],
      [childId(childId(fan, 1), 1), { parent: childId(fan, 1), name: 'left', subType: 'Step' }],
      [childId(fan, 2), { parent: fan, name: '1', subType: 'ParallelBranch' }],
      [childId(childId(fan, 2), 1), { parent: childId(fan, 2), name: 'right', subType: 'Step' }],
      [each, { name: 'each', subType: 'Map' }],
      [childId(each, 1), { parent: each, name: '0', subType: 'MapIteration' }],
      [childId(childId(each, 1), 1), { parent: childId(each, 1), subType: 'Step' }],
      [childId(each, 2), { parent: each, name: '1', subType: 'MapIteration' }],
      [childId(childId(each, 2), 1), { parent: childId(each, 2), subType: 'Step' }],
      [pause, { name: 'pause', subType: 'Wait' }],
    ]);
    const ops = run.operations.filter((op) => op.Type !== 'EXECUTION');
    expect(new Set(ops.map((op) => op.Id))).toEqual(new Set(expectedIds.keys()));
    for (const op of ops) {
      expect(op.Id).toMatch(PATH_ID);
      const expected = expectedIds.get(op.Id as string);
      expect({ parent: op.ParentId, name: op.Name, subType: op.SubType }).toEqual({ parent: expected?.parent, name: expected?.name, subType: expected?.subType });
    }

    // On the wire: the first update of each operation is whole, every later one (in any invocation) is not.
    const sent: OperationUpdate[] = run.invocations.flatMap((inv) => checkpointCalls(inv.dataPlaneCalls).flatMap(updatesOf));
    const seen = new Set<string>();
    let later = 0;
    for (const update of sent) {
      if (update.Type === 'EXECUTION') continue;
      const id = update.Id as string;
      const expected = expectedIds.get(id);
      if (!seen.has(id)) {
        seen.add(id);
        expect({ parent: update.ParentId, name: update.Name, subType: update.SubType }).toEqual({ parent: expected?.parent, name: expected?.name, subType: expected?.subType });
      } else {
        later += 1;
        expect([update.ParentId, update.Name, update.SubType]).toEqual([undefined, undefined, undefined]);
      }
    }
    // The flaky step's RETRY, its second START and SUCCEED come in later invocations than its first START.
    const flakyUpdates = run.invocations.map((inv) => checkpointCalls(inv.dataPlaneCalls).flatMap(updatesOf).filter((u) => u.Id === childId(outer, 1)).map((u) => u.Action));
    expect(flakyUpdates).toEqual([['START', 'RETRY'], ['START', 'SUCCEED'], [], []]);
    expect(later).toBeGreaterThanOrEqual(12);

    // The history carries the identity on every event of an operation, closing events included.
    for (const event of run.history) {
      if (event.EventType === 'InvocationCompleted' || String(event.EventType).startsWith('Execution')) continue;
      const expected = expectedIds.get(event.Id as string);
      expect({ type: event.EventType, parent: event.ParentId, name: event.Name, subType: event.SubType }).toEqual({
        type: event.EventType,
        parent: expected?.parent,
        name: expected?.name,
        subType: expected?.subType,
      });
    }
    expect(run.history.filter((e) => e.Id === childId(outer, 1)).map((e) => e.EventType)).toEqual(['StepStarted', 'StepFailed', 'StepStarted', 'StepSucceeded']);

    // No call carries a ClientToken: the runtime's build step takes out the one the SDK would fill in.
    const calls = run.invocations.flatMap((inv) => checkpointCalls(inv.dataPlaneCalls));
    expect(calls.length).toBeGreaterThanOrEqual(4);
    expect(calls.filter((call) => 'ClientToken' in call.input)).toEqual([]);
  });

  it('ends the invocation when the SDK retries a call whose response was lost, and the next one replays it: applied once', async () => {
    // The execution's second checkpoint call (the first of the second invocation) is applied, then
    // its response is lost: the client retries the identical request, whose CheckpointToken is consumed.
    svc = new InProcessDurableService({ faults: [{ operation: 'CheckpointDurableExecution', callIndex: 1, fault: 'drop-response' }] });
    svc.registerHandler('retried', withDurableExecution(workflow, { client: svc.client }));
    const run = await svc.run('retried');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual({ outer: 2, fanned: ['L', 'R'], mapped: [10, 20] });
    const calls = run.invocations.flatMap((inv) => checkpointCalls(inv.dataPlaneCalls));
    const dropped = calls.findIndex((call) => call.fault === 'drop-response');
    expect(dropped).toBeGreaterThanOrEqual(0);
    const [lost, retry] = [calls[dropped], calls[dropped + 1]];
    expect([lost.applied, retry.attempt, retry.applied, retry.error?.message]).toEqual([true, 2, false, 'Invalid checkpoint token']);
    expect(retry.input).toEqual(lost.input);
    expect('ClientToken' in retry.input).toBe(false);
    // The failed invocation is retried by the service; apart from that, the same history as without
    // the fault: the lost call's updates are in it once, nothing is missing.
    expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'error', 'returned:PENDING', 'returned:PENDING', 'returned:SUCCEEDED']);
    expect(run.invocations[1].outcome).toMatchObject({ kind: 'error', error: { ErrorType: 'CheckpointError' } });
    expect((run.invocations[1].outcome as { error: { ErrorMessage: string } }).error.ErrorMessage).toContain('an earlier attempt of this call was applied and its response lost');
    const clean = new InProcessDurableService();
    try {
      clean.registerHandler('clean', withDurableExecution(workflow, { client: clean.client }));
      const reference = await clean.run('clean');
      const shape = (events: typeof run.history) =>
        events.filter((e) => !String(e.EventType).startsWith('Execution') && e.EventType !== 'InvocationCompleted').map((e) => [e.EventType, e.Id, e.Name]);
      expect(shape(run.history)).toEqual(shape(reference.history));
    } finally {
      await clean.close();
    }
  });

  it('gives a custom item serdes each item\'s id when a finished map is replayed from its summary', async () => {
    svc = new InProcessDurableService();
    const seen: Array<{ phase: string; id: string }> = [];
    let phase = 'first run';
    svc.registerHandler(
      'serdes-ids',
      withDurableExecution(
        async (_input, ctx) => {
          const mapped = await ctx.map('each', [1, 2, 3], async (_item, value) => value * 2, {
            itemSerdes: {
              serialize: (value: number, context) => {
                seen.push({ phase, id: context.operationId });
                return JSON.stringify(value);
              },
              deserialize: (data: string | undefined, context) => {
                seen.push({ phase, id: context.operationId });
                return JSON.parse(data ?? 'null') as number;
              },
            },
          });
          await ctx.wait(Duration.seconds(1));
          return mapped.getResults();
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('serdes-ids', undefined, { betweenInvocations: () => void (phase = 'replay') });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual([2, 4, 6]);
    const items = [1, 2, 3].map((n) => childId(rootId(1), n));
    // The replay reads the items from the map's summary, not from their checkpoints, and still names each one.
    expect(seen.filter((s) => s.phase === 'replay').map((s) => s.id)).toEqual(items);
    expect(new Set(seen.filter((s) => s.phase === 'first run').map((s) => s.id))).toEqual(new Set(items));
  });

  it('still fails a replay whose code asks for a different operation at a recorded id', async () => {
    svc = new InProcessDurableService();
    let name = 'first';
    svc.registerHandler(
      'drift',
      withDurableExecution(
        async (_input, ctx) => {
          await ctx.step(name, async () => 1);
          await ctx.wait(Duration.seconds(1));
          return 'done';
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('drift', undefined, { betweenInvocations: () => void (name = 'second') });
    expect(run.status).toBe('FAILED');
    expect(run.error?.ErrorType).toBe(NonDeterministicError.name);
    expect(run.error?.ErrorMessage).toContain(`(id ${rootId(1)}) has Name "first"`);
  });
});
