/**
 * An invocation that ends with an error after the outcomes deciding a batch were recorded, but
 * before the batch's close was: the next invocation replays those outcomes and decides the batch
 * again, while the branch that was still waiting finds its wait over. That branch is abandoned
 * (parallel.md rule 5): the code after its wait must not run at all — not even to have its result
 * thrown away — and the batch closes in that invocation with the branch STARTED. NESTED and FLAT,
 * parallel and map, alike.
 */
import type { Operation, OperationUpdate } from '@aws-sdk/client-lambda';
import { Duration, RetryPresets, withDurableExecution, type CompletionConfig, type DurableContext } from '../../runtime';
import { InProcessDurableService } from '../../local/testing';
import { batchThenWait, eventsByInvocation, operationLines, type Kind, type Nesting } from './batch-support';
import { childId, invocationOutcomes, operation, rootId, updatesOf } from './support';


const batchId = rootId(1);
const branchId = (index: number) => childId(batchId, index + 1);

/** True for a checkpoint request that carries the batch's close. */
const closesBatch = (updates: readonly OperationUpdate[]) => updates.some((u) => u.Id === batchId && (u.Action === 'SUCCEED' || u.Action === 'FAIL'));

describe('a batch decided again by a replay after an invocation error', () => {
  let svc: InProcessDurableService;
  afterEach(() => svc.close());

  /**
   * Three branches — `a` and `b` (one step each; `b`'s fails when `bFails`) and `slow` (a
   * one-second wait, then its `late` step) — and a wait after the batch. Every request carrying the
   * batch's close fails in the first invocation (the client's three tries), so that invocation ends
   * with an error after `a` and `b` recorded their outcomes; the service invokes again a second
   * later, when `slow`'s wait is over.
   */
  const runBatch = async (kind: Kind, nesting: Nesting, completionConfig: CompletionConfig, bFails = false) => {
    svc = new InProcessDurableService({
      faults: [{ operation: 'CheckpointDurableExecution', fault: 'server-error', times: 3, when: (call) => "Updates" in call.input && closesBatch(call.input.Updates ?? []) }],
    });
    let lateRuns = 0;
    const branches: Record<string, (c: DurableContext) => Promise<string>> = {
      a: (c) => c.step('sa', async () => 'a'),
      b: (c) =>
        c.step(
          'sb',
          async () => {
            if (bFails) throw new Error('b fails');
            return 'b';
          },
          { retryStrategy: RetryPresets.none() },
        ),
      slow: async (c) => {
        await c.wait('short', Duration.seconds(1));
        return c.step('late', async () => {
          lateRuns += 1;
          return 'late';
        });
      },
    };
    svc.registerHandler(
      'batch',
      withDurableExecution(batchThenWait(kind, nesting, completionConfig, branches), { client: svc.client }),
    );
    const run = await svc.run('batch');
    return { run, lateRuns: () => lateRuns };
  };



  const summaryOf = (parent: Operation) => JSON.parse(parent.ContextDetails?.Result ?? parent.ContextDetails?.Error?.ErrorData ?? '{}') as unknown;

  describe.each(['parallel', 'map'] as const)('%s', (kind) => {
    const subTypes = kind === 'parallel' ? { parent: 'Parallel', branch: 'ParallelBranch' } : { parent: 'Map', branch: 'MapIteration' };

    describe.each(['NESTED', 'FLAT'] as const)('%s', (nesting) => {
      const branchOps = (index: number, name: string, status: string) =>
        nesting === 'NESTED' ? [`CONTEXT ${subTypes.branch} ${name} ${branchId(index)} parent=${batchId} ${status}`] : [];
      /** ParentId of operations inside branch `index`: the branch CONTEXT (NESTED) or the batch (FLAT). */
      const inside = (index: number) => (nesting === 'NESTED' ? branchId(index) : batchId);

      it.each([
        ['minSuccessful reached', { minSuccessful: 2 }, false, 'SUCCEEDED'],
        ['toleratedFailureCount exceeded', { toleratedFailureCount: 0 }, true, 'FAILED'],
      ] as const)('%s: the replay closes the batch without running the abandoned branch past its finished wait', async (_what, config, bFails, closed) => {
        const { run, lateRuns } = await runBatch(kind, nesting, config, bFails);
        expect(run.status).toBe('SUCCEEDED');
        expect(run.result).toEqual({
          rejected: bFails ? (kind === 'parallel' ? 'ParallelError' : 'MapError') : undefined,
          reason: bFails ? 'FAILURE_TOLERANCE_EXCEEDED' : 'MIN_SUCCESSFUL_REACHED',
          statuses: ['a:SUCCEEDED', `b:${bFails ? 'FAILED' : 'SUCCEEDED'}`, 'slow:STARTED'],
          results: ['a'].concat(bFails ? [] : ['b']),
          errors: bFails ? ['b fails'] : [],
        });
        expect(lateRuns()).toBe(0);
        expect(invocationOutcomes(run)).toEqual(['error', 'returned:PENDING', 'returned:SUCCEEDED']);
        const branchClose = (name: string, failed: boolean) => (nesting === 'NESTED' ? [`Context${failed ? 'Failed' : 'Succeeded'} ${name}`] : []);
        const [first, ...later] = eventsByInvocation(run);
        // The first invocation records the branches' outcomes (in whichever order they come), not the batch's close.
        expect(first.slice().sort()).toEqual(
          [
            'ContextStarted batch',
            ...(nesting === 'NESTED' ? ['ContextStarted a', 'StepStarted sa', 'ContextStarted b', 'StepStarted sb', 'ContextStarted slow', 'WaitStarted short'] : []),
            ...(nesting === 'FLAT' ? ['StepStarted sa', 'StepStarted sb', 'WaitStarted short'] : []),
            'StepSucceeded sa',
            `Step${bFails ? 'Failed' : 'Succeeded'} sb`,
            ...branchClose('a', false),
            ...branchClose('b', bFails),
          ].sort(),
        );
        expect(later).toEqual([
          // The wait is over before the service invokes again; the replay only closes the batch.
          ['WaitSucceeded short', `Context${closed === 'FAILED' ? 'Failed' : 'Succeeded'} batch`, 'WaitStarted after'],
          ['WaitSucceeded after'],
        ]);
        expect(operationLines(run)).toEqual(
          [
            `CONTEXT ${subTypes.parent} batch ${batchId} parent=- ${closed}`,
            ...branchOps(0, 'a', 'SUCCEEDED'),
            ...branchOps(1, 'b', bFails ? 'FAILED' : 'SUCCEEDED'),
            ...branchOps(2, 'slow', 'STARTED'),
            `STEP Step sa ${childId(branchId(0), 1)} parent=${inside(0)} SUCCEEDED`,
            `STEP Step sb ${childId(branchId(1), 1)} parent=${inside(1)} ${bFails ? 'FAILED' : 'SUCCEEDED'}`,
            `WAIT Wait short ${childId(branchId(2), 1)} parent=${inside(2)} SUCCEEDED`,
            `WAIT Wait after ${rootId(2)} parent=- SUCCEEDED`,
          ].sort(),
        );
        const summary = summaryOf(operation(run, batchId)) as { CompletionReason: string; Branches: Array<{ Name: string; Status: string }> };
        expect(summary.Branches.map((branch) => `${branch.Name}:${branch.Status}`)).toEqual([
          'a:SUCCEEDED',
          `b:${bFails ? 'FAILED' : 'SUCCEEDED'}`,
          'slow:STARTED',
        ]);
        // Nothing of the abandoned branch was sent after its wait.
        const sent = run.invocations.flatMap((invocation) => invocation.dataPlaneCalls).flatMap((call) => (call.command === 'CheckpointDurableExecution' ? updatesOf(call) : []));
        expect(sent.filter((update) => update.Id === childId(branchId(2), 2))).toEqual([]);
      });
    });
  });
});

describe('a branch that reaches new work in the tick its batch is decided without it', () => {
  let svc: InProcessDurableService;
  afterEach(() => svc.close());

  it.each([
    ['parallel', 'NESTED'],
    ['parallel', 'FLAT'],
    ['map', 'NESTED'],
    ['map', 'FLAT'],
  ] as const)('%s %s: starts nothing new before its abort, and is STARTED', async (kind, nesting) => {
    svc = new InProcessDurableService();
    let lateRuns = 0;
    let bRecorded!: () => void;
    const bDone = new Promise<void>((resolve) => {
      bRecorded = resolve;
    });
    const branches: Record<string, (c: DurableContext) => Promise<string>> = {
      a: (c) => c.step('sa', async () => 'a'),
      b: async (c) => {
        const b = await c.step('sb', async () => 'b');
        bRecorded();
        return b;
      },
      // Reaches its next step a few promise turns after `b` settles and decides the batch: after the
      // decision, before the end of the tick, when the branch is aborted.
      slow: async (c) => {
        await bDone;
        for (let turn = 0; turn < 100; turn += 1) await null;
        return c.step('late', async () => {
          lateRuns += 1;
          return 'late';
        });
      },
    };
    const names = Object.keys(branches);
    svc.registerHandler(
      'batch',
      withDurableExecution(
        async (_input: unknown, ctx: DurableContext) => {
          const completionConfig = { minSuccessful: 2 };
          const result =
            kind === 'parallel'
              ? await ctx.parallel('batch', names.map((name) => ({ name, func: branches[name] })), { nesting, completionConfig })
              : await ctx.map('batch', names, async (c, name) => branches[name](c), { nesting, completionConfig, itemNamer: (name) => name });
          return result.all.map((item) => `${item.name}:${item.status}`);
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('batch');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual(['a:SUCCEEDED', 'b:SUCCEEDED', 'slow:STARTED']);
    expect(lateRuns).toBe(0);
    expect(run.operations.filter((op) => op.Name === 'late')).toEqual([]);
  });
});

describe('a batch decided again by a replay, its abandoned branch nesting the work', () => {
  let svc: InProcessDurableService;
  afterEach(() => svc.close());

  type Inner = 'child context' | 'nested parallel' | 'nested map';

  /** `slow` reaches its wait and `late` step through a child context or a nested batch. */
  const slowThrough = (inner: Inner, nesting: Nesting, late: () => Promise<string>) => async (c: DurableContext) => {
    const body = async (cc: DurableContext) => {
      await cc.wait('short', Duration.seconds(1));
      return cc.step('late', late);
    };
    if (inner === 'child context') return c.runInChildContext('inner', body);
    if (inner === 'nested parallel') return (await c.parallel('inner', [body], { nesting })).getResults()[0];
    return (await c.map('inner', [0], async (cc) => body(cc), { nesting })).getResults()[0];
  };

  it.each([
    ['child context', 'NESTED'],
    ['child context', 'FLAT'],
    ['nested parallel', 'NESTED'],
    ['nested parallel', 'FLAT'],
    ['nested map', 'NESTED'],
    ['nested map', 'FLAT'],
  ] as const)('through a %s (%s): the step after the finished wait never runs', async (inner, nesting) => {
    svc = new InProcessDurableService({
      faults: [{ operation: 'CheckpointDurableExecution', fault: 'server-error', times: 3, when: (call) => 'Updates' in call.input && closesBatch(call.input.Updates ?? []) }],
    });
    let lateRuns = 0;
    const late = async () => {
      lateRuns += 1;
      return 'late';
    };
    const branches = [
      { name: 'a', func: (c: DurableContext) => c.step('sa', async () => 'a') },
      { name: 'b', func: (c: DurableContext) => c.step('sb', async () => 'b') },
      { name: 'slow', func: slowThrough(inner, nesting, late) },
    ];
    svc.registerHandler(
      'batch',
      withDurableExecution(
        async (_input: unknown, ctx: DurableContext) => {
          const result = await ctx.parallel('batch', branches, { nesting, completionConfig: { minSuccessful: 2 } });
          await ctx.wait('after', Duration.seconds(1));
          return result.all.map((item) => `${item.name}:${item.status}`);
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('batch');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual(['a:SUCCEEDED', 'b:SUCCEEDED', 'slow:STARTED']);
    expect(invocationOutcomes(run)).toEqual(['error', 'returned:PENDING', 'returned:SUCCEEDED']);
    expect(lateRuns).toBe(0);
    expect(run.operations.filter((op) => op.Name === 'late')).toEqual([]);
    expect(run.operations.find((op) => op.Name === 'short')).toMatchObject({ Status: 'SUCCEEDED' });
  });
});
