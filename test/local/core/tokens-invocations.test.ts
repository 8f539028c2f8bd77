import { begin, eventTypes, history, makeCore, serviceError, step, wait } from './helpers';

const invalidToken = (fn: () => unknown) => {
  const err = serviceError(fn);
  expect([err.name, err.httpStatus, err.message]).toEqual(['InvalidParameterValueException', 400, 'Invalid checkpoint token']);
};

describe('checkpoint tokens (§3.1, §4.1 item 1)', () => {
  it('chains: each checkpoint consumes its token and returns a fresh one', () => {
    const { core } = makeCore();
    const d = begin(core);
    const seed = d.token;
    const res = d.cp([step('a', 'START')]);
    expect(res.CheckpointToken).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(res.CheckpointToken).not.toBe(seed);
    invalidToken(() => core.checkpoint({ DurableExecutionArn: d.arn, CheckpointToken: seed, Updates: [] }));
    expect(() => d.cp([])).not.toThrow();
  });

  it('rejects unknown tokens, tokens of another execution and a malformed ARN', () => {
    const { core } = makeCore();
    const d = begin(core);
    const other = begin(core);
    invalidToken(() => core.checkpoint({ DurableExecutionArn: d.arn, CheckpointToken: 'bm90LWEtdG9rZW4=' }));
    invalidToken(() => core.checkpoint({ DurableExecutionArn: d.arn, CheckpointToken: other.token }));
    invalidToken(() => core.checkpoint({ DurableExecutionArn: 'arn:aws:lambda:nope', CheckpointToken: d.token }));
    invalidToken(() => core.checkpoint({ DurableExecutionArn: d.arn, CheckpointToken: 'not base64!' }));
  });

  it('a new invocation supersedes every token of the previous one', () => {
    const { core } = makeCore();
    const d = begin(core);
    d.cp([wait('w', 1)]);
    const old = d.token;
    d.fail('crash');
    const d2 = d.next();
    invalidToken(() => core.checkpoint({ DurableExecutionArn: d.arn, CheckpointToken: old }));
    invalidToken(() => core.getState({ DurableExecutionArn: d.arn, CheckpointToken: old }));
    expect(() => d2.cp([])).not.toThrow();
  });

  it('tokens die when their invocation ends', () => {
    const { core } = makeCore();
    const d = begin(core);
    d.cp([wait('w', 10)]);
    d.end({ Status: 'PENDING' });
    invalidToken(() => d.cp([]));
  });

  it('GetState accepts any token of the running invocation, consumed ones included', () => {
    const { core } = makeCore();
    const d = begin(core);
    const seed = d.token;
    d.cp([step('a', 'START')]);
    d.cp([step('a', 'SUCCEED')]);
    expect(core.getState({ DurableExecutionArn: d.arn, CheckpointToken: seed }).Operations).toHaveLength(2);
    expect(core.getState({ DurableExecutionArn: d.arn, CheckpointToken: d.token }).Operations).toHaveLength(2);
    const err = serviceError(() => core.getState({ DurableExecutionArn: d.arn, CheckpointToken: undefined }));
    expect(err.message).toBe('Checkpoint token is required');
  });

  it('replays the stored response for a repeated ClientToken, even though its token was consumed', () => {
    const { core, clock } = makeCore();
    const d = begin(core);
    const seed = d.token;
    const first = d.cp([step('a', 'START')], 'client-1');
    const again = core.checkpoint({ DurableExecutionArn: d.arn, CheckpointToken: seed, Updates: [step('a', 'START')], ClientToken: 'client-1' });
    expect(again).toEqual(first);
    expect(eventTypes(core, d.arn)).toEqual(['ExecutionStarted', 'StepStarted']);
    // The replayed response's token is still the live one.
    expect(() => d.cp([step('a', 'SUCCEED')])).not.toThrow();
    // After 15 minutes the entry is gone and the consumed token is just stale.
    clock.advance(15 * 60);
    invalidToken(() => core.checkpoint({ DurableExecutionArn: d.arn, CheckpointToken: seed, ClientToken: 'client-1' }));
  });

  it('a different ClientToken with a consumed token is rejected; a malformed ClientToken is named', () => {
    const { core } = makeCore();
    const d = begin(core);
    const seed = d.token;
    d.cp([], 'client-1');
    invalidToken(() => core.checkpoint({ DurableExecutionArn: d.arn, CheckpointToken: seed, ClientToken: 'client-2' }));
    expect(serviceError(() => d.cp([], 'has space')).message).toMatch(/^Invalid ClientToken/);
  });

  it('a rejected checkpoint does not consume its token', () => {
    const { core } = makeCore();
    const d = begin(core);
    const token = d.token;
    serviceError(() => d.cp([step('a', 'CANCEL')]));
    expect(() => core.checkpoint({ DurableExecutionArn: d.arn, CheckpointToken: token, Updates: [] })).not.toThrow();
  });
});

describe('NewExecutionState (§3.1 emulator rule)', () => {
  it('returns every operation changed since the last response, including service-side changes, never paginated', () => {
    const { core, clock } = makeCore({ initialStatePageSize: 1 });
    const d = begin(core);
    const r1 = d.cp([step('a', 'START'), wait('w', 2)]);
    expect(r1.NewExecutionState?.Operations?.map((o) => o.Id)).toEqual(['a', 'w']);
    expect(r1.NewExecutionState?.NextMarker).toBeUndefined();
    const r2 = d.cp([]);
    expect(r2.NewExecutionState?.Operations).toEqual([]);
    clock.advance(2);
    core.fireDueTimers();
    const r3 = d.cp([step('a', 'SUCCEED')]);
    expect(r3.NewExecutionState?.Operations?.map((o) => [o.Id, o.Status])).toEqual([
      ['a', 'SUCCEEDED'],
      ['w', 'SUCCEEDED'],
    ]);
    const many = d.cp(Array.from({ length: 150 }, (_, i) => step(`s${i}`, 'SUCCEED')));
    expect(many.NewExecutionState?.Operations).toHaveLength(150);
    expect(many.NewExecutionState?.NextMarker).toBeUndefined();
  });

  it('starts from the state the invocation received', () => {
    const { core, clock } = makeCore();
    const d = begin(core);
    d.cp([wait('w', 1)]);
    d.end({ Status: 'PENDING' });
    clock.advance(1);
    core.fireDueTimers();
    const d2 = d.next();
    expect(d2.start.event.InitialExecutionState.Operations.find((o) => o.Id === 'w')?.Status).toBe('SUCCEEDED');
    expect(d2.cp([]).NewExecutionState?.Operations).toEqual([]);
  });
});

describe('invocation output (§1.3) and re-invocation (§4.3)', () => {
  it('needs an invocation at start, not while one runs, and not after PENDING with nothing new', () => {
    const { core } = makeCore();
    const { executionArn } = core.startExecution({ functionName: 'orders:$LATEST', invocationType: 'Event' });
    expect(core.executionsNeedingInvocation()).toEqual([{ executionArn, functionName: 'orders', executedVersion: '$LATEST' }]);
    const start = core.beginInvocation(executionArn);
    expect(core.isInvocationRunning(executionArn)).toBe(true);
    expect(core.executionsNeedingInvocation()).toEqual([]);
    expect(serviceError(() => core.beginInvocation(executionArn)).message).toMatch(/is still running/);
    core.checkpoint({ DurableExecutionArn: executionArn, CheckpointToken: start.event.CheckpointToken, Updates: [wait('w', 10)] });
    core.endInvocation(executionArn, start.invocationId, { kind: 'returned', output: { Status: 'PENDING' } });
    expect(core.isInvocationRunning(executionArn)).toBe(false);
    expect(core.executionsNeedingInvocation()).toEqual([]);
  });

  it('invokes again at once when something changed during an invocation that returned PENDING', () => {
    const { core, clock } = makeCore();
    const d = begin(core);
    d.cp([wait('short', 1), wait('long', 100)]);
    clock.advance(1);
    core.fireDueTimers();
    expect(core.executionsNeedingInvocation()).toEqual([]);
    d.end({ Status: 'PENDING' });
    expect(core.executionsNeedingInvocation().map((s) => s.executionArn)).toEqual([d.arn]);
  });

  it('SUCCEEDED with a Result ends the execution after InvocationCompleted', () => {
    const { core } = makeCore();
    const d = begin(core, '{"a":1}');
    d.end({ Status: 'SUCCEEDED', Result: '{"ok":true}' });
    const h = history(core, d.arn);
    expect(h.map((e) => e.EventType)).toEqual(['ExecutionStarted', 'InvocationCompleted', 'ExecutionSucceeded']);
    expect(h[1].InvocationCompletedDetails).toEqual({
      StartTimestamp: expect.any(Date),
      EndTimestamp: expect.any(Date),
      RequestId: d.start.requestId,
    });
    expect(h[2]).toMatchObject({ Id: d.arn.split('/').at(-1), ExecutionSucceededDetails: { Result: { Payload: '{"ok":true}', Truncated: false } } });
    expect(core.executionsNeedingInvocation()).toEqual([]);
  });

  it('FAILED records the Error on InvocationCompleted and ExecutionFailed', () => {
    const { core } = makeCore();
    const d = begin(core);
    const error = { ErrorType: 'TypeError', ErrorMessage: 'bad', StackTrace: ['at x'] };
    d.end({ Status: 'FAILED', Error: error });
    const h = history(core, d.arn);
    expect(h[1].InvocationCompletedDetails?.Error).toEqual({ Payload: error, Truncated: false });
    expect(h[2].ExecutionFailedDetails).toEqual({ Error: { Payload: error, Truncated: false } });
    expect(core.getExecution({ DurableExecutionArn: d.arn })).toMatchObject({ Status: 'FAILED', Error: error });
  });

  it.each([
    ['PENDING with nothing pending', { Status: 'PENDING' }, /^Cannot return PENDING status with no pending operations$/],
    ['undefined', undefined, /^The handler returned undefined/],
    ['a plain value', 42, /^The handler returned 42/],
    ['an unknown Status', { Status: 'DONE' }, /^The handler returned \{"Status":"DONE"\}/],
    ['a non-string Result', { Status: 'SUCCEEDED', Result: { a: 1 } }, /non-string Result/],
    ['FAILED without Error', { Status: 'FAILED' }, /invalid Error: Error is required/],
  ])('treats %s as an invocation error and retries with backoff', (_name, output, message) => {
    const { core, clock } = makeCore();
    const d = begin(core);
    d.end(output);
    const h = history(core, d.arn);
    expect(h.map((e) => e.EventType)).toEqual(['ExecutionStarted', 'InvocationCompleted']);
    expect(h[1].InvocationCompletedDetails?.Error?.Payload?.ErrorMessage).toMatch(message);
    expect(core.getExecution({ DurableExecutionArn: d.arn }).Status).toBe('RUNNING');
    expect(core.executionsNeedingInvocation()).toEqual([]);
    expect(core.nextTimerAt()).toBe(clock.now() + 1000);
  });

  it('backs off 1 s, 2 s, 4 s … capped at 60 s, and resets after a clean invocation', () => {
    const { core, clock } = makeCore();
    const d = begin(core);
    d.fail();
    const delays: number[] = [];
    let driverNow = d;
    for (let i = 0; i < 8; i++) {
      const at = core.nextTimerAt() as number;
      delays.push((at - clock.now()) / 1000);
      clock.ms = at;
      core.fireDueTimers();
      expect(core.executionsNeedingInvocation()).toHaveLength(1);
      driverNow = driverNow.next();
      if (i < 7) driverNow.fail();
    }
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 60, 60]);
    driverNow.cp([wait('w', 1)]);
    driverNow.end({ Status: 'PENDING' });
    clock.advance(1);
    core.fireDueTimers();
    const after = driverNow.next();
    after.fail();
    expect((core.nextTimerAt() as number) - clock.now()).toBe(1000);
  });

  it('a service change during backoff invokes at once', () => {
    const { core, clock } = makeCore();
    const d = begin(core);
    d.cp([wait('w', 1)]);
    d.fail();
    // A wait finishing before the 1 s backoff: the change wins.
    clock.advance(1);
    core.fireDueTimers();
    expect(core.executionsNeedingInvocation()).toHaveLength(1);
  });

  it('treats a malformed host outcome as an invocation error', () => {
    const { core } = makeCore();
    const d = begin(core);
    core.endInvocation(d.arn, d.start.invocationId, { kind: 'crashed' } as never);
    expect(history(core, d.arn)[1].InvocationCompletedDetails?.Error?.Payload?.ErrorType).toBe('InvalidInvocationOutcome');
    expect(core.getExecution({ DurableExecutionArn: d.arn }).Status).toBe('RUNNING');
  });

  it('rejects unknown or finished invocations', () => {
    const { core } = makeCore();
    const d = begin(core);
    expect(serviceError(() => core.endInvocation(d.arn, 'nope', { kind: 'returned', output: { Status: 'PENDING' } })).message).toMatch(/^Unknown invocation nope/);
    d.cp([wait('w', 1)]);
    d.end({ Status: 'PENDING' });
    expect(serviceError(() => d.end({ Status: 'PENDING' })).message).toMatch(/has already ended/);
  });
});
