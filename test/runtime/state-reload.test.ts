import { Duration, withDurableExecution } from '../../runtime';
import { InProcessDurableService } from '../../local/testing';
import { checkpointCalls, invocationOutcomes, reshapeCheckpointResponses, rootId } from './support';

describe('paginated checkpoint responses (protocol.md §3.1 NewExecutionState.NextMarker)', () => {
  let svc: InProcessDurableService;
  beforeEach(() => {
    svc = new InProcessDurableService();
  });
  afterEach(() => svc.close());

  it('reloads the whole state with GetDurableExecutionState and the new token, starting from the first page', async () => {
    // The service pages a large NewExecutionState: the first page here is empty and NextMarker is
    // a checkpoint-response marker, which GetDurableExecutionState does not know.
    const client = reshapeCheckpointResponses(svc.client, (output) => {
      const operations = output.NewExecutionState?.Operations ?? [];
      if (operations.length === 0) return output;
      return { ...output, NewExecutionState: { Operations: [], NextMarker: 'checkpoint-response-page-2' } };
    });
    const ran: string[] = [];
    svc.registerHandler(
      'paged-responses',
      withDurableExecution(
        async (_input, ctx) => {
          const a = await ctx.step('a', async () => {
            ran.push('a');
            return 'A';
          });
          await ctx.wait('pause', Duration.seconds(2));
          const b = await ctx.step('b', async () => {
            ran.push('b');
            return 'B';
          });
          return a + b;
        },
        { client },
      ),
    );
    const run = await svc.run('paged-responses');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toBe('AB');
    expect(ran).toEqual(['a', 'b']);
    expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:SUCCEEDED']);

    const first = run.invocations[0].dataPlaneCalls;
    const checkpoints = checkpointCalls(first);
    const reloads = first.filter((call) => call.command === 'GetDurableExecutionState');
    expect(reloads.length).toBeGreaterThanOrEqual(1);
    for (const reload of reloads) {
      // A full reload: no marker of another API, and the token the preceding checkpoint returned.
      expect(reload.input.Marker).toBeUndefined();
      const before = checkpoints.filter((call) => call.seq < reload.seq).at(-1);
      expect(reload.input.CheckpointToken).toBe((before?.output as { CheckpointToken?: string }).CheckpointToken);
      expect(reload.error).toBeUndefined();
    }
    // The wait became known through the reload, so the invocation could suspend on it.
    expect(run.operations.find((op) => op.Id === rootId(2))?.Status).toBe('SUCCEEDED');
  });
});

describe('checkpoint responses the emulator never sends (protocol.md §3.1)', () => {
  let svc: InProcessDurableService;
  beforeEach(() => {
    svc = new InProcessDurableService();
  });
  afterEach(() => svc.close());

  it('stops checkpointing, runs no further step function and returns PENDING when a response carries no CheckpointToken', async () => {
    const client = reshapeCheckpointResponses(svc.client, (output, index) => (index === 0 ? { ...output, CheckpointToken: undefined } : output));
    const ran: string[] = [];
    svc.registerHandler(
      'tokenless',
      withDurableExecution(
        async (_input, ctx) => {
          const a = await ctx.step('a', async () => {
            ran.push('a');
            return 'A';
          });
          const b = await ctx.step('b', async () => {
            ran.push('b');
            return 'B';
          });
          return a + b;
        },
        { client },
      ),
    );
    const run = await svc.run('tokenless');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toBe('AB');
    const first = run.invocations[0];
    expect(first.outcome).toMatchObject({ kind: 'returned', output: { Status: 'PENDING' } });
    // Nothing was sent after the token-less response; the next invocation replays "a" and runs "b".
    expect(checkpointCalls(first.dataPlaneCalls)).toHaveLength(1);
    expect(ran).toEqual(['a', 'b']);
  });

  it('copes with responses that return every operation, also the children of completed contexts', async () => {
    const client = reshapeCheckpointResponses(svc.client, (output, _index, request) => ({
      ...output,
      NewExecutionState: { Operations: svc.core.getOperations(request.DurableExecutionArn as string) },
    }));
    const runs: Record<string, number> = {};
    const count = (key: string) => {
      runs[key] = (runs[key] ?? 0) + 1;
    };
    svc.registerHandler(
      'everything',
      withDurableExecution(
        async (_input, ctx) => {
          const child = await ctx.runInChildContext('child', async (c) => {
            count('child');
            await c.wait(Duration.seconds(1));
            return c.step('inner', async () => {
              count('inner');
              return 'in';
            });
          });
          const flaky = await ctx.step(
            'flaky',
            async ({ attempt }) => {
              count('flaky');
              if (attempt === 1) throw new Error('once');
              return attempt;
            },
            { retryStrategy: () => ({ shouldRetry: true, delay: Duration.seconds(2) }) },
          );
          const batch = await ctx.parallel([
            async (b) => b.step(async () => 'p0'),
            async (b) => {
              await b.wait(Duration.seconds(1));
              return 'p1';
            },
          ]);
          await ctx.wait(Duration.seconds(1));
          return [child, flaky, ...batch.getResults()];
        },
        { client },
      ),
    );
    const run = await svc.run('everything');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual(['in', 2, 'p0', 'p1']);
    expect(runs).toEqual({ child: 2, inner: 1, flaky: 2 });
  });
});
