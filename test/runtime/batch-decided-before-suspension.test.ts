/**
 * A batch decided early while another branch waits on the service (a durable wait, a step retry, a
 * callback) must close in the invocation that decided it: the waiting branch is abandoned (its
 * signal aborted, its operation left as recorded, reported STARTED), never resumed by a later
 * invocation. NESTED and FLAT must record the same outcome; FLAT only leaves out the branch
 * CONTEXTs (parallel.md rules 5, 7 and 10).
 */
import type { Operation } from '@aws-sdk/client-lambda';
import {
  Duration,
  RetryPresets,
  withDurableExecution,
  type CompletionConfig,
  type DurableContext,
} from '../../runtime';
import { InProcessDurableService, type RunResult } from '../../local/testing';
import { batchThenWait, eventsByInvocation, operationLines, type Kind, type Nesting } from './batch-support';
import { childId, invocationOutcomes, operation, rootId } from './support';

/** How the branch that is still running when the batch is decided waits on the service. */
type Slow = 'wait' | 'callback' | 'retry';

interface Outcome {
  readonly run: RunResult;
  /** Runs of the code the abandoned branch would reach only after its service wait ended. */
  readonly lateRuns: number;
}

describe('a batch decided while a branch waits on the service', () => {
  let svc: InProcessDurableService;
  beforeEach(() => {
    svc = new InProcessDurableService();
  });
  afterEach(() => svc.close());

  /**
   * Runs a batch of three branches — `a` (one step), `b` (one step that fails when `bFails`) and
   * `slow` (waits on the service, then runs its `late` code) — followed by a wait, so the outcome
   * is also replayed by a later invocation from the closed batch. With `decideLater`, `a` and `b`
   * first wait a second, so the batch is decided in the second invocation.
   */
  const runBatch = async (
    kind: Kind,
    nesting: Nesting,
    slow: Slow,
    completionConfig: CompletionConfig,
    { bFails = false, decideLater = false } = {},
  ): Promise<Outcome> => {
    let lateRuns = 0;
    const late = async () => {
      lateRuns += 1;
      return 'late';
    };
    const slowBranch = async (c: DurableContext): Promise<string> => {
      if (slow === 'wait') {
        await c.wait('hour', Duration.hours(1));
        return c.step('late', late);
      }
      if (slow === 'callback') {
        const callback = await c.createCallback<string>('approval');
        await callback.promise;
        return c.step('late', late);
      }
      return c.step(
        'late',
        async ({ attempt }) => {
          if (attempt === 1) throw new Error('not yet');
          return late();
        },
        { retryStrategy: () => ({ shouldRetry: true, delay: Duration.hours(1) }) },
      );
    };
    const branches: Record<string, (c: DurableContext) => Promise<string>> = {
      a: async (c) => {
        if (decideLater) await c.wait('soon', Duration.seconds(1));
        return c.step('sa', async () => 'a');
      },
      b: async (c) => {
        if (decideLater) await c.wait('soon', Duration.seconds(1));
        return c.step(
          'sb',
          async () => {
            if (bFails) throw new Error('b fails');
            return 'b';
          },
          { retryStrategy: RetryPresets.none() },
        );
      },
      slow: slowBranch,
    };
    const name = `${kind}-${nesting}-${slow}${decideLater ? '-later' : ''}`;
    svc.registerHandler(
      name,
      withDurableExecution(batchThenWait(kind, nesting, completionConfig, branches), { client: svc.client }),
    );
    const run = await svc.run(name);
    return { run, lateRuns };
  };

  const batchId = rootId(1);
  const branchId = (index: number) => childId(batchId, index + 1);


  const summaryOf = (parent: Operation) => JSON.parse(parent.ContextDetails?.Result ?? parent.ContextDetails?.Error?.ErrorData ?? '{}') as unknown;

  describe.each(['parallel', 'map'] as const)('%s', (kind) => {
    const subTypes = kind === 'parallel' ? { parent: 'Parallel', branch: 'ParallelBranch' } : { parent: 'Map', branch: 'MapIteration' };
    const branchOps = (nesting: Nesting, index: number, name: string, status: string) =>
      nesting === 'NESTED' ? [`CONTEXT ${subTypes.branch} ${name} ${branchId(index)} parent=${batchId} ${status}`] : [];
    /** ParentId of operations inside branch `index`: the branch CONTEXT (NESTED) or the batch (FLAT). */
    const inside = (nesting: Nesting, index: number) => (nesting === 'NESTED' ? branchId(index) : batchId);

    describe.each(['NESTED', 'FLAT'] as const)('%s', (nesting) => {
      it('minSuccessful reached while a branch waits: closes the batch in the first invocation and never runs the abandoned branch again', async () => {
        const { run, lateRuns } = await runBatch(kind, nesting, 'wait', { minSuccessful: 2 });
        expect(run.status).toBe('SUCCEEDED');
        expect(run.result).toEqual({
          reason: 'MIN_SUCCESSFUL_REACHED',
          statuses: ['a:SUCCEEDED', 'b:SUCCEEDED', 'slow:STARTED'],
          results: ['a', 'b'],
          errors: [],
        });
        expect(lateRuns).toBe(0);
        // Closed before the first invocation suspended (on the wait after the batch); the second
        // one replays the batch from its summary.
        expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:SUCCEEDED']);
        expect(eventsByInvocation(run)).toEqual([
          [
            'ContextStarted batch',
            ...(nesting === 'NESTED' ? ['ContextStarted a', 'StepStarted sa', 'ContextStarted b', 'StepStarted sb', 'ContextStarted slow', 'WaitStarted hour'] : []),
            ...(nesting === 'FLAT' ? ['StepStarted sa', 'StepStarted sb', 'WaitStarted hour'] : []),
            'StepSucceeded sa',
            'StepSucceeded sb',
            ...(nesting === 'NESTED' ? ['ContextSucceeded a', 'ContextSucceeded b'] : []),
            'ContextSucceeded batch',
            'WaitStarted after',
          ],
          ['WaitSucceeded after'],
        ]);
        expect(operationLines(run)).toEqual(
          [
            `CONTEXT ${subTypes.parent} batch ${batchId} parent=- SUCCEEDED`,
            ...branchOps(nesting, 0, 'a', 'SUCCEEDED'),
            ...branchOps(nesting, 1, 'b', 'SUCCEEDED'),
            ...branchOps(nesting, 2, 'slow', 'STARTED'),
            `STEP Step sa ${childId(branchId(0), 1)} parent=${inside(nesting, 0)} SUCCEEDED`,
            `STEP Step sb ${childId(branchId(1), 1)} parent=${inside(nesting, 1)} SUCCEEDED`,
            // The abandoned branch's wait stays as recorded; nothing after it was started.
            `WAIT Wait hour ${childId(branchId(2), 1)} parent=${inside(nesting, 2)} STARTED`,
            `WAIT Wait after ${rootId(2)} parent=- SUCCEEDED`,
          ].sort(),
        );
        expect(summaryOf(operation(run, batchId))).toEqual({
          CompletionReason: 'MIN_SUCCESSFUL_REACHED',
          Branches: [
            { Index: 0, Name: 'a', Status: 'SUCCEEDED', Result: '"a"' },
            { Index: 1, Name: 'b', Status: 'SUCCEEDED', Result: '"b"' },
            { Index: 2, Name: 'slow', Status: 'STARTED' },
          ],
        });
      });

      it.each([
        ['toleratedFailureCount', { toleratedFailureCount: 0 }],
        ['toleratedFailurePercentage', { toleratedFailurePercentage: 0.3 }],
      ] as const)('%s exceeded while a branch waits: fails the batch in the first invocation and never runs the abandoned branch again', async (_name, config) => {
        const { run, lateRuns } = await runBatch(kind, nesting, 'wait', config, { bFails: true });
        expect(run.status).toBe('SUCCEEDED');
        expect(run.result).toEqual({
          rejected: kind === 'parallel' ? 'ParallelError' : 'MapError',
          reason: 'FAILURE_TOLERANCE_EXCEEDED',
          statuses: ['a:SUCCEEDED', 'b:FAILED', 'slow:STARTED'],
          results: ['a'],
          errors: ['b fails'],
        });
        expect(lateRuns).toBe(0);
        expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:SUCCEEDED']);
        expect(eventsByInvocation(run)[0]).toContain('ContextFailed batch');
        expect(operationLines(run)).toEqual(
          [
            `CONTEXT ${subTypes.parent} batch ${batchId} parent=- FAILED`,
            ...branchOps(nesting, 0, 'a', 'SUCCEEDED'),
            ...branchOps(nesting, 1, 'b', 'FAILED'),
            ...branchOps(nesting, 2, 'slow', 'STARTED'),
            `STEP Step sa ${childId(branchId(0), 1)} parent=${inside(nesting, 0)} SUCCEEDED`,
            `STEP Step sb ${childId(branchId(1), 1)} parent=${inside(nesting, 1)} FAILED`,
            `WAIT Wait hour ${childId(branchId(2), 1)} parent=${inside(nesting, 2)} STARTED`,
            `WAIT Wait after ${rootId(2)} parent=- SUCCEEDED`,
          ].sort(),
        );
        const summary = summaryOf(operation(run, batchId)) as { CompletionReason: string; Branches: Array<{ Name: string; Status: string }> };
        expect(summary.CompletionReason).toBe('FAILURE_TOLERANCE_EXCEEDED');
        expect(summary.Branches.map((branch) => `${branch.Name}:${branch.Status}`)).toEqual(['a:SUCCEEDED', 'b:FAILED', 'slow:STARTED']);
      });

      it.each([
        ['a callback', 'callback', `CALLBACK Callback approval ${childId(branchId(2), 1)}`, 'STARTED'],
        ['a step retry', 'retry', `STEP Step late ${childId(branchId(2), 1)}`, 'PENDING'],
      ] as const)('minSuccessful reached while a branch waits for %s: the batch closes in the first invocation', async (_what, slow, slowOp, slowStatus) => {
        const { run, lateRuns } = await runBatch(kind, nesting, slow, { minSuccessful: 2 });
        expect(run.status).toBe('SUCCEEDED');
        expect(run.result).toMatchObject({ reason: 'MIN_SUCCESSFUL_REACHED', statuses: ['a:SUCCEEDED', 'b:SUCCEEDED', 'slow:STARTED'] });
        expect(lateRuns).toBe(0);
        expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:SUCCEEDED']);
        expect(eventsByInvocation(run)[0]).toContain('ContextSucceeded batch');
        expect(operationLines(run)).toContain(`${slowOp} parent=${inside(nesting, 2)} ${slowStatus}`);
        expect(operationLines(run)).toHaveLength(nesting === 'NESTED' ? 8 : 5);
      });

      it('minSuccessful reached in a later invocation while a branch waits: closes the batch in that invocation', async () => {
        const { run, lateRuns } = await runBatch(kind, nesting, 'wait', { minSuccessful: 2 }, { decideLater: true });
        expect(run.status).toBe('SUCCEEDED');
        expect(run.result).toMatchObject({ reason: 'MIN_SUCCESSFUL_REACHED', statuses: ['a:SUCCEEDED', 'b:SUCCEEDED', 'slow:STARTED'], results: ['a', 'b'] });
        expect(lateRuns).toBe(0);
        expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:PENDING', 'returned:SUCCEEDED']);
        expect(eventsByInvocation(run)[1]).toEqual([
          'WaitSucceeded soon',
          'WaitSucceeded soon',
          'StepStarted sa',
          'StepStarted sb',
          'StepSucceeded sa',
          'StepSucceeded sb',
          ...(nesting === 'NESTED' ? ['ContextSucceeded a', 'ContextSucceeded b'] : []),
          'ContextSucceeded batch',
          'WaitStarted after',
        ]);
        expect(operation(run, childId(branchId(2), 1))).toMatchObject({ Name: 'hour', Status: 'STARTED', ParentId: inside(nesting, 2) });
        expect(run.operations.filter((op) => op.Name === 'late')).toEqual([]);
      });
    });
  });
});
