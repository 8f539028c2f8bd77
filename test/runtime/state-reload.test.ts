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
