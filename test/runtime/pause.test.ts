/**
 * The runtime under a pause (protocol.md §9.10): a checkpoint answered without a token because a
 * pause took effect ends the invocation cleanly (no further checkpoints, PENDING), and the
 * invocation after the resume is an ordinary replay that loses nothing and repeats nothing.
 */
import { Duration, withDurableExecution } from '../../runtime';
import { InProcessDurableService } from '../../local/testing';
import { checkpointCalls, eventTypes, invocationOutcomes, rootId } from './support';

describe('the runtime on a paused execution', () => {
  let svc: InProcessDurableService;
  beforeEach(() => {
    svc = new InProcessDurableService();
  });
  afterEach(() => svc.close());

  it('stops at the checkpoint that completes a pause and resumes by replay after Resume', async () => {
    const ran: string[] = [];
    let arn = '';
    svc.registerHandler(
      'paused-mid-step',
      withDurableExecution(
        async (_input, ctx) => {
          const a = await ctx.step('a', async () => {
            ran.push('a');
            // An operator pauses while this invocation runs: the execution is PAUSING until the next checkpoint.
            if (ran.length === 1) await svc.pause(arn, { reason: 'incident' });
            return 'A';
          });
          const b = await ctx.step('b', async () => {
            ran.push('b');
            return 'B';
          });
          return a + b;
        },
        { client: svc.client },
      ),
    );
    const seenWhilePaused: string[] = [];
    svc.onInvocationEnd(async (report) => {
      if (report.invocationNumber !== 1) return;
      const got = svc.core.getExecution({ DurableExecutionArn: report.executionArn });
      seenWhilePaused.push(got.Status as string, String(svc.core.executionsNeedingInvocation().length));
      await svc.resume(report.executionArn, { reason: 'resolved' });
    });
    arn = await svc.start('paused-mid-step');
    const run = await svc.waitFor(arn);

    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toBe('AB');
    expect(ran).toEqual(['a', 'b']);
    expect(seenWhilePaused).toEqual(['PAUSED', '0']);
    expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:SUCCEEDED']);
    // Nothing was sent after the answer without a token.
    const first = run.invocations[0];
    const lastCall = checkpointCalls(first.dataPlaneCalls).at(-1);
    expect(lastCall?.output).toMatchObject({ NewExecutionState: expect.any(Object) });
    expect((lastCall?.output as { CheckpointToken?: string }).CheckpointToken).toBeUndefined();
    expect(eventTypes(run)).toEqual([
      'ExecutionStarted',
      'StepStarted',
      'StepSucceeded',
      'ExecutionPaused',
      'InvocationCompleted',
      'ExecutionResumed',
      'StepStarted',
      'StepSucceeded',
      'InvocationCompleted',
      'ExecutionSucceeded',
    ]);
    expect(run.history.filter((e) => e.EventType === 'StepSucceeded').map((e) => e.Id)).toEqual([rootId(1), rootId(2)]);
  });

  it('lets a wait finish while paused and continues after the resume without re-running finished steps', async () => {
    const ran: string[] = [];
    svc.registerHandler(
      'paused-on-wait',
      withDurableExecution(
        async (_input, ctx) => {
          await ctx.step('before', async () => ran.push('before'));
          await ctx.wait('cool-down', Duration.minutes(5));
          await ctx.step('after', async () => ran.push('after'));
          return 'done';
        },
        { client: svc.client },
      ),
    );
    svc.onInvocationEnd(async (report) => {
      if (report.invocationNumber !== 1) return;
      await svc.pause(report.executionArn, { reason: 'deploy' });
      // Resume once the wait has elapsed while paused (before the idle clock moves any further).
      void svc
        .waitForOperation(report.executionArn, (op) => op.Id === rootId(2) && op.Status === 'SUCCEEDED', 'the finished wait')
        .then(() => svc.resume(report.executionArn));
    });
    const run = await svc.run('paused-on-wait');
    expect(run.status).toBe('SUCCEEDED');
    expect(ran).toEqual(['before', 'after']);
    expect(eventTypes(run)).toEqual([
      'ExecutionStarted',
      'StepStarted',
      'StepSucceeded',
      'WaitStarted',
      'InvocationCompleted',
      'ExecutionPaused',
      'WaitSucceeded',
      'ExecutionResumed',
      'StepStarted',
      'StepSucceeded',
      'InvocationCompleted',
      'ExecutionSucceeded',
    ]);
  });
});
