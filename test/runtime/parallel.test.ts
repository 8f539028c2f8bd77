import {
  ChildContextError,
  CompletionConfig,
  Duration,
  ParallelError,
  StepSemantics,
  withDurableExecution,
  type BatchResult,
  type CompletionConfig as CompletionConfigType,
  type DurableContext,
} from '../../runtime';
import { InProcessDurableService } from '../../local/testing';
import { checkpointCalls, childId, deferred, eventTypes, invocationOutcomes, operation, reshapeCheckpointResponses, rootId, sleep, updatesOf } from './support';

type Workflow = (input: unknown, ctx: DurableContext) => Promise<unknown>;

describe('ctx.parallel', () => {
  let svc: InProcessDurableService;
  beforeEach(() => {
    svc = new InProcessDurableService();
  });
  afterEach(() => svc.close());

  const register = (name: string, workflow: Workflow) => svc.registerHandler(name, withDurableExecution(workflow, { client: svc.client }));

  const succeed = (value: string, delayMs = 0) => async (ctx: DurableContext) =>
    ctx.step(async () => {
      if (delayMs) await sleep(delayMs);
      return value;
    });
  const fail = (message: string) => async (): Promise<string> => {
    throw new Error(message);
  };

  describe('fresh runs', () => {
    it('runs every branch and returns results in index order even when branches finish out of order', async () => {
      const finished: number[] = [];
      register('basic', async (_input, ctx) => {
        const result = await ctx.parallel('fan-out', [
          async (c) => { const v = await succeed('slow', 40)(c); finished.push(0); return v; },
          async (c) => { const v = await succeed('medium', 15)(c); finished.push(1); return v; },
          async (c) => { const v = await succeed('fast')(c); finished.push(2); return v; },
        ]);
        return { results: result.getResults(), reason: result.completionReason, counts: [result.successCount, result.failureCount, result.startedCount, result.totalCount], status: result.status };
      });
      const run = await svc.run('basic');
      expect(run.status).toBe('SUCCEEDED');
      expect(finished).toEqual([2, 1, 0]);
      expect(run.result).toEqual({ results: ['slow', 'medium', 'fast'], reason: 'ALL_COMPLETED', counts: [3, 0, 0, 3], status: 'SUCCEEDED' });
    });

    it('derives branch ids from the parallel id and index, identically across replays, and names unnamed branches by index', async () => {
      const idsSeen: string[][] = [];
      register('ids', async (_input, ctx) => {
        await ctx.step('first', async () => 1);
        const result = await ctx.parallel([
          async (c) => c.step('in-0', async () => 'a'),
          { name: 'named', func: async (c) => c.step('in-1', async () => 'b') },
          async (c) => {
            await c.wait(Duration.seconds(1));
            return c.step('in-2', async () => 'c');
          },
        ]);
        idsSeen.push(result.all.map((item) => `${item.index}:${item.name}`));
        return result.getResults();
      });
      const run = await svc.run('ids');
      expect(run.status).toBe('SUCCEEDED');
      expect(run.result).toEqual(['a', 'b', 'c']);
      expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:SUCCEEDED']);
      const parallel = rootId(2);
      expect(operation(run, parallel)).toMatchObject({ Type: 'CONTEXT', SubType: 'Parallel' });
      expect(operation(run, parallel).Name).toBeUndefined();
      const names = ['0', 'named', '2'];
      names.forEach((name, index) => {
        const branch = childId(parallel, index + 1);
        expect(operation(run, branch)).toMatchObject({ Type: 'CONTEXT', SubType: 'ParallelBranch', Name: name, ParentId: parallel });
        expect(operation(run, childId(branch, 1))).toMatchObject({ ParentId: branch });
      });
      // The ids the second invocation used are the ones the first one recorded: nothing new was started.
      const secondStarts = checkpointCalls(run.invocations[1].dataPlaneCalls).flatMap(updatesOf).filter((u) => u.Action === 'START');
      expect(secondStarts.map((u) => u.Id)).toEqual([childId(childId(parallel, 3), 2)]);
      expect(idsSeen).toEqual([['0:0', '1:named', '2:2']]);
    });

    it('carries branch names to the checkpoints and the items', async () => {
      register('named', async (_input, ctx) => {
        const result = await ctx.parallel('named', [
          { name: 'first', func: async () => 'one' },
          { name: 'second', func: async () => 'two' },
          async () => 'three',
        ]);
        return result.all.map((item) => ({ index: item.index, name: item.name, status: item.status, result: item.result }));
      });
      const run = await svc.run('named');
      expect(run.result).toEqual([
        { index: 0, name: 'first', status: 'SUCCEEDED', result: 'one' },
        { index: 1, name: 'second', status: 'SUCCEEDED', result: 'two' },
        { index: 2, name: '2', status: 'SUCCEEDED', result: 'three' },
      ]);
      const branches = run.operations.filter((op) => op.SubType === 'ParallelBranch').map((op) => op.Name);
      expect(branches).toEqual(['first', 'second', '2']);
      expect(operation(run, rootId(1)).Name).toBe('named');
    });

    it('resolves an empty branch list at once with ALL_COMPLETED and no items or branch checkpoints', async () => {
      register('empty', async (_input, ctx) => {
        const result = await ctx.parallel('empty', []);
        return { reason: result.completionReason, total: result.totalCount, all: result.all, results: result.getResults() };
      });
      const run = await svc.run('empty');
      expect(run.result).toEqual({ reason: 'ALL_COMPLETED', total: 0, all: [], results: [] });
      expect(eventTypes(run, true)).toEqual(['ContextStarted', 'ContextSucceeded']);
    });

    it('batches the checkpoints of concurrent branches (50 branches of one step)', async () => {
      register('fifty', async (_input, ctx) => {
        const result = await ctx.parallel(Array.from({ length: 50 }, (_, i) => async (c: DurableContext) => c.step(async () => i)));
        return result.getResults().length;
      });
      const run = await svc.run('fifty');
      expect(run.result).toBe(50);
      const calls = checkpointCalls(run.invocations[0].dataPlaneCalls);
      // 50 × (branch START, step START, step SUCCEED, branch SUCCEED) + parent START/SUCCEED = 202 updates.
      expect(calls.flatMap(updatesOf)).toHaveLength(202);
      // Measured: 2 calls (all STARTs and step closes, then the branch closes with the parent close).
      expect(calls.length).toBeLessThanOrEqual(3);
    });
  });

  describe('completion policies', () => {
    const outcome = async (branches: Array<(ctx: DurableContext) => Promise<string>>, completionConfig?: CompletionConfigType, maxConcurrency?: number) => {
      register('policy', async (_input, ctx) => {
        try {
          const result = await ctx.parallel('policy', branches, { completionConfig, maxConcurrency });
          return { resolved: summary(result) };
        } catch (error) {
          if (!(error instanceof ParallelError)) throw error;
          return { rejected: summary(error.result as BatchResult<string>), message: error.message, reason: error.completionReason };
        }
      });
      const run = await svc.run('policy');
      expect(run.status).toBe('SUCCEEDED');
      return { result: run.result as Record<string, unknown>, run };
    };

    it('rejects with ParallelError carrying the full result on the first failure by default, and closes the parent with FAIL', async () => {
      const { result, run } = await outcome([async () => 'a', fail('boom'), async () => 'c']);
      expect(result.rejected).toEqual({
        reason: 'FAILURE_TOLERANCE_EXCEEDED',
        statuses: ['SUCCEEDED', 'FAILED', 'SUCCEEDED'],
        results: ['a', 'c'],
        errors: [['ChildContextError', 'Error', 'boom']],
        counts: [2, 1, 0, 3],
      });
      expect(result.message).toMatch(/parallel "policy" failed: 1 of 3 branches failed.*toleratedFailureCount 0.*boom/);
      const parent = operation(run, rootId(1));
      expect(parent.Status).toBe('FAILED');
      expect(parent.ContextDetails?.Error?.ErrorType).toBe('ParallelError');
      expect(JSON.parse(parent.ContextDetails?.Error?.ErrorData ?? '{}').CompletionReason).toBe('FAILURE_TOLERANCE_EXCEEDED');
    });

    it('allCompleted resolves despite failures', async () => {
      const { result } = await outcome([fail('x'), async () => 'b'], CompletionConfig.allCompleted());
      expect(result.resolved).toMatchObject({ reason: 'ALL_COMPLETED', statuses: ['FAILED', 'SUCCEEDED'], counts: [1, 1, 0, 2] });
    });

    it.each([
      ['below', 2, 'resolved'],
      ['at', 1, 'resolved'],
      ['above', 0, 'rejected'],
    ] as const)('one failure %s toleratedFailureCount (%d) → %s', async (_where, tolerated, expected) => {
      const { result } = await outcome([async () => 'a', fail('f'), async () => 'c'], { toleratedFailureCount: tolerated }, 1);
      expect(Object.keys(result)).toContain(expected);
      const batch = (result.resolved ?? result.rejected) as ReturnType<typeof summary>;
      expect(batch.reason).toBe(expected === 'resolved' ? 'ALL_COMPLETED' : 'FAILURE_TOLERANCE_EXCEEDED');
    });

    it.each([
      ['below', 0.5, 'resolved'],
      ['at', 0.25, 'resolved'],
      ['above', 0.2, 'rejected'],
    ] as const)('a failed ratio of 1/4 %s toleratedFailurePercentage (%d) → %s', async (_where, tolerated, expected) => {
      const { result } = await outcome([async () => 'a', fail('f'), async () => 'c', async () => 'd'], { toleratedFailurePercentage: tolerated }, 1);
      expect(Object.keys(result)).toContain(expected);
    });

    it('stops dispatching once the tolerance is exceeded: undispatched branches are not items', async () => {
      const { result } = await outcome([fail('a'), fail('b'), async () => 'c', async () => 'd'], { toleratedFailurePercentage: 0.25 }, 1);
      expect(result.rejected).toMatchObject({ reason: 'FAILURE_TOLERANCE_EXCEEDED', statuses: ['FAILED', 'FAILED'], counts: [0, 2, 0, 2] });
    });

    it('minSuccessful resolves at the threshold without dispatching the rest', async () => {
      const started: number[] = [];
      const branch = (i: number) => async () => {
        started.push(i);
        return `r${i}`;
      };
      const { result } = await outcome([branch(0), branch(1), branch(2), branch(3)], { minSuccessful: 2 }, 1);
      expect(result.resolved).toMatchObject({ reason: 'MIN_SUCCESSFUL_REACHED', statuses: ['SUCCEEDED', 'SUCCEEDED'], counts: [2, 0, 0, 2], results: ['r0', 'r1'] });
      expect(started).toEqual([0, 1]);
    });

    it('firstSuccessful aborts the branches in flight: they are STARTED, never FAILED, and a durable wait is released', async () => {
      const sawAbort: string[] = [];
      const stepStarted = deferred();
      register('first', async (_input, ctx) => {
        const result = await ctx.parallel(
          'race',
          [
            async (c, signal) => {
              signal.addEventListener('abort', () => sawAbort.push('waiter'));
              await c.wait('long', Duration.hours(1));
              return 'waited';
            },
            async (c) =>
              c.step('slow-step', async ({ signal }) => {
                stepStarted.resolve();
                await new Promise((resolve) => signal.addEventListener('abort', resolve));
                sawAbort.push('step');
                return 'slow';
              }),
            async (c) => {
              await stepStarted.promise;
              return c.step('quick', async () => 'winner');
            },
          ],
          { completionConfig: CompletionConfig.firstSuccessful() },
        );
        return summary(result);
      });
      const run = await svc.run('first');
      expect(run.status).toBe('SUCCEEDED');
      expect(invocationOutcomes(run)).toEqual(['returned:SUCCEEDED']);
      expect(run.result).toMatchObject({ reason: 'MIN_SUCCESSFUL_REACHED', statuses: ['STARTED', 'STARTED', 'SUCCEEDED'], counts: [1, 0, 2, 3], results: ['winner'] });
      expect(sawAbort.sort()).toEqual(['step', 'waiter']);
      const parallel = rootId(1);
      expect(operation(run, childId(parallel, 1)).Status).toBe('STARTED');
      expect(operation(run, childId(parallel, 2)).Status).toBe('STARTED');
      // The aborted step's function finished later, but nothing more was checkpointed for it.
      await sleep(20);
      expect(operation(run, childId(childId(parallel, 2), 1)).Status).toBe('STARTED');
      expect(run.history.filter((e) => e.EventType === 'StepSucceeded' && e.Name === 'slow-step')).toHaveLength(0);
    });

    it('runs no step function in a branch aborted while its AT_MOST_ONCE START was being recorded', async () => {
      const startSent = deferred();
      const release = deferred();
      // Hold the response to the request carrying the START until the batch has been decided.
      const client = reshapeCheckpointResponses(svc.client, async (output, _index, request) => {
        if (request.Updates?.some((u) => u.Name === 'charge' && u.Action === 'START')) {
          startSent.resolve();
          await release.promise;
        }
        return output;
      });
      const ran: string[] = [];
      svc.registerHandler(
        'abort-during-start',
        withDurableExecution(
          async (_input, ctx) => {
            const result = await ctx.parallel(
              [
                async (): Promise<string> => {
                  await startSent.promise;
                  setTimeout(() => release.resolve(), 20);
                  throw new Error('decides the batch');
                },
                async (c) =>
                  c.step(
                    'charge',
                    async () => {
                      ran.push('charge');
                      return 'charged';
                    },
                    { semantics: StepSemantics.AtMostOncePerRetry },
                  ),
              ],
              { nesting: 'FLAT' },
            ).catch((error: ParallelError) => error.result);
            return summary(result);
          },
          { client },
        ),
      );
      const run = await svc.run('abort-during-start');
      expect(run.status).toBe('SUCCEEDED');
      expect(run.result).toMatchObject({ reason: 'FAILURE_TOLERANCE_EXCEEDED', statuses: ['FAILED', 'STARTED'] });
      await sleep(20);
      expect(ran).toEqual([]);
      expect(run.operations.find((op) => op.Name === 'charge')?.Status).toBe('STARTED');
    });

    it('firstSuccessful where every branch fails resolves with ALL_COMPLETED and throwIfError throws the first error', async () => {
      register('all-fail', async (_input, ctx) => {
        const result = await ctx.parallel([fail('one'), fail('two')], { completionConfig: CompletionConfig.firstSuccessful() });
        const errors = result.getErrors().map((e) => e.message);
        try {
          result.throwIfError();
        } catch (error) {
          return { reason: result.completionReason, hasFailure: result.hasFailure, errors, thrown: (error as Error).message, isChildError: error instanceof ChildContextError };
        }
        return 'not thrown';
      });
      const run = await svc.run('all-fail');
      expect(run.result).toEqual({ reason: 'ALL_COMPLETED', hasFailure: true, errors: ['one', 'two'], thrown: 'one', isChildError: true });
    });
  });

  describe('concurrency', () => {
    it('never exceeds maxConcurrency, also when branches suspend on waits across invocations', async () => {
      const inFlight = new Map<string, number>();
      const peaks = new Map<string, number>();
      register('limited', async (_input, ctx) => {
        const request = ctx.lambdaContext?.awsRequestId ?? '';
        const branch = (i: number) => async (c: DurableContext) => {
          inFlight.set(request, (inFlight.get(request) ?? 0) + 1);
          peaks.set(request, Math.max(peaks.get(request) ?? 0, inFlight.get(request) ?? 0));
          try {
            await c.step(async () => i);
            await c.wait(Duration.seconds(1 + (i % 3)));
            return c.step(async () => i * 10);
          } finally {
            inFlight.set(request, (inFlight.get(request) ?? 0) - 1);
          }
        };
        const result = await ctx.parallel(Array.from({ length: 7 }, (_, i) => branch(i)), { maxConcurrency: 2 });
        return result.getResults();
      });
      const run = await svc.run('limited');
      expect(run.status).toBe('SUCCEEDED');
      expect(run.result).toEqual([0, 10, 20, 30, 40, 50, 60]);
      expect(run.invocations.length).toBeGreaterThan(2);
      expect(Math.max(...peaks.values())).toBe(2);
    });
  });

  describe('replay', () => {
    it('rebuilds a SUCCEEDED parallel from its summary without running any branch code', async () => {
      let branchRuns = 0;
      const seen: unknown[] = [];
      register('replay-succeeded', async (_input, ctx) => {
        const result = await ctx.parallel<unknown>('p', [
          { name: 'a', func: async (c) => { branchRuns += 1; return c.step(async () => ({ at: new Date(0) })); } },
          { name: 'b', func: async () => { branchRuns += 1; return { at: 'b' }; } },
        ]);
        seen.push(result.toJSON());
        await ctx.wait(Duration.seconds(1));
        return result.getResults();
      });
      const run = await svc.run('replay-succeeded');
      expect(run.status).toBe('SUCCEEDED');
      expect(branchRuns).toBe(2);
      expect(seen).toHaveLength(2);
      expect(seen[1]).toEqual(seen[0]);
      expect(run.result).toEqual([{ at: '1970-01-01T00:00:00.000Z' }, { at: 'b' }]);
      // The completed branches were not in the second invocation's state.
      expect(run.invocations[1].dataPlaneCalls.every((c) => c.command !== 'GetDurableExecutionState')).toBe(true);
    });

    it('rejects again with an equal ParallelError when replaying a FAILED parallel', async () => {
      let branchRuns = 0;
      const errors: ParallelError[] = [];
      register('replay-failed', async (_input, ctx) => {
        try {
          await ctx.parallel('p', [
            async () => { branchRuns += 1; return 'ok'; },
            async () => { branchRuns += 1; throw new TypeError('bad'); },
          ]);
        } catch (error) {
          errors.push(error as ParallelError);
        }
        await ctx.wait(Duration.seconds(1));
        return 'done';
      });
      const run = await svc.run('replay-failed');
      expect(run.status).toBe('SUCCEEDED');
      expect(branchRuns).toBe(2);
      expect(errors).toHaveLength(2);
      expect(errors[1]).toBeInstanceOf(ParallelError);
      expect(errors[1].message).toBe(errors[0].message);
      expect(errors[1].result.toJSON()).toEqual(errors[0].result.toJSON());
      expect(errors[1].result.failed[0].error?.errorType).toBe('TypeError');
    });

    it('finishes only the unfinished branches when replaying a STARTED parallel', async () => {
      const runs = [0, 0, 0];
      register('replay-started', async (_input, ctx) => {
        const result = await ctx.parallel([
          async (c) => { runs[0] += 1; return c.step(async () => 'a'); },
          async (c) => {
            runs[1] += 1;
            await c.wait(Duration.seconds(5));
            return c.step(async () => 'b');
          },
          async (c) => { runs[2] += 1; return c.step(async () => 'c'); },
        ]);
        return result.getResults();
      });
      const run = await svc.run('replay-started');
      expect(run.result).toEqual(['a', 'b', 'c']);
      expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:SUCCEEDED']);
      expect(runs).toEqual([1, 2, 1]);
    });

    it('detects a drifted branch name at the same index as non-determinism after the branches are no longer returned', async () => {
      let names = ['a', 'b'];
      register('drift', async (_input, ctx) => {
        const result = await ctx.parallel('p', names.map((name) => ({ name, func: async () => name })));
        await ctx.wait(Duration.seconds(1));
        return result.getResults();
      });
      const run = await svc.run('drift', undefined, { betweenInvocations: () => void (names = ['a', 'c']) });
      expect(run.status).toBe('FAILED');
      expect(run.error?.ErrorType).toBe('NonDeterministicError');
      expect(run.error?.ErrorMessage).toMatch(/branch #1 \("c"\).*BranchName "b".*"c"/);
      expect(run.invocations).toHaveLength(2);
    });

    it('detects a drifted branch name also when the whole result is stored with a custom serdes', async () => {
      let names = ['a', 'b'];
      const serdes = {
        serialize: (result: BatchResult<string>) => JSON.stringify({ completionReason: result.completionReason, all: result.all }),
        deserialize: (data: string | undefined) => JSON.parse(data ?? '{}') as BatchResult<string>,
      };
      register('drift-serdes', async (_input, ctx) => {
        const result = await ctx.parallel('p', names.map((name) => ({ name, func: async () => name })), { serdes });
        await ctx.wait(Duration.seconds(1));
        return result.getResults();
      });
      const run = await svc.run('drift-serdes', undefined, { betweenInvocations: () => void (names = ['a', 'c']) });
      expect(run.status).toBe('FAILED');
      expect(run.error?.ErrorType).toBe('NonDeterministicError');
      expect(run.error?.ErrorMessage).toMatch(/branch #1 \("c"\).*BranchName "b".*"c"/);
    });

    it('after a crash, finishes the remaining branches and runs no finished branch twice', async () => {
      const runs = [0, 0, 0];
      const twoDone = deferred();
      const workflow = withDurableExecution(
        async (_input, ctx) => {
          const result = await ctx.parallel([
            async (c) => { runs[0] += 1; return c.step(async () => 'a'); },
            async (c) => { runs[1] += 1; return c.step(async () => 'b'); },
            async (c) => {
              runs[2] += 1;
              return c.step(async () => {
                if (runs[2] === 1) {
                  twoDone.resolve();
                  return new Promise<string>(() => undefined);
                }
                return 'c';
              });
            },
          ]);
          return result.getResults();
        },
        { client: svc.client },
      );
      let invocation = 0;
      svc.registerHandler('crash', async (event, context) => {
        invocation += 1;
        if (invocation > 1) return workflow(event, context);
        void workflow(event, context);
        await twoDone.promise;
        const branchesClosed = () =>
          svc.calls
            .flatMap((c) => (c.applied ? ((c.input.Updates as Array<{ Id: string; Type: string; Action: string }>) ?? []) : []))
            .filter((u) => u.Type === 'CONTEXT' && u.Action === 'SUCCEED' && u.Id !== rootId(1)).length;
        while (branchesClosed() < 2) await sleep(5);
        throw new Error('the function crashed');
      });
      const run = await svc.run('crash');
      expect(run.status).toBe('SUCCEEDED');
      expect(run.result).toEqual(['a', 'b', 'c']);
      expect(invocationOutcomes(run)).toEqual(['error', 'returned:SUCCEEDED']);
      expect(runs).toEqual([1, 1, 2]);
    });

    it('closes with a compact summary and ReplayChildren when the summary exceeds 256 KB, and rebuilds from the branches', async () => {
      let branchRuns = 0;
      const lengths: number[][] = [];
      register('compact', async (_input, ctx) => {
        const result = await ctx.parallel(
          Array.from({ length: 10 }, (_, i) => async () => {
            branchRuns += 1;
            return String(i).repeat(30_000);
          }),
        );
        lengths.push(result.getResults().map((r) => r.length));
        await ctx.wait(Duration.seconds(1));
        return result.getResults().map((r) => r[0]).join('');
      });
      const run = await svc.run('compact');
      expect(run.status).toBe('SUCCEEDED');
      expect(run.result).toBe('0123456789');
      expect(branchRuns).toBe(10);
      expect(lengths).toEqual([Array(10).fill(30_000), Array(10).fill(30_000)]);
      const parent = operation(run, rootId(1));
      expect(parent.ContextDetails?.ReplayChildren).toBe(true);
      expect(JSON.parse(parent.ContextDetails?.Result ?? '{}')).toMatchObject({ type: 'ParallelResult', totalCount: 10, successCount: 10, statuses: 'SSSSSSSSSS' });
    });

    it('FLAT: rebuilds a compact summary by replaying the branch code over its recorded operations', async () => {
      let branchRuns = 0;
      let stepRuns = 0;
      register('compact-flat', async (_input, ctx) => {
        const result = await ctx.parallel(
          Array.from({ length: 10 }, (_, i) => async (c: DurableContext) => {
            branchRuns += 1;
            return c.step(async () => {
              stepRuns += 1;
              return String(i).repeat(30_000);
            });
          }),
          { nesting: 'FLAT' },
        );
        await ctx.wait(Duration.seconds(1));
        return result.getResults().map((r) => `${r[0]}:${r.length}`);
      });
      const run = await svc.run('compact-flat');
      expect(run.status).toBe('SUCCEEDED');
      expect(run.result).toEqual(Array.from({ length: 10 }, (_, i) => `${i}:30000`));
      expect(stepRuns).toBe(10);
      expect(branchRuns).toBe(20);
      expect(operation(run, rootId(1)).ContextDetails?.ReplayChildren).toBe(true);
    });

    it('closes a failed batch whose summary would not fit in an error with a compact summary, and replays it', async () => {
      const seen: unknown[] = [];
      register('compact-fail', async (_input, ctx) => {
        try {
          await ctx.parallel(
            Array.from({ length: 5 }, (_, i) => async (): Promise<string> => {
              throw new Error(`${i}`.repeat(10_000));
            }),
            { completionConfig: { toleratedFailureCount: 3 } },
          );
        } catch (error) {
          const result = (error as ParallelError).result;
          seen.push({ reason: result.completionReason, failed: result.failureCount, lengths: result.getErrors().map((e) => e.message.length) });
        }
        await ctx.wait(Duration.seconds(1));
        return 'done';
      });
      const run = await svc.run('compact-fail');
      expect(run.status).toBe('SUCCEEDED');
      expect(seen).toHaveLength(2);
      expect(seen[1]).toEqual(seen[0]);
      expect(seen[0]).toEqual({ reason: 'FAILURE_TOLERANCE_EXCEEDED', failed: 5, lengths: [10_000, 10_000, 10_000, 10_000, 10_000] });
      const parent = operation(run, rootId(1));
      expect(parent.Status).toBe('FAILED');
      expect(parent.ContextDetails?.ReplayChildren).toBe(true);
      expect(JSON.parse(parent.ContextDetails?.Error?.ErrorData ?? '{}')).toMatchObject({ statuses: 'FFFFF', failureCount: 5 });
    });
  });

  describe('FLAT nesting', () => {
    const flatWorkflow = (nesting: 'NESTED' | 'FLAT', runs: number[]) => async (_input: unknown, ctx: DurableContext) => {
      const result = await ctx.parallel(
        'flat',
        [
          async (c) => { runs.push(0); return c.step('s0', async () => 'a'); },
          async (c) => {
            runs.push(1);
            await c.wait(Duration.seconds(1));
            return c.step('s1', async () => 'b');
          },
          async () => { runs.push(2); throw new Error('branch 2 fails'); },
        ],
        { nesting, completionConfig: CompletionConfig.allCompleted() },
      );
      await ctx.wait(Duration.seconds(1));
      return { statuses: result.all.map((item) => item.status), results: result.getResults(), errors: result.getErrors().map((e) => [e.errorType, e.message]) };
    };

    it('writes no branch CONTEXT, parents inner operations to the parallel and gives the same results', async () => {
      const nestedRuns: number[] = [];
      const flatRuns: number[] = [];
      register('nested', flatWorkflow('NESTED', nestedRuns));
      register('flat', flatWorkflow('FLAT', flatRuns));
      const nested = await svc.run('nested');
      const flat = await svc.run('flat');
      expect(flat.status).toBe('SUCCEEDED');
      expect(flat.result).toEqual(nested.result);
      expect(flat.result).toEqual({ statuses: ['SUCCEEDED', 'SUCCEEDED', 'FAILED'], results: ['a', 'b'], errors: [['Error', 'branch 2 fails']] });
      expect(flat.operations.filter((op) => op.SubType === 'ParallelBranch')).toHaveLength(0);
      const parallel = rootId(1);
      expect(operation(flat, childId(childId(parallel, 1), 1))).toMatchObject({ Name: 's0', ParentId: parallel });
      expect(operation(flat, childId(childId(parallel, 2), 1))).toMatchObject({ Type: 'WAIT', ParentId: parallel });
      expect(operation(flat, childId(childId(parallel, 2), 2))).toMatchObject({ Name: 's1', ParentId: parallel });
      const summary = JSON.parse(operation(flat, parallel).ContextDetails?.Result ?? '{}');
      expect(summary.Branches.map((b: { Status: string }) => b.Status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'FAILED']);
      expect(flat.operations.length).toBeLessThan(nested.operations.length);
      // FLAT branches replay their code on the STARTED parent; completed parents are not re-run.
      expect(nestedRuns).toEqual([0, 1, 2, 1]);
      expect(flatRuns).toEqual([0, 1, 2, 0, 1, 2]);
    });
  });

  describe('composition', () => {
    it('runs a nested parallel inside a branch, and a parallel inside a child context', async () => {
      register('nested-parallel', async (_input, ctx) => {
        const outer = await ctx.parallel('outer', [
          async (c) => (await c.parallel('inner', [async (cc) => cc.step(async () => 'i1'), async () => 'i2'], { maxConcurrency: 1 })).getResults(),
        ]);
        const inChild = await ctx.runInChildContext('child', async (c) => (await c.parallel([async () => 'x'])).getResults());
        return { outer: outer.getResults(), inChild };
      });
      const run = await svc.run('nested-parallel');
      expect(run.result).toEqual({ outer: [['i1', 'i2']], inChild: ['x'] });
      const outerId = rootId(1);
      const branchA = childId(outerId, 1);
      const inner = childId(branchA, 1);
      expect(operation(run, inner)).toMatchObject({ SubType: 'Parallel', Name: 'inner', ParentId: branchA });
      expect(operation(run, childId(inner, 1))).toMatchObject({ SubType: 'ParallelBranch', ParentId: inner });
      expect(operation(run, childId(childId(inner, 1), 1))).toMatchObject({ Type: 'STEP', ParentId: childId(inner, 1) });
      const child = rootId(2);
      expect(operation(run, childId(child, 1))).toMatchObject({ SubType: 'Parallel', ParentId: child });
      expect(operation(run, childId(childId(child, 1), 1))).toMatchObject({ SubType: 'ParallelBranch', ParentId: childId(child, 1) });
    });

    it('stores branch results with itemSerdes and the whole result with serdes', async () => {
      register('serdes', async (_input, ctx) => {
        const result = await ctx.parallel([async () => 'x', async () => 'y'], {
          itemSerdes: { serialize: (v: string) => JSON.stringify({ wrapped: v }), deserialize: (d) => (JSON.parse(d ?? '{}') as { wrapped: string }).wrapped },
        });
        return result.getResults();
      });
      const run = await svc.run('serdes');
      expect(run.result).toEqual(['x', 'y']);
      expect(operation(run, childId(rootId(1), 1)).ContextDetails?.Result).toBe('{"wrapped":"x"}');
    });
  });
});

function summary<T>(result: BatchResult<T>) {
  return {
    reason: result.completionReason,
    statuses: result.all.map((item) => item.status),
    results: result.getResults(),
    errors: result.getErrors().map((error) => [error.name, error.errorType, error.message]),
    counts: [result.successCount, result.failureCount, result.startedCount, result.totalCount],
  };
}
