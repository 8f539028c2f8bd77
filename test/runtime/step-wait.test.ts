import { Duration, withDurableExecution } from '../../runtime';
import { InProcessDurableService } from '../../local/testing';
import { checkpointCalls, eventTypes, invocationOutcomes, rootId, updateSummary, updatesOf } from './support';

describe('step → wait → step', () => {
  let svc: InProcessDurableService;
  beforeEach(() => {
    svc = new InProcessDurableService();
  });
  afterEach(() => svc.close());

  it('suspends on the wait, resumes on a second invocation and checkpoints exactly START/SUCCEED, START, START/SUCCEED', async () => {
    let firstRuns = 0;
    let secondRuns = 0;
    svc.registerHandler(
      'orders',
      withDurableExecution(
        async (input: { n: number }, ctx) => {
          const a = await ctx.step('first', async () => {
            firstRuns += 1;
            return input.n + 1;
          });
          await ctx.wait('pause', Duration.seconds(5));
          const b = await ctx.step('second', async () => {
            secondRuns += 1;
            return a * 2;
          });
          return { a, b };
        },
        { client: svc.client },
      ),
    );

    const run = await svc.run('orders', { n: 1 });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual({ a: 2, b: 4 });
    expect(firstRuns).toBe(1);
    expect(secondRuns).toBe(1);
    expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:SUCCEEDED']);
    expect(updateSummary(run.invocations[0].dataPlaneCalls)).toEqual([['STEP:START:first', 'STEP:SUCCEED:first'], ['WAIT:START:pause']]);
    expect(updateSummary(run.invocations[1].dataPlaneCalls)).toEqual([['STEP:START:second', 'STEP:SUCCEED:second']]);
    const [first, wait, second] = [rootId(1), rootId(2), rootId(3)];
    const sent = run.invocations.flatMap((inv) => checkpointCalls(inv.dataPlaneCalls).flatMap(updatesOf));
    expect(sent.map((u) => u.Id)).toEqual([first, first, wait, second, second]);
    expect(sent[1]).toEqual({ Id: first, Type: 'STEP', Action: 'SUCCEED', Payload: '2' }); // identity fields only on the first update
    expect(sent[2]).toEqual({ Id: wait, Name: 'pause', Type: 'WAIT', SubType: 'Wait', Action: 'START', WaitOptions: { WaitSeconds: 5 } });
    expect(sent.every((u) => u.ParentId === undefined)).toBe(true);
    expect(eventTypes(run)).toEqual([
      'ExecutionStarted',
      'StepStarted',
      'StepSucceeded',
      'WaitStarted',
      'InvocationCompleted',
      'WaitSucceeded',
      'StepStarted',
      'StepSucceeded',
      'InvocationCompleted',
      'ExecutionSucceeded',
    ]);
  });

  it('rounds wait durations up to whole seconds and adds the units', async () => {
    svc.registerHandler(
      'waits',
      withDurableExecution(
        async (_input, ctx) => {
          await ctx.wait({ minutes: 1, seconds: 0.2 });
          await ctx.wait(Duration.hours(1));
          await ctx.wait(Duration.days(1));
          return 'done';
        },
        { client: svc.client },
      ),
      { executionTimeoutSeconds: 3 * 86_400 },
    );
    const run = await svc.run('waits');
    expect(run.status).toBe('SUCCEEDED');
    const seconds = run.invocations.flatMap((inv) => checkpointCalls(inv.dataPlaneCalls).flatMap(updatesOf)).map((u) => u.WaitOptions?.WaitSeconds);
    expect(seconds).toEqual([61, 3600, 86400]);
    expect(run.history.filter((e) => e.EventType === 'WaitStarted').every((e) => e.Name === undefined)).toBe(true);
  });

  it('returns undefined without a payload and null as "null", on the first run and on replay', async () => {
    const seen: unknown[] = [];
    svc.registerHandler(
      'nulls',
      withDurableExecution(
        async (_input, ctx) => {
          const u = await ctx.step('undefined', async () => undefined);
          const n = await ctx.step('null', async () => null);
          const d = await ctx.step('date', async () => ({ at: new Date(0), skip: undefined }));
          seen.push([u, n, d]);
          await ctx.wait(Duration.seconds(1));
          return { u: u === undefined, n };
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('nulls');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual({ u: true, n: null });
    // First run and replay see the same shape: the Date is already a string after the round trip.
    expect(seen).toEqual([
      [undefined, null, { at: '1970-01-01T00:00:00.000Z' }],
      [undefined, null, { at: '1970-01-01T00:00:00.000Z' }],
    ]);
    const succeeded = run.history.filter((e) => e.EventType === 'StepSucceeded');
    expect(succeeded[0].StepSucceededDetails?.Result?.Payload).toBeUndefined();
    expect(succeeded[1].StepSucceededDetails?.Result?.Payload).toBe('null');
  });
});
