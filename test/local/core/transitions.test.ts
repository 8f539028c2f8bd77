import type { Event } from '@aws-sdk/client-lambda';
import { begin, callback, ctx, history, makeCore, op, step, wait } from './helpers';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

/** The events after ExecutionStarted, without timestamps, for exact comparison. */
function events(core: ReturnType<typeof makeCore>['core'], arn: string): Event[] {
  return history(core, arn)
    .slice(1)
    .map(({ EventTimestamp: _t, EventId: _i, ...rest }) => rest);
}

describe('STEP transitions (§4.2)', () => {
  it('START creates STARTED with StepStarted; SUCCEED stores Result and Attempt', () => {
    const { core } = makeCore();
    const d = begin(core);
    d.cp([step('s', 'START', { Name: 'charge' })]);
    expect(op(core, d.arn, 's')).toEqual({
      Id: 's',
      Name: 'charge',
      Type: 'STEP',
      SubType: 'Step',
      Status: 'STARTED',
      StartTimestamp: new Date(T0),
    });
    d.cp([step('s', 'SUCCEED', { Name: 'charge', Payload: '"ok"' })]);
    expect(op(core, d.arn, 's')).toMatchObject({ Status: 'SUCCEEDED', EndTimestamp: new Date(T0), StepDetails: { Attempt: 1, Result: '"ok"' } });
    expect(events(core, d.arn)).toEqual([
      { EventType: 'StepStarted', Id: 's', Name: 'charge', SubType: 'Step', StepStartedDetails: {} },
      {
        EventType: 'StepSucceeded',
        Id: 's',
        Name: 'charge',
        SubType: 'Step',
        StepSucceededDetails: { Result: { Payload: '"ok"', Truncated: false }, RetryDetails: { CurrentAttempt: 1 } },
      },
    ]);
  });

  it('an operation closed by its first update gets only its closing event', () => {
    const { core } = makeCore();
    const d = begin(core);
    d.cp([step('s', 'SUCCEED'), step('f', 'FAIL', { Error: { ErrorType: 'E', ErrorMessage: 'm' } }), ctx('c', 'SUCCEED', { Payload: '1' })]);
    expect(events(core, d.arn)).toEqual([
      { EventType: 'StepSucceeded', Id: 's', SubType: 'Step', StepSucceededDetails: { Result: { Truncated: false }, RetryDetails: { CurrentAttempt: 1 } } },
      {
        EventType: 'StepFailed',
        Id: 'f',
        SubType: 'Step',
        StepFailedDetails: { Error: { Payload: { ErrorType: 'E', ErrorMessage: 'm' }, Truncated: false }, RetryDetails: { CurrentAttempt: 1 } },
      },
      { EventType: 'ContextSucceeded', Id: 'c', SubType: 'RunInChildContext', ContextSucceededDetails: { Result: { Payload: '1', Truncated: false } } },
    ]);
    expect(op(core, d.arn, 'f')).toMatchObject({ Status: 'FAILED', StepDetails: { Attempt: 1, Error: { ErrorType: 'E', ErrorMessage: 'm' } } });
  });

  it('RETRY makes it PENDING with NextAttemptTimestamp, then READY without an event, then START from READY', () => {
    const { core, clock } = makeCore();
    const d = begin(core);
    d.cp([step('s', 'START'), step('s', 'RETRY', { Error: { ErrorMessage: 'no' }, StepOptions: { NextAttemptDelaySeconds: 3 } })]);
    expect(op(core, d.arn, 's')).toMatchObject({
      Status: 'PENDING',
      StepDetails: { Attempt: 1, NextAttemptTimestamp: new Date(T0 + 3000), Error: { ErrorMessage: 'no' } },
    });
    expect(core.nextTimerAt()).toBe(T0 + 3000);
    d.end({ Status: 'PENDING' });
    clock.advance(2);
    core.fireDueTimers();
    expect(op(core, d.arn, 's').Status).toBe('PENDING');
    clock.advance(1);
    core.fireDueTimers();
    const ready = op(core, d.arn, 's');
    expect(ready.Status).toBe('READY');
    expect(ready.StepDetails?.NextAttemptTimestamp).toBeUndefined();
    expect(history(core, d.arn).map((e) => e.EventType)).toEqual(['ExecutionStarted', 'StepStarted', 'StepFailed', 'InvocationCompleted']);
    expect(core.executionsNeedingInvocation().map((s) => s.executionArn)).toEqual([d.arn]);
    const d2 = d.next();
    d2.cp([step('s', 'START')]);
    expect(op(core, d.arn, 's').Status).toBe('STARTED');
    d2.cp([step('s', 'FAIL', { Error: { ErrorMessage: 'final' } })]);
    expect(op(core, d.arn, 's').StepDetails).toEqual({ Attempt: 2, Error: { ErrorMessage: 'final' } });
  });

  it('RETRY without an Error is a waitForCondition poll: StepSucceeded keeps the state as Result', () => {
    const { core } = makeCore();
    const d = begin(core);
    d.cp([step('s', 'START', { SubType: 'WaitForCondition' }), step('s', 'RETRY', { SubType: 'WaitForCondition', Payload: '{"n":1}', StepOptions: { NextAttemptDelaySeconds: 5 } })]);
    expect(op(core, d.arn, 's').StepDetails).toEqual({ Attempt: 1, Result: '{"n":1}', NextAttemptTimestamp: new Date(T0 + 5000) });
    expect(events(core, d.arn)[1]).toEqual({
      EventType: 'StepSucceeded',
      Id: 's',
      SubType: 'WaitForCondition',
      StepSucceededDetails: { Result: { Payload: '{"n":1}', Truncated: false }, RetryDetails: { CurrentAttempt: 1, NextAttemptDelaySeconds: 5 } },
    });
  });

  it('RETRY from READY and SUCCEED from READY are allowed', () => {
    const { core, clock } = makeCore();
    const d = begin(core);
    d.cp([step('s', 'RETRY', { Error: {}, StepOptions: { NextAttemptDelaySeconds: 1 } })]);
    d.end({ Status: 'PENDING' });
    clock.advance(1);
    core.fireDueTimers();
    const d2 = d.next();
    d2.cp([step('s', 'RETRY', { Error: {}, StepOptions: { NextAttemptDelaySeconds: 1 } })]);
    d2.end({ Status: 'PENDING' });
    clock.advance(1);
    core.fireDueTimers();
    const d3 = d.next();
    d3.cp([step('s', 'SUCCEED', { Payload: '3' })]);
    expect(op(core, d.arn, 's')).toMatchObject({ Status: 'SUCCEEDED', StepDetails: { Attempt: 3, Result: '3' } });
    expect(history(core, d.arn).filter((e) => e.EventType?.startsWith('Step')).map((e) => [e.EventType, e.StepFailedDetails?.RetryDetails ?? e.StepSucceededDetails?.RetryDetails])).toEqual([
      ['StepFailed', { CurrentAttempt: 1, NextAttemptDelaySeconds: 1 }],
      ['StepFailed', { CurrentAttempt: 2, NextAttemptDelaySeconds: 1 }],
      ['StepSucceeded', { CurrentAttempt: 3 }],
    ]);
  });
});

describe('CONTEXT transitions', () => {
  it('START records ReplayChildren; SUCCEED/FAIL store Result/Error and update ReplayChildren when sent', () => {
    const { core } = makeCore();
    const d = begin(core);
    d.cp([ctx('a', 'START', { Name: 'child', ContextOptions: { ReplayChildren: true } }), ctx('b', 'START')]);
    expect(op(core, d.arn, 'a')).toMatchObject({ Status: 'STARTED', ContextDetails: { ReplayChildren: true } });
    expect(op(core, d.arn, 'b').ContextDetails).toEqual({});
    d.cp([ctx('a', 'SUCCEED', { Name: 'child', Payload: '{"big":false}', ContextOptions: { ReplayChildren: false } })]);
    d.cp([ctx('b', 'FAIL', { Error: { ErrorType: 'X' } })]);
    expect(op(core, d.arn, 'a')).toMatchObject({ Status: 'SUCCEEDED', ContextDetails: { ReplayChildren: false, Result: '{"big":false}' } });
    expect(op(core, d.arn, 'b')).toMatchObject({ Status: 'FAILED', ContextDetails: { Error: { ErrorType: 'X' } } });
    expect(events(core, d.arn)).toEqual([
      { EventType: 'ContextStarted', Id: 'a', Name: 'child', SubType: 'RunInChildContext', ContextStartedDetails: {} },
      { EventType: 'ContextStarted', Id: 'b', SubType: 'RunInChildContext', ContextStartedDetails: {} },
      { EventType: 'ContextSucceeded', Id: 'a', Name: 'child', SubType: 'RunInChildContext', ContextSucceededDetails: { Result: { Payload: '{"big":false}', Truncated: false } } },
      { EventType: 'ContextFailed', Id: 'b', SubType: 'RunInChildContext', ContextFailedDetails: { Error: { Payload: { ErrorType: 'X' }, Truncated: false } } },
    ]);
  });

  it('children carry their ParentId into events', () => {
    const { core } = makeCore();
    const d = begin(core);
    d.cp([ctx('c', 'START'), step('s', 'START', { ParentId: 'c' })]);
    expect(history(core, d.arn)[2]).toMatchObject({ EventType: 'StepStarted', Id: 's', ParentId: 'c' });
  });
});

describe('WAIT transitions', () => {
  it('START sets ScheduledEndTimestamp; the timer completes it with WaitSucceeded{Duration}', () => {
    const { core, clock } = makeCore();
    const d = begin(core);
    d.cp([wait('w', 5)]);
    expect(op(core, d.arn, 'w')).toMatchObject({ Status: 'STARTED', WaitDetails: { ScheduledEndTimestamp: new Date(T0 + 5000) } });
    d.end({ Status: 'PENDING' });
    clock.advance(5);
    core.fireDueTimers();
    expect(op(core, d.arn, 'w')).toMatchObject({ Status: 'SUCCEEDED', EndTimestamp: new Date(T0 + 5000) });
    expect(events(core, d.arn)).toEqual([
      { EventType: 'WaitStarted', Id: 'w', SubType: 'Wait', WaitStartedDetails: { Duration: 5, ScheduledEndTimestamp: new Date(T0 + 5000) } },
      expect.objectContaining({ EventType: 'InvocationCompleted' }),
      { EventType: 'WaitSucceeded', Id: 'w', SubType: 'Wait', WaitSucceededDetails: { Duration: 5 } },
    ]);
  });

  it('CANCEL makes it CANCELLED with WaitCancelled and disarms the timer', () => {
    const { core } = makeCore();
    const d = begin(core);
    d.cp([wait('w', 5), wait('v', 6)]);
    d.cp([{ Id: 'w', Type: 'WAIT', SubType: 'Wait', Action: 'CANCEL' }, { Id: 'v', Type: 'WAIT', Action: 'CANCEL', Error: { ErrorMessage: 'x' } }]);
    expect(op(core, d.arn, 'w').Status).toBe('CANCELLED');
    expect(core.nextTimerAt()).toBe(T0 + 86400 * 1000);
    expect(events(core, d.arn).slice(2)).toEqual([
      { EventType: 'WaitCancelled', Id: 'w', SubType: 'Wait', WaitCancelledDetails: {} },
      { EventType: 'WaitCancelled', Id: 'v', SubType: 'Wait', WaitCancelledDetails: { Error: { Payload: { ErrorMessage: 'x' }, Truncated: false } } },
    ]);
  });
});

describe('CALLBACK transitions', () => {
  it('START creates a CallbackId and CallbackStarted with the timeouts that are set', () => {
    const { core } = makeCore();
    const d = begin(core);
    const res = d.cp([callback('a', { TimeoutSeconds: 60, HeartbeatTimeoutSeconds: 10 }), callback('b')]);
    const a = op(core, d.arn, 'a');
    expect(a.CallbackDetails?.CallbackId).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(res.NewExecutionState?.Operations?.find((o) => o.Id === 'a')?.CallbackDetails?.CallbackId).toBe(a.CallbackDetails?.CallbackId);
    expect(events(core, d.arn)).toEqual([
      { EventType: 'CallbackStarted', Id: 'a', SubType: 'Callback', CallbackStartedDetails: { CallbackId: a.CallbackDetails?.CallbackId, Timeout: 60, HeartbeatTimeout: 10 } },
      { EventType: 'CallbackStarted', Id: 'b', SubType: 'Callback', CallbackStartedDetails: { CallbackId: op(core, d.arn, 'b').CallbackDetails?.CallbackId } },
    ]);
    expect(core.nextTimerAt()).toBe(T0 + 10_000);
  });

  it('CANCEL makes it CANCELLED without an event and drops its timers', () => {
    const { core } = makeCore();
    const d = begin(core);
    d.cp([callback('a', { TimeoutSeconds: 60 })]);
    d.cp([{ Id: 'a', Type: 'CALLBACK', Action: 'CANCEL' }]);
    expect(op(core, d.arn, 'a').Status).toBe('CANCELLED');
    expect(history(core, d.arn).map((e) => e.EventType)).toEqual(['ExecutionStarted', 'CallbackStarted']);
    expect(core.nextTimerAt()).toBe(T0 + 86400 * 1000);
  });
});

describe('EXECUTION updates', () => {
  it('SUCCEED stores the result whatever the Id; the response has no token; the result wins at the end', () => {
    const { core } = makeCore();
    const d = begin(core);
    const res = d.cp([step('s', 'SUCCEED'), { Id: 'execution-result-17', Type: 'EXECUTION', Action: 'SUCCEED', Payload: '"big"' }]);
    expect(res.CheckpointToken).toBeUndefined();
    expect(core.getExecution({ DurableExecutionArn: d.arn }).Status).toBe('RUNNING');
    d.end({ Status: 'SUCCEEDED', Result: '' });
    const exec = core.getExecution({ DurableExecutionArn: d.arn });
    expect(exec).toMatchObject({ Status: 'SUCCEEDED', Result: '"big"' });
    expect(history(core, d.arn).slice(-2).map((e) => e.EventType)).toEqual(['InvocationCompleted', 'ExecutionSucceeded']);
    expect(history(core, d.arn).at(-1)?.ExecutionSucceededDetails).toEqual({ Result: { Payload: '"big"', Truncated: false } });
    expect(op(core, d.arn, exec.DurableExecutionArn?.split('/').at(-1) as string).Status).toBe('SUCCEEDED');
  });

  it('FAIL fails the execution when the invocation ends', () => {
    const { core } = makeCore();
    const d = begin(core);
    d.cp([{ Id: 'x', Type: 'EXECUTION', Action: 'FAIL', Error: { ErrorType: 'Big', ErrorMessage: 'm' } }]);
    d.end({ Status: 'FAILED', Error: { ErrorType: 'Other' } });
    expect(core.getExecution({ DurableExecutionArn: d.arn })).toMatchObject({ Status: 'FAILED', Error: { ErrorType: 'Big', ErrorMessage: 'm' } });
  });
});
