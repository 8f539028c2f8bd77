/**
 * The replay-only invocation's trace (what the replay gate reads to find recorded operations the
 * new code never reaches). A workflow runs across several invocations as usual, with no trace in
 * any output; a replay-only invocation over its recorded operations then reports exactly the
 * operations it asked for, and the finished context and batch it answered from their records.
 */
import { Duration, withDurableExecution, type DurableContext } from '../../runtime';
import { InProcessDurableService } from '../../local/testing';
import { recordedState } from '../../local/replay/recorded-state';
import { childId, invocationOutcomes, rootId } from './support';

const TRACE_KEY = 'CdkDurableFunctionReplayTrace';

describe('the replay-only trace', () => {
  let svc: InProcessDurableService;
  beforeEach(() => {
    svc = new InProcessDurableService();
  });
  afterEach(() => svc.close());

  const workflow = async (_input: unknown, ctx: DurableContext) => {
    const a = await ctx.step('a', async () => 1);
    await ctx.wait('pause', Duration.seconds(5));
    const label = await ctx.runInChildContext('ship', async (child) => child.step('label', async () => 'L'));
    const fan = await ctx.parallel('fan', [
      { name: 'x', func: async (b) => b.step('x-work', async () => 2) },
      { name: 'y', func: async (b) => b.step('y-work', async () => 3) },
    ]);
    return { a, label, sum: fan.getResults().reduce((s, n) => s + n, 0) };
  };

  it('is absent from every ordinary invocation, which replays as before across invocations', async () => {
    svc.registerHandler('traced', withDurableExecution(workflow, { client: svc.client }));
    const run = await svc.run('traced');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual({ a: 1, label: 'L', sum: 5 });
    expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:SUCCEEDED']);
    for (const invocation of run.invocations) {
      expect(invocation.outcome.kind === 'returned' && Object.keys(invocation.outcome.output as object)).not.toContain(TRACE_KEY);
    }
    const started = run.history.filter((e) => e.EventType !== 'ExecutionStarted' && e.EventType?.endsWith('Started')).map((e) => e.Name);
    expect(started.sort()).toEqual(['a', 'fan', 'label', 'pause', 'ship', 'x', 'x-work', 'y', 'y-work']);
  });

  it('lists the recorded operations the code asked for, and the finished context and batch it answered without running them', async () => {
    svc.registerHandler('traced', withDurableExecution(workflow, { client: svc.client }));
    const run = await svc.run('traced');
    const { operations } = recordedState(run.history);
    const handler = withDurableExecution(workflow, { client: svc.client });
    const output = (await handler({
      DurableExecutionArn: run.executionArn,
      CheckpointToken: 'replay-only',
      InitialExecutionState: { Operations: operations },
      CdkDurableFunctionReplayOnly: true,
    })) as unknown as Record<string, unknown>;
    expect(output.Status).toBe('SUCCEEDED');
    const trace = output[TRACE_KEY] as { visited: string[]; answered: string[]; invokeTargets: Record<string, string> };
    // Root operations 1-4; nothing inside "ship" (id 3) or "fan" (id 4): both replay their stored outcome.
    expect(new Set(trace.visited)).toEqual(new Set([rootId(1), rootId(2), rootId(3), rootId(4)]));
    expect(new Set(trace.answered)).toEqual(new Set([rootId(3), rootId(4)]));
    expect(trace.invokeTargets).toEqual({});
    // The operations it did not reach are exactly those under them.
    const unreached = operations.filter((op) => op.Type !== 'EXECUTION' && !trace.visited.includes(op.Id as string));
    expect(new Set(unreached.map((op) => op.Id))).toEqual(
      new Set([childId(rootId(3), 1), childId(rootId(4), 1), childId(rootId(4), 2), childId(childId(rootId(4), 1), 1), childId(childId(rootId(4), 2), 1)]),
    );
  });
});
