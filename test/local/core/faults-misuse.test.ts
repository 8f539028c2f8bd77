import type { Event } from '@aws-sdk/client-lambda';
import { begin, callback, history, makeCore, op, serviceError, step, wait } from './helpers';

function failedInvocations(events: Event[]): Event[] {
  return events.filter((e) => e.EventType === 'InvocationCompleted' && e.InvocationCompletedDetails?.Error !== undefined);
}

describe('a PENDING judged against what the invocation could see (§4.3)', () => {
  it('a callback answered between the last checkpoint and the return: no failed invocation, re-invoked at once', () => {
    const { core } = makeCore();
    const d = begin(core);
    d.cp([callback('cb', { TimeoutSeconds: 300 })]);
    const callbackId = op(core, d.arn, 'cb').CallbackDetails?.CallbackId as string;
    // The invocation decided to suspend on the STARTED callback it saw; the answer arrives before it returns.
    core.sendCallbackSuccess(callbackId, '"yes"');
    d.end({ Status: 'PENDING' });
    expect(failedInvocations(history(core, d.arn))).toEqual([]);
    expect(core.executionsNeedingInvocation().map((s) => s.executionArn)).toEqual([d.arn]);
    // Nothing was armed for a backoff: the re-invocation is immediate, and it sees the result.
    const next = d.next();
    expect(next.start.event.InitialExecutionState?.Operations?.find((o) => o.Id === 'cb')?.Status).toBe('SUCCEEDED');
    next.cp([{ Id: d.arn.split('/').at(-1), Type: 'EXECUTION', Action: 'SUCCEED', Payload: '"yes"' }]);
    next.end({ Status: 'SUCCEEDED', Result: '"yes"' });
    expect(core.getExecution({ DurableExecutionArn: d.arn }).Status).toBe('SUCCEEDED');
    expect(failedInvocations(history(core, d.arn))).toEqual([]);
  });

  it('a wait that fires between the last checkpoint and the return: no failed invocation, re-invoked at once', () => {
    const { core, clock } = makeCore();
    const d = begin(core);
    d.cp([wait('w', 5)]);
    clock.advance(5);
    core.fireDueTimers();
    expect(op(core, d.arn, 'w').Status).toBe('SUCCEEDED');
    d.end({ Status: 'PENDING' });
    expect(failedInvocations(history(core, d.arn))).toEqual([]);
    expect(core.executionsNeedingInvocation().map((s) => s.executionArn)).toEqual([d.arn]);
    expect(core.nextTimerAt()).toBe(Date.UTC(2025, 0, 2, 12)); // only the execution timeout: no backoff timer
  });

  it('a change the invocation was shown is no excuse: PENDING with nothing pending and nothing new is still invalid', () => {
    const { core, clock } = makeCore();
    const d = begin(core);
    d.cp([wait('w', 5)]);
    clock.advance(5);
    core.fireDueTimers();
    d.cp([step('s', 'SUCCEED', { Payload: '1' })]); // this response delivers the finished wait
    d.end({ Status: 'PENDING' });
    const failed = failedInvocations(history(core, d.arn));
    expect(failed).toHaveLength(1);
    expect(failed[0].InvocationCompletedDetails?.Error?.Payload).toEqual({
      ErrorType: 'InvalidDurableExecutionOutput',
      ErrorMessage: 'Cannot return PENDING status with no pending operations',
    });
  });
});

describe('ClientToken idempotency', () => {
  it('a repeat with the same ClientToken but other Updates is refused by name, and nothing is dropped', () => {
    const { core } = makeCore();
    const d = begin(core);
    const seed = d.token;
    d.cp([step('a', 'START')], 'client-1');
    const err = serviceError(() =>
      core.checkpoint({ DurableExecutionArn: d.arn, CheckpointToken: seed, Updates: [step('b', 'START')], ClientToken: 'client-1' }),
    );
    expect(err).toMatchObject({ name: 'InvalidParameterValueException', httpStatus: 400 });
    expect(err.message).toMatch(/ClientToken "client-1" was already used with different parameters/);
    // Also refused with the live token: the same ClientToken cannot carry a new request.
    const again = serviceError(() => core.checkpoint({ DurableExecutionArn: d.arn, CheckpointToken: d.token, Updates: [step('b', 'START')], ClientToken: 'client-1' }));
    expect(again.message).toMatch(/client-1/);
    expect(core.getOperations(d.arn).map((o) => o.Id)).not.toContain('b');
    // The update goes through under a new ClientToken.
    d.cp([step('b', 'START')], 'client-2');
    expect(op(core, d.arn, 'b').Status).toBe('STARTED');
  });

  it('an identical repeat (same token, same updates, keys in another order) gets the stored response', () => {
    const { core } = makeCore();
    const d = begin(core);
    const seed = d.token;
    const first = d.cp([step('a', 'SUCCEED', { Payload: '1' })], 'client-1');
    const reordered = { Payload: '1', Action: 'SUCCEED' as const, SubType: 'Step', Type: 'STEP' as const, Id: 'a' };
    expect(core.checkpoint({ DurableExecutionArn: d.arn, CheckpointToken: seed, Updates: [reordered], ClientToken: 'client-1' })).toEqual(first);
  });

  it('compares a repeat with the request as it was sent, whatever its objects became afterwards', () => {
    const { core } = makeCore();
    const d = begin(core);
    const seed = d.token;
    const updates = [step('a', 'SUCCEED', { Payload: '1' })];
    const first = d.cp(updates, 'client-1');
    (updates[0] as { Payload?: string }).Payload = '2';
    const repeat = (payload: string) => core.checkpoint({ DurableExecutionArn: d.arn, CheckpointToken: seed, Updates: [step('a', 'SUCCEED', { Payload: payload })], ClientToken: 'client-1' });
    expect(repeat('1')).toEqual(first);
    expect(serviceError(() => repeat('2')).message).toMatch(/already used with different parameters/);
  });

  it('a forged checkpoint token with a known ClientToken gets "Invalid checkpoint token", not a usable token', () => {
    const { core } = makeCore();
    const d = begin(core);
    d.cp([step('a', 'START')], 'client-1');
    const forged = Buffer.from('forged-token').toString('base64');
    const err = serviceError(() => core.checkpoint({ DurableExecutionArn: d.arn, CheckpointToken: forged, Updates: [step('a', 'START')], ClientToken: 'client-1' }));
    expect(err.message).toBe('Invalid checkpoint token');
  });
});

describe('history records', () => {
  it('writes Truncated: false on every EventInput, EventResult and EventError it records', () => {
    const { core, clock } = makeCore();
    const d = begin(core, '{"order":1}');
    d.cp([
      step('s', 'SUCCEED', { Payload: '"ok"' }),
      step('f', 'FAIL', { Error: { ErrorType: 'E', ErrorMessage: 'm' } }),
      { Id: 'c', Type: 'CONTEXT', SubType: 'RunInChildContext', Action: 'SUCCEED' },
      callback('cb', { TimeoutSeconds: 5 }),
    ]);
    d.end({ Status: 'PENDING' });
    clock.advance(5);
    core.fireDueTimers();
    const next = d.next();
    next.end({ Status: 'FAILED', Error: { ErrorType: 'Done', ErrorMessage: 'x' } });
    const shapes: Array<[string, string, unknown]> = [];
    for (const event of history(core, d.arn)) {
      for (const [key, details] of Object.entries(event)) {
        if (!key.endsWith('Details') || !details || typeof details !== 'object') continue;
        for (const member of ['Input', 'Result', 'Error']) {
          const shape = (details as Record<string, unknown>)[member];
          if (shape !== undefined) shapes.push([event.EventType as string, member, (shape as { Truncated?: unknown }).Truncated]);
        }
      }
    }
    expect(shapes.map(([type, member]) => `${type}.${member}`)).toEqual(
      expect.arrayContaining([
        'ExecutionStarted.Input',
        'StepSucceeded.Result',
        'StepFailed.Error',
        'ContextSucceeded.Result',
        'CallbackTimedOut.Error',
        'InvocationCompleted.Error',
        'ExecutionFailed.Error',
      ]),
    );
    expect(shapes.filter(([, , truncated]) => truncated !== false)).toEqual([]);
  });

  it('a timed-out callback has ErrorType Callback.Timeout, a missed heartbeat Callback.Heartbeat', () => {
    const { core, clock } = makeCore();
    const d = begin(core);
    d.cp([callback('t', { TimeoutSeconds: 10 }), callback('h', { TimeoutSeconds: 100, HeartbeatTimeoutSeconds: 5 })]);
    d.end({ Status: 'PENDING' });
    clock.advance(5);
    core.fireDueTimers();
    clock.advance(5);
    core.fireDueTimers();
    expect(op(core, d.arn, 't').CallbackDetails?.Error).toEqual({ ErrorType: 'Callback.Timeout', ErrorMessage: 'Callback timed out' });
    expect(op(core, d.arn, 'h').CallbackDetails?.Error).toEqual({ ErrorType: 'Callback.Heartbeat', ErrorMessage: 'Callback timed out on heartbeat' });
    const timedOut = history(core, d.arn).filter((e) => e.EventType === 'CallbackTimedOut');
    expect(timedOut.map((e) => [e.Id, e.CallbackTimedOutDetails?.Error?.Payload?.ErrorType])).toEqual([
      ['h', 'Callback.Heartbeat'],
      ['t', 'Callback.Timeout'],
    ]);
  });
});
