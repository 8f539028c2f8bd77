/**
 * How many CheckpointDurableExecution calls batches and child contexts need, and what may not be
 * given up for fewer calls: order, the concurrency limit, suspension and failing on a failed call.
 */
import type { OperationUpdate } from '@aws-sdk/client-lambda';
import { CheckpointError, CompletionConfig, Duration, StepSemantics, withDurableExecution, type BranchFunction, type DurableContext } from '../../runtime';
import { InProcessDurableService, type FaultPlan } from '../../local/testing';
import { checkpointCalls, childId, invocationOutcomes, operation, reshapeCheckpointResponses, rootId, sleep, updatesOf, withIdentities } from './support';

type Workflow = (input: never, ctx: DurableContext) => Promise<unknown>;

const valueOf = (i: number) => (i * 7919) % 1000;
const range = (n: number) => Array.from({ length: n }, (_, i) => valueOf(i));

/** Branches of one named step each, as the benchmark's parallel workload writes them. */
const oneStepBranches = (n: number): Array<BranchFunction<number>> =>
  Array.from({ length: n }, (_, i) => (branch: DurableContext) => branch.step(`b${i}`, async () => valueOf(i)));

/**
 * Checks the order a replay relies on, over every update of a one-level batch in the order sent:
 * the parent's START first and its close last, each branch's START before anything inside it and
 * its close after everything inside it; and returns the most branches open at once.
 */
function checkBatchOrder(sent: readonly OperationUpdate[], parentId: string): number {
  const updates = withIdentities(sent);
  expect(updates[0]).toMatchObject({ Id: parentId, Action: 'START' });
  expect(updates.at(-1)).toMatchObject({ Id: parentId, Action: 'SUCCEED' });
  const open = new Set<string>();
  const closed = new Set<string>();
  let mostOpen = 0;
  for (const update of updates.slice(1, -1)) {
    const id = update.Id as string;
    if (update.ParentId === parentId) {
      if (update.Action === 'START') {
        expect(open.has(id) || closed.has(id)).toBe(false);
        open.add(id);
        mostOpen = Math.max(mostOpen, open.size);
      } else {
        expect(open.has(id)).toBe(true);
        open.delete(id);
        closed.add(id);
      }
    } else {
      // An operation inside a branch: only while that branch is open.
      expect(open.has(update.ParentId as string)).toBe(true);
    }
  }
  expect(open.size).toBe(0);
  return mostOpen;
}

describe('checkpoint calls of batches and child contexts', () => {
  let svc: InProcessDurableService;
  afterEach(() => svc.close());

  const register = (name: string, workflow: Workflow, faults?: FaultPlan) => {
    svc = new InProcessDurableService({ faults });
    svc.registerHandler(name, withDurableExecution(workflow, { client: svc.client }));
  };

  it('runs a parallel of 100 one-step branches in at most 3 calls', async () => {
    register('parallel-100', async (_input, ctx) => (await ctx.parallel('fan-out', oneStepBranches(100))).getResults());
    const run = await svc.run('parallel-100');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual(range(100));
    const calls = checkpointCalls(run.invocations[0].dataPlaneCalls);
    // 100 × (branch START, step START, step SUCCEED, branch SUCCEED) + the parent's START and SUCCEED.
    expect(calls.flatMap(updatesOf)).toHaveLength(402);
    expect(calls.length).toBeLessThanOrEqual(3);
    checkBatchOrder(calls.flatMap(updatesOf), rootId(1));
  });

  it('runs a parallel of 1,000 one-step branches with maxConcurrency 50 in about 21 calls, never more than 50 open', async () => {
    register('parallel-1000', async (_input, ctx) => (await ctx.parallel('fan-out', oneStepBranches(1000), { maxConcurrency: 50 })).getResults());
    const run = await svc.run('parallel-1000');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual(range(1000));
    const calls = checkpointCalls(run.invocations[0].dataPlaneCalls);
    expect(calls.flatMap(updatesOf)).toHaveLength(4002);
    // 20 rounds of 50 branches, each round's closes sharing a call with the next round's starts, then the last closes.
    expect(calls.length).toBeLessThanOrEqual(23);
    expect(checkBatchOrder(calls.flatMap(updatesOf), rootId(1))).toBeLessThanOrEqual(50);
  });

  it('runs a map over 1,000 one-step items in at most 17 calls, the fewest 4,002 updates fit in', async () => {
    register('map-1000', async (_input, ctx) => {
      const items = Array.from({ length: 1000 }, (_, i) => i);
      return (await ctx.map('each', items, (item, _value, i) => item.step(`m${i}`, async () => valueOf(i)))).getResults();
    });
    const run = await svc.run('map-1000');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual(range(1000));
    const calls = checkpointCalls(run.invocations[0].dataPlaneCalls);
    expect(calls.flatMap(updatesOf)).toHaveLength(4002);
    expect(calls.length).toBeLessThanOrEqual(17);
    checkBatchOrder(calls.flatMap(updatesOf), rootId(1));
  });

  it('sends a child context close in the same call as the operations that follow it', async () => {
    register('child-then-step', async (_input, ctx) => {
      const inner = await ctx.runInChildContext('child', async () => 'x');
      return ctx.step('after', async () => `${inner}y`);
    });
    const run = await svc.run('child-then-step');
    expect(run.result).toBe('xy');
    const calls = checkpointCalls(run.invocations[0].dataPlaneCalls);
    expect(calls.length).toBeLessThanOrEqual(1);
    expect(withIdentities(calls.flatMap(updatesOf)).map((u) => `${u.Name}:${u.Action}`)).toEqual(['child:START', 'child:SUCCEED', 'after:START', 'after:SUCCEED']);
  });

  it('fails the execution when the call carrying branch closes is refused with a 4xx', async () => {
    const refused: FaultPlan = [
      {
        operation: 'CheckpointDurableExecution',
        fault: 'invalid-token',
        message: 'Invalid update for a branch context.',
        // A branch close: a CONTEXT SUCCEED other than the parallel's own (branch closes carry no SubType).
        when: (call) => (call.input as { Updates?: OperationUpdate[] }).Updates?.some((u) => u.Type === 'CONTEXT' && u.Action === 'SUCCEED' && u.Id !== rootId(1)) ?? false,
      },
    ];
    register('refused-close', async (_input, ctx) => (await ctx.parallel('fan-out', oneStepBranches(3))).getResults(), refused);
    const run = await svc.run('refused-close');
    expect(run.status).toBe('FAILED');
    expect(invocationOutcomes(run)).toEqual(['returned:FAILED']);
    expect(run.error?.ErrorType).toBe('CheckpointError');
    expect(run.error?.ErrorMessage).toMatch(/Invalid update for a branch context/);
    expect(run.operations.filter((op) => op.SubType === 'ParallelBranch').map((op) => op.Status)).toEqual(['STARTED', 'STARTED', 'STARTED']);
  });

  it('throws when the call carrying a child context close keeps failing, and runs no AT_MOST_ONCE step queued behind it', async () => {
    const charged: number[] = [];
    const throttled: FaultPlan = [
      {
        operation: 'CheckpointDurableExecution',
        fault: 'throttle',
        times: 3,
        when: (call) => (call.input as { Updates?: OperationUpdate[] }).Updates?.some((u) => u.Id === rootId(1) && u.Action === 'SUCCEED') ?? false,
      },
    ];
    svc = new InProcessDurableService({ faults: throttled });
    const thrown: unknown[] = [];
    const handler = withDurableExecution(
      async (_input, ctx) => {
        const inner = await ctx.runInChildContext('child', async () => 'x');
        await ctx.step('charge', async () => charged.push(1), { semantics: StepSemantics.AtMostOncePerRetry });
        return inner;
      },
      { client: svc.client },
    );
    svc.registerHandler('throttled-close', async (event, context) => {
      try {
        return await handler(event, context);
      } catch (error) {
        thrown.push(error);
        throw error;
      }
    });
    const run = await svc.run('throttled-close');
    expect(run.status).toBe('SUCCEEDED');
    expect(invocationOutcomes(run)).toEqual(['error', 'returned:SUCCEEDED']);
    expect(thrown).toHaveLength(1);
    expect(thrown[0]).toBeInstanceOf(CheckpointError);
    expect((thrown[0] as CheckpointError).kind).toBe('retryable');
    // The step's START travels behind the close, so its function ran only in the second invocation.
    expect(charged).toEqual([1]);
  });

  it('does not suspend while a branch close is still unacknowledged, though its sibling waits on the service', async () => {
    svc = new InProcessDurableService();
    let acknowledged = false;
    const ackedAtReturn: boolean[] = [];
    const client = reshapeCheckpointResponses(svc.client, async (output, _index, request) => {
      if (request.Updates?.some((u) => u.Id === childId(rootId(1), 2) && u.Action === 'SUCCEED')) {
        await sleep(30);
        acknowledged = true;
      }
      return output;
    });
    const ran: string[] = [];
    const handler = withDurableExecution(
      async (_input, ctx) => {
        const result = await ctx.parallel([
          { name: 'waiter', func: async (c) => c.wait('pause', Duration.seconds(5)).then(() => 'waited') },
          {
            name: 'quick',
            func: async (c) => {
              ran.push('quick');
              return c.step('work', async () => 'done');
            },
          },
        ]);
        return result.getResults();
      },
      { client },
    );
    svc.registerHandler('suspend-after-ack', async (event, context) => {
      const output = await handler(event, context);
      ackedAtReturn.push(acknowledged);
      return output;
    });
    const run = await svc.run('suspend-after-ack');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual(['waited', 'done']);
    expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:SUCCEEDED']);
    expect(ackedAtReturn[0]).toBe(true);
    expect(ran).toEqual(['quick']);
    expect(operation(run, childId(rootId(1), 2)).Status).toBe('SUCCEEDED');
  });

  it('keeps the real status of every sibling whose close is queued in the tick the batch is decided in', async () => {
    // Branch 0 decides the batch; the others finish a few promise turns later, still in the same tick.
    const laterInTheTick = (i: number) => async () => {
      for (let turn = 0; turn < 10 * i; turn += 1) await Promise.resolve();
      return `r${i}`;
    };
    register('first-of-many', async (_input, ctx) => {
      const result = await ctx.parallel(
        Array.from({ length: 5 }, (_, i) => laterInTheTick(i)),
        { completionConfig: CompletionConfig.firstSuccessful() },
      );
      return { statuses: result.all.map((item) => item.status), results: result.getResults() };
    });
    const run = await svc.run('first-of-many');
    expect(run.result).toEqual({ statuses: Array(5).fill('SUCCEEDED'), results: ['r0', 'r1', 'r2', 'r3', 'r4'] });
    expect(run.operations.filter((op) => op.SubType === 'ParallelBranch').map((op) => op.Status)).toEqual(Array(5).fill('SUCCEEDED'));
  });
});
