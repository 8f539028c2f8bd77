/**
 * Pausing, resuming and deleting executions on the service core (protocol.md §9), driven step by
 * step with a manual clock so that every transition and event can be checked exactly.
 */
import { ControlMessages, DurableServiceCore, INVALID_CHECKPOINT_TOKEN } from '../../../local/core';
import { FN, begin, callback, driver, eventTypes, history, makeCore, op, serviceError, step, wait } from './helpers';

function status(core: DurableServiceCore, arn: string): string | undefined {
  return core.getExecution({ DurableExecutionArn: arn }).Status;
}

function owed(core: DurableServiceCore, arn: string): boolean {
  return core.executionsNeedingInvocation().some((s) => s.executionArn === arn);
}

/** An execution suspended on `wait(60)` after its first invocation. */
function suspendedOnWait(core: DurableServiceCore, name?: string) {
  const d = begin(core, '{"order":1}', name);
  d.cp([wait('w1', 60)]);
  d.end({ Status: 'PENDING' });
  return d;
}

describe('pausing an execution that no invocation is running (§9.4)', () => {
  it('pauses at once, lets the wait finish while paused, and invokes on resume (the §9.10 example)', () => {
    const { core, clock } = makeCore();
    const d = suspendedOnWait(core);
    clock.advance(5);
    const pausedAt = clock.now();
    expect(core.pauseExecution({ DurableExecutionArn: d.arn, Reason: 'deploy' })).toEqual({});
    expect(status(core, d.arn)).toBe('PAUSED');
    expect(core.getExecution({ DurableExecutionArn: d.arn }).PauseDetails).toEqual({
      PauseRequestTimestamp: new Date(pausedAt),
      ExecutionTimeoutPaused: true,
      Reason: 'deploy',
    });
    expect(core.getExecution({ DurableExecutionArn: d.arn, IncludeExecutionData: false }).PauseDetails).toEqual({
      PauseRequestTimestamp: new Date(pausedAt),
      ExecutionTimeoutPaused: true,
    });
    // The EXECUTION operation has no pause status.
    expect(core.getOperations(d.arn).find((o) => o.Type === 'EXECUTION')?.Status).toBe('STARTED');

    clock.advance(60);
    core.fireDueTimers();
    expect(op(core, d.arn, 'w1').Status).toBe('SUCCEEDED');
    expect(owed(core, d.arn)).toBe(false);
    expect(() => core.beginInvocation(d.arn)).toThrow(/PAUSED/);

    clock.advance(10);
    expect(core.resumeExecution({ DurableExecutionArn: d.arn, Reason: 'deploy done' })).toEqual({});
    expect(status(core, d.arn)).toBe('RUNNING');
    expect(core.getExecution({ DurableExecutionArn: d.arn }).PauseDetails).toBeUndefined();
    expect(owed(core, d.arn)).toBe(true);
    const second = d.next();
    second.end({ Status: 'SUCCEEDED', Result: '"done"' });

    expect(eventTypes(core, d.arn)).toEqual([
      'ExecutionStarted',
      'WaitStarted',
      'InvocationCompleted',
      'ExecutionPaused',
      'WaitSucceeded',
      'ExecutionResumed',
      'InvocationCompleted',
      'ExecutionSucceeded',
    ]);
    const events = history(core, d.arn);
    const execId = events[0].Id;
    expect(events[3]).toMatchObject({
      Id: execId,
      EventTimestamp: new Date(pausedAt),
      ExecutionPausedDetails: { PauseRequestTimestamp: new Date(pausedAt), ExecutionTimeoutPaused: true, Reason: { Payload: 'deploy', Truncated: false } },
    });
    expect(events[5]).toMatchObject({
      Id: execId,
      ExecutionResumedDetails: { ResumeRequestTimestamp: new Date(clock.now()), Reason: { Payload: 'deploy done', Truncated: false } },
    });
    const stripped = core.getHistory({ DurableExecutionArn: d.arn, IncludeExecutionData: false }).Events ?? [];
    expect(stripped[3].ExecutionPausedDetails?.Reason).toEqual({ Truncated: true });
    expect(stripped[5].ExecutionResumedDetails?.Reason).toEqual({ Truncated: true });
  });

  it('keeps waiting after a resume when nothing completed while paused', () => {
    const { core } = makeCore();
    const d = suspendedOnWait(core);
    core.pauseExecution({ DurableExecutionArn: d.arn });
    core.resumeExecution({ DurableExecutionArn: d.arn });
    expect(owed(core, d.arn)).toBe(false);
    const pausedEvent = history(core, d.arn).find((e) => e.EventType === 'ExecutionPaused');
    // No Reason in the request: none recorded.
    expect(pausedEvent?.ExecutionPausedDetails).toEqual({ PauseRequestTimestamp: expect.any(Date), ExecutionTimeoutPaused: true });
  });

  it('accepts a callback result while paused and runs the workflow on resume', () => {
    const { core } = makeCore();
    const d = begin(core);
    const res = d.cp([callback('cb1')]);
    const callbackId = res.NewExecutionState?.Operations?.find((o) => o.Id === 'cb1')?.CallbackDetails?.CallbackId as string;
    d.end({ Status: 'PENDING' });
    core.pauseExecution({ DurableExecutionArn: d.arn });
    core.sendCallbackSuccess(callbackId, '{"ok":true}');
    expect(op(core, d.arn, 'cb1').Status).toBe('SUCCEEDED');
    expect(owed(core, d.arn)).toBe(false);
    core.resumeExecution({ DurableExecutionArn: d.arn });
    expect(owed(core, d.arn)).toBe(true);
    expect(eventTypes(core, d.arn).slice(-3)).toEqual(['ExecutionPaused', 'CallbackSucceeded', 'ExecutionResumed']);
  });

  it('times out a callback and readies a step retry while paused; both are owed on resume', () => {
    const { core, clock } = makeCore();
    const d = begin(core);
    d.cp([callback('cb1', { TimeoutSeconds: 30 }), step('s1', 'RETRY', { Error: { ErrorMessage: 'flaky' }, StepOptions: { NextAttemptDelaySeconds: 10 } })]);
    d.end({ Status: 'PENDING' });
    core.pauseExecution({ DurableExecutionArn: d.arn });
    clock.advance(10);
    core.fireDueTimers();
    expect(op(core, d.arn, 's1').Status).toBe('READY');
    clock.advance(20);
    core.fireDueTimers();
    expect(op(core, d.arn, 'cb1').Status).toBe('TIMED_OUT');
    expect(status(core, d.arn)).toBe('PAUSED');
    expect(owed(core, d.arn)).toBe(false);
    expect(eventTypes(core, d.arn).slice(-2)).toEqual(['ExecutionPaused', 'CallbackTimedOut']);
    core.resumeExecution({ DurableExecutionArn: d.arn });
    expect(owed(core, d.arn)).toBe(true);
  });

  it('lets a chained invoke finish while the caller is paused', () => {
    const { core } = makeCore();
    core.registerFunction({ functionName: 'child', durableConfig: { executionTimeoutSeconds: 600 } });
    const parent = begin(core);
    parent.cp([{ Id: 'ci1', Type: 'CHAINED_INVOKE', SubType: 'ChainedInvoke', Action: 'START', ChainedInvokeOptions: { FunctionName: 'child:$LATEST' } }]);
    parent.end({ Status: 'PENDING' });
    core.pauseExecution({ DurableExecutionArn: parent.arn });
    const childArn = core.executionsNeedingInvocation().find((s) => s.functionName === 'child')?.executionArn as string;
    // Pausing a parent pauses no child.
    expect(status(core, childArn)).toBe('RUNNING');
    driver(core, childArn).end({ Status: 'SUCCEEDED', Result: '7' });
    expect(op(core, parent.arn, 'ci1').Status).toBe('SUCCEEDED');
    expect(status(core, parent.arn)).toBe('PAUSED');
    core.resumeExecution({ DurableExecutionArn: parent.arn });
    expect(owed(core, parent.arn)).toBe(true);
  });

  it('turns a scheduled invocation-error retry into an invocation right at resume', () => {
    const { core } = makeCore();
    const d = begin(core);
    d.cp([wait('w1', 600)]);
    d.fail('crash');
    expect(owed(core, d.arn)).toBe(false);
    core.pauseExecution({ DurableExecutionArn: d.arn });
    core.resumeExecution({ DurableExecutionArn: d.arn });
    expect(owed(core, d.arn)).toBe(true);
  });
});

describe('pause and resume on an execution whose own clock skipped ahead', () => {
  it('stamps ExecutionPaused and ExecutionResumed on the execution clock, never before its last event', () => {
    const { core, clock } = makeCore();
    const d = suspendedOnWait(core);
    // The idle execution jumps to its wait's end; the service clock stays where it was.
    expect(core.skipIdleExecutions()).toEqual([d.arn]);
    core.fireDueTimers();
    expect(op(core, d.arn, 'w1').Status).toBe('SUCCEEDED');
    const waitEnd = core.executionNow(d.arn);
    expect(waitEnd - clock.now()).toBe(60_000);

    core.pauseExecution({ DurableExecutionArn: d.arn });
    expect(core.getExecution({ DurableExecutionArn: d.arn }).PauseDetails?.PauseRequestTimestamp).toEqual(new Date(waitEnd));
    clock.advance(5);
    core.resumeExecution({ DurableExecutionArn: d.arn });

    const events = history(core, d.arn);
    expect(events.map((e) => e.EventType)).toEqual([
      'ExecutionStarted',
      'WaitStarted',
      'InvocationCompleted',
      'WaitSucceeded',
      'ExecutionPaused',
      'ExecutionResumed',
    ]);
    const times = events.map((e) => (e.EventTimestamp as Date).getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.at(-2)).toBe(waitEnd);
    expect(times.at(-1)).toBe(waitEnd + 5_000);
  });
});

describe('pausing while an invocation runs (§9.4)', () => {
  it('is PAUSING until the next checkpoint, which is applied and answered without a token', () => {
    const { core } = makeCore();
    const d = begin(core);
    d.cp([step('s1', 'START')]);
    core.pauseExecution({ DurableExecutionArn: d.arn, Reason: 'incident' });
    expect(status(core, d.arn)).toBe('PAUSING');
    expect(core.getExecution({ DurableExecutionArn: d.arn }).PauseDetails?.Reason).toBe('incident');
    const before = d.token;
    const res = core.checkpoint({ DurableExecutionArn: d.arn, CheckpointToken: before, Updates: [step('s1', 'SUCCEED', { Payload: '1' })] });
    expect(res.CheckpointToken).toBeUndefined();
    expect(res.NewExecutionState?.Operations?.find((o) => o.Id === 's1')?.Status).toBe('SUCCEEDED');
    expect(status(core, d.arn)).toBe('PAUSED');
    // The invocation's tokens are dead now, for checkpoints and for GetState.
    expect(serviceError(() => core.checkpoint({ DurableExecutionArn: d.arn, CheckpointToken: before })).message).toBe(INVALID_CHECKPOINT_TOKEN);
    expect(serviceError(() => core.getState({ DurableExecutionArn: d.arn, CheckpointToken: d.start.event.CheckpointToken })).message).toBe(
      INVALID_CHECKPOINT_TOKEN,
    );
    // What the cut-short invocation returns counts as PENDING, and no invocation starts while paused.
    d.end({ Status: 'SUCCEEDED', Result: '"early"' });
    expect(status(core, d.arn)).toBe('PAUSED');
    expect(owed(core, d.arn)).toBe(false);
    expect(eventTypes(core, d.arn)).toEqual(['ExecutionStarted', 'StepStarted', 'StepSucceeded', 'ExecutionPaused', 'InvocationCompleted']);

    core.resumeExecution({ DurableExecutionArn: d.arn });
    expect(owed(core, d.arn)).toBe(true);
    const replay = d.next();
    expect(replay.start.event.InitialExecutionState.Operations.find((o) => o.Id === 's1')?.Status).toBe('SUCCEEDED');
    replay.end({ Status: 'SUCCEEDED', Result: '"late"' });
    expect(core.getExecution({ DurableExecutionArn: d.arn })).toMatchObject({ Status: 'SUCCEEDED', Result: '"late"' });
    expect(eventTypes(core, d.arn).slice(-4)).toEqual(['InvocationCompleted', 'ExecutionResumed', 'InvocationCompleted', 'ExecutionSucceeded']);
  });

  it('drops the pause when that checkpoint closes the execution', () => {
    const { core } = makeCore();
    const d = begin(core);
    core.pauseExecution({ DurableExecutionArn: d.arn });
    const res = d.cp([{ Id: 'exec', Type: 'EXECUTION', Action: 'SUCCEED', Payload: '"big"' }]);
    expect(res.CheckpointToken).toBeUndefined();
    d.end({ Status: 'SUCCEEDED', Result: '' });
    expect(core.getExecution({ DurableExecutionArn: d.arn })).toMatchObject({ Status: 'SUCCEEDED', Result: '"big"' });
    expect(eventTypes(core, d.arn)).not.toContain('ExecutionPaused');
  });

  it('drops the pause when the invocation returns SUCCEEDED without checkpointing again', () => {
    const { core } = makeCore();
    const d = begin(core);
    core.pauseExecution({ DurableExecutionArn: d.arn });
    d.end({ Status: 'SUCCEEDED', Result: '1' });
    expect(core.getExecution({ DurableExecutionArn: d.arn })).toMatchObject({ Status: 'SUCCEEDED' });
    expect(core.getExecution({ DurableExecutionArn: d.arn }).PauseDetails).toBeUndefined();
    expect(eventTypes(core, d.arn)).toEqual(['ExecutionStarted', 'InvocationCompleted', 'ExecutionSucceeded']);
  });

  it('pauses after InvocationCompleted when the invocation ends PENDING or in error without checkpointing again', () => {
    const { core } = makeCore();
    const pending = begin(core);
    pending.cp([wait('w1', 60)]);
    core.pauseExecution({ DurableExecutionArn: pending.arn });
    pending.end({ Status: 'PENDING' });
    expect(eventTypes(core, pending.arn).slice(-2)).toEqual(['InvocationCompleted', 'ExecutionPaused']);
    core.resumeExecution({ DurableExecutionArn: pending.arn });
    expect(owed(core, pending.arn)).toBe(false);

    const crashed = begin(core);
    crashed.cp([wait('w1', 60)]);
    core.pauseExecution({ DurableExecutionArn: crashed.arn });
    crashed.fail('timeout');
    expect(status(core, crashed.arn)).toBe('PAUSED');
    expect(eventTypes(core, crashed.arn).slice(-2)).toEqual(['InvocationCompleted', 'ExecutionPaused']);
    expect(owed(core, crashed.arn)).toBe(false);
    core.resumeExecution({ DurableExecutionArn: crashed.arn });
    // An invocation that ended in error while pausing is owed at once, not after a backoff.
    expect(owed(core, crashed.arn)).toBe(true);
  });

  it('resuming a PAUSING execution cancels the pause: no events, the invocation carries on', () => {
    const { core } = makeCore();
    const d = begin(core);
    core.pauseExecution({ DurableExecutionArn: d.arn, Reason: 'oops' });
    core.resumeExecution({ DurableExecutionArn: d.arn });
    expect(status(core, d.arn)).toBe('RUNNING');
    expect(core.getExecution({ DurableExecutionArn: d.arn }).PauseDetails).toBeUndefined();
    const res = d.cp([step('s1', 'SUCCEED', { Payload: '1' })]);
    expect(res.CheckpointToken).toEqual(expect.any(String));
    d.end({ Status: 'SUCCEEDED', Result: '1' });
    expect(eventTypes(core, d.arn)).toEqual(['ExecutionStarted', 'StepSucceeded', 'InvocationCompleted', 'ExecutionSucceeded']);
  });

  it('invokes again only after the cut-short invocation has ended, when resumed before it ends', () => {
    const { core } = makeCore();
    const d = begin(core);
    core.pauseExecution({ DurableExecutionArn: d.arn });
    d.cp([step('s1', 'START')]);
    core.resumeExecution({ DurableExecutionArn: d.arn });
    expect(owed(core, d.arn)).toBe(false);
    expect(serviceError(() => core.getState({ DurableExecutionArn: d.arn, CheckpointToken: d.token })).message).toBe(INVALID_CHECKPOINT_TOKEN);
    d.end({ Status: 'PENDING' });
    expect(owed(core, d.arn)).toBe(true);
  });
});

describe('the execution timeout while paused (§9.5)', () => {
  function shortExecution() {
    return makeCore({}, { durableConfig: { executionTimeoutSeconds: 60 } });
  }

  it('is extended by the time spent paused when ExecutionTimeoutPaused is true (the default)', () => {
    const { core, clock } = shortExecution();
    const d = suspendedOnWait(core);
    const start = core.getExecution({ DurableExecutionArn: d.arn }).StartTimestamp?.getTime() as number;
    expect(core.getExecution({ DurableExecutionArn: d.arn }).ExpectedExecutionTimeoutTimestamp).toEqual(new Date(start + 60_000));
    clock.advance(10);
    core.pauseExecution({ DurableExecutionArn: d.arn });
    expect(core.getExecution({ DurableExecutionArn: d.arn }).ExpectedExecutionTimeoutTimestamp).toEqual(new Date(start + 31_622_400_000));
    clock.advance(100);
    core.fireDueTimers();
    expect(status(core, d.arn)).toBe('PAUSED');
    core.resumeExecution({ DurableExecutionArn: d.arn });
    expect(core.getExecution({ DurableExecutionArn: d.arn }).ExpectedExecutionTimeoutTimestamp).toEqual(new Date(start + 160_000));
    clock.advance(49);
    core.fireDueTimers();
    expect(status(core, d.arn)).toBe('RUNNING');
    clock.advance(1);
    core.fireDueTimers();
    expect(status(core, d.arn)).toBe('TIMED_OUT');
    expect(core.getExecution({ DurableExecutionArn: d.arn }).ExpectedExecutionTimeoutTimestamp).toBeUndefined();
  });

  it('keeps running when ExecutionTimeoutPaused is false: a paused execution times out at its deadline', () => {
    const { core, clock } = shortExecution();
    const d = suspendedOnWait(core);
    core.pauseExecution({ DurableExecutionArn: d.arn, ExecutionTimeoutPaused: false });
    expect(core.getExecution({ DurableExecutionArn: d.arn }).PauseDetails?.ExecutionTimeoutPaused).toBe(false);
    clock.advance(60);
    core.fireDueTimers();
    expect(status(core, d.arn)).toBe('TIMED_OUT');
    expect(core.getExecution({ DurableExecutionArn: d.arn }).PauseDetails).toBeUndefined();
    expect(eventTypes(core, d.arn).slice(-3)).toEqual(['ExecutionPaused', 'WaitSucceeded', 'ExecutionTimedOut']);
  });

  it('still times out 366 days after the start while paused', () => {
    const { core, clock } = shortExecution();
    const d = suspendedOnWait(core);
    core.pauseExecution({ DurableExecutionArn: d.arn });
    clock.advance(31_622_400 - 1);
    core.fireDueTimers();
    expect(status(core, d.arn)).toBe('PAUSED');
    clock.advance(1);
    core.fireDueTimers();
    expect(status(core, d.arn)).toBe('TIMED_OUT');
  });
});

describe('Stop, Invoke and List with paused executions', () => {
  it('stops a PAUSED execution without writing ExecutionResumed', () => {
    const { core } = makeCore();
    const d = suspendedOnWait(core);
    core.pauseExecution({ DurableExecutionArn: d.arn });
    core.stopExecution({ DurableExecutionArn: d.arn, Error: { ErrorMessage: 'abandoned' } });
    expect(status(core, d.arn)).toBe('STOPPED');
    expect(core.getExecution({ DurableExecutionArn: d.arn }).PauseDetails).toBeUndefined();
    expect(eventTypes(core, d.arn).slice(-2)).toEqual(['ExecutionPaused', 'ExecutionStopped']);
  });

  it('stops a PAUSING execution and closes its invocation', () => {
    const { core } = makeCore();
    const d = begin(core);
    core.pauseExecution({ DurableExecutionArn: d.arn });
    core.stopExecution({ DurableExecutionArn: d.arn });
    expect(status(core, d.arn)).toBe('STOPPED');
    d.end({ Status: 'PENDING' });
    expect(eventTypes(core, d.arn)).toEqual(['ExecutionStarted', 'InvocationCompleted', 'ExecutionStopped']);
  });

  it('returns a paused execution for an Invoke with its name and payload, and keeps it paused', () => {
    const { core } = makeCore();
    const d = suspendedOnWait(core, 'order-1');
    core.pauseExecution({ DurableExecutionArn: d.arn });
    const again = core.startExecution({ functionName: `${FN}:$LATEST`, executionName: 'order-1', payload: '{"order":1}', invocationType: 'Event' });
    expect(again).toEqual({ executionArn: d.arn, executedVersion: '$LATEST', created: false });
    expect(status(core, d.arn)).toBe('PAUSED');
    expect(serviceError(() => core.startExecution({ functionName: `${FN}:$LATEST`, executionName: 'order-1', payload: '{}', invocationType: 'Event' })).name).toBe(
      'DurableExecutionAlreadyStartedException',
    );
  });

  it('filters List by PAUSING and PAUSED', () => {
    const { core } = makeCore();
    const paused = suspendedOnWait(core);
    core.pauseExecution({ DurableExecutionArn: paused.arn });
    const pausing = begin(core);
    core.pauseExecution({ DurableExecutionArn: pausing.arn });
    const running = begin(core);
    const arns = (statuses: Array<'PAUSED' | 'PAUSING' | 'RUNNING'>) =>
      (core.listExecutions({ FunctionName: FN, Statuses: statuses }).DurableExecutions ?? []).map((e) => [e.DurableExecutionArn, e.Status]);
    expect(arns(['PAUSED'])).toEqual([[paused.arn, 'PAUSED']]);
    expect(arns(['PAUSING'])).toEqual([[pausing.arn, 'PAUSING']]);
    expect(arns(['RUNNING'])).toEqual([[running.arn, 'RUNNING']]);
    const item = core.listExecutions({ FunctionName: FN, Statuses: ['PAUSED'] }).DurableExecutions?.[0];
    expect(Object.keys(item ?? {}).sort()).toEqual(['DurableExecutionArn', 'DurableExecutionName', 'FunctionArn', 'StartTimestamp', 'Status']);
  });
});

describe('the errors of Pause and Resume (§9.1)', () => {
  it('answers each state with the table of §9.1', () => {
    const { core } = makeCore();
    const d = suspendedOnWait(core);
    const running = serviceError(() => core.resumeExecution({ DurableExecutionArn: d.arn }));
    expect([running.name, running.httpStatus, running.message]).toEqual(['ResourceConflictException', 409, ControlMessages.cannotResume('RUNNING')]);
    core.pauseExecution({ DurableExecutionArn: d.arn });
    expect(serviceError(() => core.pauseExecution({ DurableExecutionArn: d.arn })).message).toBe(ControlMessages.cannotPause('PAUSED'));
    core.stopExecution({ DurableExecutionArn: d.arn });
    expect(serviceError(() => core.pauseExecution({ DurableExecutionArn: d.arn })).message).toBe(ControlMessages.cannotPause('STOPPED'));
    expect(serviceError(() => core.resumeExecution({ DurableExecutionArn: d.arn })).message).toBe(ControlMessages.cannotResume('STOPPED'));
    const pausing = begin(core);
    core.pauseExecution({ DurableExecutionArn: pausing.arn });
    expect(serviceError(() => core.pauseExecution({ DurableExecutionArn: pausing.arn })).httpStatus).toBe(409);
  });

  it('rejects a malformed ARN, an unknown execution, a long Reason, a bad ClientToken and a non-boolean ExecutionTimeoutPaused', () => {
    const { core } = makeCore();
    const d = suspendedOnWait(core);
    const bad = serviceError(() => core.pauseExecution({ DurableExecutionArn: 'not-an-arn' }));
    expect([bad.httpStatus, bad.message]).toEqual([400, ControlMessages.invalidArn]);
    const unknown = serviceError(() => core.resumeExecution({ DurableExecutionArn: d.arn.replace(/[0-9a-f-]+$/, 'missing') }));
    expect([unknown.httpStatus, unknown.message]).toEqual([404, ControlMessages.notFound]);
    expect(serviceError(() => core.pauseExecution({ DurableExecutionArn: d.arn, Reason: 'x'.repeat(1025) })).message).toBe(ControlMessages.reasonTooLong);
    expect(serviceError(() => core.resumeExecution({ DurableExecutionArn: d.arn, Reason: 'x'.repeat(1025) })).message).toBe(ControlMessages.reasonTooLong);
    expect(serviceError(() => core.pauseExecution({ DurableExecutionArn: d.arn, ClientToken: 'has space' })).httpStatus).toBe(400);
    expect(serviceError(() => core.pauseExecution({ DurableExecutionArn: d.arn, ExecutionTimeoutPaused: 'yes' as never })).httpStatus).toBe(400);
    // A rejected request changed nothing.
    expect(status(core, d.arn)).toBe('RUNNING');
    core.pauseExecution({ DurableExecutionArn: d.arn, Reason: 'x'.repeat(1024) });
    expect(status(core, d.arn)).toBe('PAUSED');
  });
});

describe('ClientToken idempotency (§9.2)', () => {
  it('answers a repeated Pause or Resume without applying it again, whatever the status now', () => {
    const { core, clock } = makeCore();
    const d = suspendedOnWait(core);
    core.pauseExecution({ DurableExecutionArn: d.arn, ClientToken: 'p-1', Reason: 'deploy' });
    expect(core.pauseExecution({ DurableExecutionArn: d.arn, ClientToken: 'p-1', Reason: 'deploy', ExecutionTimeoutPaused: true })).toEqual({});
    core.resumeExecution({ DurableExecutionArn: d.arn, ClientToken: 'r-1' });
    // The pause repeat after the resume is still a repeat: it does not pause again.
    expect(core.pauseExecution({ DurableExecutionArn: d.arn, ClientToken: 'p-1', Reason: 'deploy' })).toEqual({});
    expect(core.resumeExecution({ DurableExecutionArn: d.arn, ClientToken: 'r-1' })).toEqual({});
    expect(status(core, d.arn)).toBe('RUNNING');
    expect(eventTypes(core, d.arn).filter((t) => t.startsWith('ExecutionPaused') || t.startsWith('ExecutionResumed'))).toEqual([
      'ExecutionPaused',
      'ExecutionResumed',
    ]);
    const reused = serviceError(() => core.pauseExecution({ DurableExecutionArn: d.arn, ClientToken: 'p-1', Reason: 'other' }));
    expect([reused.httpStatus, reused.message]).toEqual([400, ControlMessages.clientTokenReused]);
    expect(serviceError(() => core.pauseExecution({ DurableExecutionArn: d.arn, ClientToken: 'p-1', Reason: 'deploy', ExecutionTimeoutPaused: false })).message).toBe(
      ControlMessages.clientTokenReused,
    );
    // The same token on the other API is another request.
    expect(serviceError(() => core.resumeExecution({ DurableExecutionArn: d.arn, ClientToken: 'p-1' })).name).toBe('ResourceConflictException');
    clock.advance(15 * 60);
    core.pauseExecution({ DurableExecutionArn: d.arn, ClientToken: 'p-1', Reason: 'again' });
    expect(status(core, d.arn)).toBe('PAUSED');
  });

  it('stores nothing for a rejected request', () => {
    const { core } = makeCore();
    const d = suspendedOnWait(core);
    serviceError(() => core.resumeExecution({ DurableExecutionArn: d.arn, ClientToken: 'r-1' }));
    core.pauseExecution({ DurableExecutionArn: d.arn });
    core.resumeExecution({ DurableExecutionArn: d.arn, ClientToken: 'r-1' });
    expect(status(core, d.arn)).toBe('RUNNING');
  });
});

describe('deleting executions (§9.8)', () => {
  it('refuses an execution that has not ended: RUNNING, PAUSING, PAUSED', () => {
    const { core } = makeCore();
    const d = suspendedOnWait(core);
    const running = serviceError(() => core.deleteExecution({ DurableExecutionArn: d.arn }));
    expect([running.name, running.httpStatus, running.message]).toEqual(['ResourceConflictException', 409, ControlMessages.cannotDelete('RUNNING')]);
    core.pauseExecution({ DurableExecutionArn: d.arn });
    expect(serviceError(() => core.deleteExecution({ DurableExecutionArn: d.arn })).message).toBe(ControlMessages.cannotDelete('PAUSED'));
    const pausing = begin(core);
    core.pauseExecution({ DurableExecutionArn: pausing.arn });
    expect(serviceError(() => core.deleteExecution({ DurableExecutionArn: pausing.arn })).message).toBe(ControlMessages.cannotDelete('PAUSING'));
    expect(serviceError(() => core.deleteExecution({ DurableExecutionArn: 'arn:nope' })).message).toBe(ControlMessages.invalidArn);
  });

  it('removes a finished execution: its history, state and name are gone', () => {
    const { core, clock } = makeCore();
    const d = begin(core, '{"a":1}', 'order-9');
    d.end({ Status: 'SUCCEEDED', Result: '1' });
    clock.advance(3);
    expect(core.deleteExecution({ DurableExecutionArn: d.arn })).toEqual({ DeletionRequestTimestamp: new Date(clock.now()) });
    for (const call of [
      () => core.getExecution({ DurableExecutionArn: d.arn }),
      () => core.getHistory({ DurableExecutionArn: d.arn }),
      () => core.getOperations(d.arn),
      () => core.deleteExecution({ DurableExecutionArn: d.arn }),
      () => core.pauseExecution({ DurableExecutionArn: d.arn }),
    ]) {
      expect(serviceError(call).httpStatus).toBe(404);
    }
    expect(core.listExecutions({ FunctionName: FN }).DurableExecutions).toEqual([]);
    const again = core.startExecution({ functionName: `${FN}:$LATEST`, executionName: 'order-9', payload: '{"a":1}', invocationType: 'Event' });
    expect(again.created).toBe(true);
    expect(again.executionArn).not.toBe(d.arn);
  });

  it('shows DELETING during a configured deletion delay, then forgets the execution', () => {
    const { core, clock } = makeCore({ deletionDelayMs: 5000 });
    const d = begin(core, '{"a":1}', 'order-7');
    const res = d.cp([callback('cb1')]);
    const callbackId = res.NewExecutionState?.Operations?.find((o) => o.Id === 'cb1')?.CallbackDetails?.CallbackId as string;
    core.stopExecution({ DurableExecutionArn: d.arn });
    d.end({ Status: 'PENDING' });
    core.deleteExecution({ DurableExecutionArn: d.arn });
    const got = core.getExecution({ DurableExecutionArn: d.arn });
    expect(got.Status).toBe('DELETING');
    expect(Object.keys(got).sort()).toEqual(['DurableConfig', 'DurableExecutionArn', 'DurableExecutionName', 'FunctionArn', 'StartTimestamp', 'Status', 'Version']);
    expect(core.listExecutions({ FunctionName: FN, Statuses: ['DELETING'] }).DurableExecutions?.map((e) => e.DurableExecutionArn)).toEqual([d.arn]);
    expect(serviceError(() => core.getHistory({ DurableExecutionArn: d.arn })).httpStatus).toBe(404);
    expect(serviceError(() => core.sendCallbackSuccess(callbackId, '1')).httpStatus).toBe(404);
    expect(serviceError(() => core.deleteExecution({ DurableExecutionArn: d.arn })).message).toBe(ControlMessages.cannotDelete('DELETING'));
    expect(serviceError(() => core.resumeExecution({ DurableExecutionArn: d.arn })).httpStatus).toBe(409);
    expect(
      serviceError(() => core.startExecution({ functionName: `${FN}:$LATEST`, executionName: 'order-7', payload: '{"a":1}', invocationType: 'Event' })).name,
    ).toBe('ResourceConflictException');
    clock.advance(5);
    expect(serviceError(() => core.getExecution({ DurableExecutionArn: d.arn })).httpStatus).toBe(404);
    expect(core.listExecutions({ FunctionName: FN }).DurableExecutions).toEqual([]);
  });

  it('leaves the chained-invoke child of a deleted parent', () => {
    const { core } = makeCore();
    core.registerFunction({ functionName: 'child', durableConfig: { executionTimeoutSeconds: 600 } });
    const parent = begin(core);
    parent.cp([{ Id: 'ci1', Type: 'CHAINED_INVOKE', SubType: 'ChainedInvoke', Action: 'START', ChainedInvokeOptions: { FunctionName: 'child:$LATEST' } }]);
    // The child's first invocation waits for the parent's to end (chained-invokes.ts), so take its ARN from the history.
    const childArn = history(core, parent.arn).find((e) => e.EventType === 'ChainedInvokeStarted')?.ChainedInvokeStartedDetails
      ?.DurableExecutionArn as string;
    parent.end({ Status: 'PENDING' });
    driver(core, childArn).end({ Status: 'SUCCEEDED', Result: '7' });
    driver(core, parent.arn).end({ Status: 'SUCCEEDED', Result: '7' });
    core.deleteExecution({ DurableExecutionArn: parent.arn });
    expect(status(core, childArn)).toBe('SUCCEEDED');
    core.deleteExecution({ DurableExecutionArn: childArn });
    expect(serviceError(() => core.getExecution({ DurableExecutionArn: childArn })).httpStatus).toBe(404);
  });
});
