import { DurableServiceCore, parseExecutionArn } from '../../../local/core';
import { FN, ManualClock, begin, callback, eventTypes, history, makeCore, serviceError, step, wait } from './helpers';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

function coreWithVersions() {
  return makeCore({}, { versions: ['1', '2'], aliases: { live: '2', edge: '$LATEST' } });
}

describe('starting executions (§6.1, §7)', () => {
  it('builds the §7 ARN with a random UUID id and the resolved version', () => {
    const { core } = makeCore();
    const { executionArn, executedVersion, created } = core.startExecution({
      functionName: 'orders:$LATEST',
      executionName: 'order-42',
      payload: '{"a":1}',
      invocationType: 'Event',
    });
    expect([executedVersion, created]).toEqual(['$LATEST', true]);
    expect(executionArn).toMatch(
      /^arn:aws:lambda:us-east-1:123456789012:function:orders:\$LATEST\/durable-execution\/order-42\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(parseExecutionArn(executionArn)).toMatchObject({ functionName: 'orders', qualifier: '$LATEST', executionName: 'order-42' });
    expect(history(core, executionArn)[0]).toMatchObject({
      EventId: 1,
      EventType: 'ExecutionStarted',
      Id: parseExecutionArn(executionArn)?.executionId,
      ExecutionStartedDetails: { Input: { Payload: '{"a":1}' }, ExecutionTimeout: 86400 },
    });
  });

  it.each([
    ['orders:1', undefined, '1'],
    ['orders', '2', '2'],
    ['orders:live', undefined, '2'],
    ['orders', 'edge', '$LATEST'],
    ['123456789012:function:orders:1', undefined, '1'],
    ['arn:aws:lambda:us-east-1:123456789012:function:orders:live', undefined, '2'],
    ['arn:aws:lambda:us-east-1:123456789012:function:orders', '$LATEST', '$LATEST'],
  ])('resolves %s (Qualifier %s) to version %s; the ARN never carries an alias', (functionName, qualifier, version) => {
    const { core } = coreWithVersions();
    const res = core.startExecution({ functionName, qualifier, invocationType: 'Event' });
    expect(res.executedVersion).toBe(version);
    expect(parseExecutionArn(res.executionArn)?.qualifier).toBe(version);
  });

  it.each(['orders', '123456789012:function:orders', 'arn:aws:lambda:us-east-1:123456789012:function:orders'])(
    'rejects the unqualified %s with the exact message',
    (functionName) => {
      const { core } = coreWithVersions();
      const err = serviceError(() => core.startExecution({ functionName, invocationType: 'Event' }));
      expect([err.name, err.httpStatus, err.message]).toEqual([
        'InvalidParameterValueException',
        400,
        'You cannot invoke a durable function using an unqualified ARN.',
      ]);
    },
  );

  it('reports unknown functions, versions and aliases as 404, and malformed names and conflicting qualifiers as 400', () => {
    const { core } = coreWithVersions();
    const nf = (functionName: string, qualifier?: string) => serviceError(() => core.startExecution({ functionName, qualifier, invocationType: 'Event' }));
    expect(nf('nope:$LATEST')).toMatchObject({ name: 'ResourceNotFoundException', httpStatus: 404 });
    expect(nf('orders:7').message).toMatch(/version 7 is not published/);
    expect(nf('orders:beta').message).toMatch(/no version or alias "beta"/);
    expect(nf('arn:aws:lambda:eu-west-1:123456789012:function:orders:1').name).toBe('ResourceNotFoundException');
    expect(nf('not a name').name).toBe('InvalidParameterValueException');
    expect(nf('orders:1', '2').message).toMatch(/does not match the Qualifier parameter/);
  });

  it('is idempotent by DurableExecutionName: same payload ⇒ same ARN, different ⇒ 409', () => {
    const { core } = makeCore();
    const first = core.startExecution({ functionName: 'orders:$LATEST', executionName: 'n1', payload: '{"a":1}', invocationType: 'Event' });
    const again = core.startExecution({ functionName: 'orders:$LATEST', executionName: 'n1', payload: '{"a":1}', invocationType: 'RequestResponse' });
    expect(again).toEqual({ ...first, created: false });
    const err = serviceError(() => core.startExecution({ functionName: 'orders:$LATEST', executionName: 'n1', payload: '{"a":2}', invocationType: 'Event' }));
    expect([err.name, err.httpStatus]).toEqual(['DurableExecutionAlreadyStartedException', 409]);
    expect(core.listExecutions({ FunctionName: FN }).DurableExecutions).toHaveLength(1);
    expect(serviceError(() => core.startExecution({ functionName: 'orders:$LATEST', executionName: 'bad name', invocationType: 'Event' })).message).toMatch(
      /^Invalid DurableExecutionName "bad name"/,
    );
  });

  it('limits the input to 6 MB synchronous and 1 MB asynchronous (413)', () => {
    const { core } = makeCore();
    const big = 'x'.repeat(1024 * 1024 + 1);
    expect(serviceError(() => core.startExecution({ functionName: 'orders:$LATEST', payload: big, invocationType: 'Event' }))).toMatchObject({
      name: 'RequestTooLargeException',
      httpStatus: 413,
    });
    expect(core.startExecution({ functionName: 'orders:$LATEST', payload: big, invocationType: 'RequestResponse' }).created).toBe(true);
  });

  it('validates function definitions with clear messages', () => {
    const core = new DurableServiceCore({ clock: new ManualClock() });
    expect(() => core.registerFunction({ functionName: 'f', durableConfig: { executionTimeoutSeconds: 0 } })).toThrow(/executionTimeoutSeconds 0/);
    expect(() => core.registerFunction({ functionName: 'f', durableConfig: { executionTimeoutSeconds: 1, retentionPeriodDays: 91 } })).toThrow(/retentionPeriodDays 91/);
    expect(() => core.registerFunction({ functionName: 'f', durableConfig: { executionTimeoutSeconds: 1 }, aliases: { live: '3' } })).toThrow(/not in versions/);
  });
});

describe('GetDurableExecution (§6.2)', () => {
  it('describes a running and a finished execution; IncludeExecutionData=false drops payloads', () => {
    const { core, clock } = makeCore({}, { durableConfig: { executionTimeoutSeconds: 600, retentionPeriodDays: 3 } });
    const d = begin(core, '{"in":1}', 'exec-1');
    expect(core.getExecution({ DurableExecutionArn: d.arn })).toEqual({
      DurableExecutionArn: d.arn,
      DurableExecutionName: 'exec-1',
      FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders:$LATEST',
      Status: 'RUNNING',
      StartTimestamp: new Date(T0),
      InputPayload: '{"in":1}',
      Version: '$LATEST',
      ExecutionDataIncluded: true,
      DurableConfig: { ExecutionTimeout: 600, RetentionPeriodInDays: 3 },
      ExpectedExecutionTimeoutTimestamp: new Date(T0 + 600_000),
    });
    clock.advance(7);
    d.end({ Status: 'SUCCEEDED', Result: '"out"' });
    expect(core.getExecution({ DurableExecutionArn: d.arn })).toMatchObject({ Status: 'SUCCEEDED', Result: '"out"', EndTimestamp: new Date(T0 + 7000) });
    const lean = core.getExecution({ DurableExecutionArn: d.arn, IncludeExecutionData: false });
    expect(lean.InputPayload).toBeUndefined();
    expect(lean.Result).toBeUndefined();
    expect(lean.ExecutionDataIncluded).toBe(false);
    // The deadline is shown only until the execution ends (§9.5).
    expect(lean.ExpectedExecutionTimeoutTimestamp).toBeUndefined();
  });

  it('404 for an unknown ARN, 400 for a malformed one', () => {
    const { core } = makeCore();
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:orders:$LATEST/durable-execution/x/y';
    expect(serviceError(() => core.getExecution({ DurableExecutionArn: arn }))).toMatchObject({ name: 'ResourceNotFoundException', httpStatus: 404 });
    expect(serviceError(() => core.getHistory({ DurableExecutionArn: arn })).name).toBe('ResourceNotFoundException');
    expect(serviceError(() => core.stopExecution({ DurableExecutionArn: arn })).name).toBe('ResourceNotFoundException');
    expect(serviceError(() => core.getExecution({ DurableExecutionArn: 'garbage' })).name).toBe('InvalidParameterValueException');
  });
});

describe('ListDurableExecutionsByFunction (§6.4)', () => {
  function setup() {
    const { core, clock } = coreWithVersions();
    const arns: string[] = [];
    for (const [i, q] of ['1', '2', '$LATEST', 'live', '1'].entries()) {
      arns.push(core.startExecution({ functionName: `orders:${q}`, executionName: `e${i}`, invocationType: 'Event' }).executionArn);
      clock.advance(10);
    }
    core.stopExecution({ DurableExecutionArn: arns[1] });
    return { core, arns };
  }
  const names = (res: { DurableExecutions?: Array<{ DurableExecutionName?: string }> }) => res.DurableExecutions?.map((e) => e.DurableExecutionName);

  it('lists newest first, oldest first with ReverseOrder, and pages with MaxItems', () => {
    const { core } = setup();
    expect(names(core.listExecutions({ FunctionName: 'orders' }))).toEqual(['e4', 'e3', 'e2', 'e1', 'e0']);
    expect(names(core.listExecutions({ FunctionName: 'orders', ReverseOrder: true }))).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    const p1 = core.listExecutions({ FunctionName: 'orders', MaxItems: 2 });
    expect(names(p1)).toEqual(['e4', 'e3']);
    const p2 = core.listExecutions({ FunctionName: 'orders', MaxItems: 2, Marker: p1.NextMarker });
    expect(names(p2)).toEqual(['e2', 'e1']);
    const p3 = core.listExecutions({ FunctionName: 'orders', MaxItems: 2, Marker: p2.NextMarker });
    expect([names(p3), p3.NextMarker]).toEqual([['e0'], undefined]);
  });

  it('filters by qualifier (alias resolves), name, status and start time', () => {
    const { core } = setup();
    expect(names(core.listExecutions({ FunctionName: 'orders', Qualifier: '1' }))).toEqual(['e4', 'e0']);
    expect(names(core.listExecutions({ FunctionName: 'orders:live' }))).toEqual(['e3', 'e1']);
    expect(names(core.listExecutions({ FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:orders', DurableExecutionName: 'e2' }))).toEqual(['e2']);
    expect(names(core.listExecutions({ FunctionName: 'orders', Statuses: ['STOPPED'] }))).toEqual(['e1']);
    expect(names(core.listExecutions({ FunctionName: 'orders', StartedAfter: new Date(T0 + 10_000), StartedBefore: new Date(T0 + 40_000) }))).toEqual(['e3', 'e2']);
    const item = core.listExecutions({ FunctionName: 'orders', Statuses: ['STOPPED'] }).DurableExecutions?.[0];
    expect(Object.keys(item ?? {}).sort()).toEqual(['DurableExecutionArn', 'DurableExecutionName', 'EndTimestamp', 'FunctionArn', 'StartTimestamp', 'Status']);
  });

  it('404 for an unknown function, 400 for bad filters', () => {
    const { core } = setup();
    expect(serviceError(() => core.listExecutions({ FunctionName: 'nope' })).name).toBe('ResourceNotFoundException');
    expect(serviceError(() => core.listExecutions({ FunctionName: 'orders', Statuses: ['DONE' as 'RUNNING'] })).message).toMatch(/Invalid Statuses/);
    expect(serviceError(() => core.listExecutions({ FunctionName: 'orders', MaxItems: 1001 })).name).toBe('InvalidParameterValueException');
  });
});

describe('StopDurableExecution (§6.5)', () => {
  it('stops a running execution, records the error, closes the running invocation first, and drops timers', () => {
    const { core, clock } = makeCore();
    const d = begin(core);
    d.cp([wait('w', 60), callback('cb', { TimeoutSeconds: 10 })]);
    const cbId = core.getOperations(d.arn).find((o) => o.Id === 'cb')?.CallbackDetails?.CallbackId as string;
    clock.advance(3);
    const res = core.stopExecution({ DurableExecutionArn: d.arn, Error: { ErrorType: 'Manual', ErrorMessage: 'enough' } });
    expect(res).toEqual({ StopTimestamp: new Date(T0 + 3000) });
    expect(core.getExecution({ DurableExecutionArn: d.arn })).toMatchObject({ Status: 'STOPPED', Error: { ErrorType: 'Manual', ErrorMessage: 'enough' }, EndTimestamp: new Date(T0 + 3000) });
    const h = history(core, d.arn);
    expect(h.slice(-2).map((e) => e.EventType)).toEqual(['InvocationCompleted', 'ExecutionStopped']);
    expect(h.at(-1)?.ExecutionStoppedDetails).toEqual({ Error: { Payload: { ErrorType: 'Manual', ErrorMessage: 'enough' } } });
    expect(core.nextTimerAt()).toBeUndefined();
    expect(serviceError(() => d.cp([])).message).toBe('Invalid checkpoint token');
    // The host reporting the interrupted invocation's end later changes nothing.
    d.end({ Status: 'PENDING' });
    expect(h.length).toBe(history(core, d.arn).length);
    expect(serviceError(() => core.sendCallbackSuccess(cbId, '1')).name).toBe('InvalidParameterValueException');
    const again = serviceError(() => core.stopExecution({ DurableExecutionArn: d.arn }));
    expect([again.name, again.message]).toEqual(['InvalidParameterValueException', `Cannot stop execution ${d.arn}: it is already STOPPED.`]);
  });
});

describe('execution timeout and retention (§4.3, §7)', () => {
  it('times out: TIMED_OUT, ExecutionTimedOut, timers dropped, later checkpoints get an invalid token', () => {
    const { core, clock } = makeCore({}, { durableConfig: { executionTimeoutSeconds: 30 } });
    const d = begin(core);
    d.cp([wait('w', 100)]);
    d.end({ Status: 'PENDING' });
    expect(core.nextTimerAt()).toBe(T0 + 30_000);
    clock.advance(30);
    core.fireDueTimers();
    const exec = core.getExecution({ DurableExecutionArn: d.arn });
    expect(exec.Status).toBe('TIMED_OUT');
    expect(exec.Error?.ErrorMessage).toMatch(/ExecutionTimeout of 30 seconds/);
    expect(eventTypes(core, d.arn)).toEqual(['ExecutionStarted', 'WaitStarted', 'InvocationCompleted', 'ExecutionTimedOut']);
    expect(core.nextTimerAt()).toBeUndefined();
    expect(core.executionsNeedingInvocation()).toEqual([]);
  });

  it('a timeout during an invocation ends that invocation first', () => {
    const { core, clock } = makeCore({}, { durableConfig: { executionTimeoutSeconds: 5 } });
    const d = begin(core);
    clock.advance(5);
    core.fireDueTimers();
    expect(serviceError(() => d.cp([])).message).toBe('Invalid checkpoint token');
    expect(eventTypes(core, d.arn)).toEqual(['ExecutionStarted', 'InvocationCompleted', 'ExecutionTimedOut']);
    expect(history(core, d.arn)[1].InvocationCompletedDetails?.Error?.Payload?.ErrorType).toBe('InvocationInterrupted');
  });

  it('forgets an execution RetentionPeriodInDays after it ended (404), not before', () => {
    const { core, clock } = makeCore({}, { durableConfig: { executionTimeoutSeconds: 60, retentionPeriodDays: 1 } });
    const d = begin(core, undefined, 'kept');
    d.end({ Status: 'SUCCEEDED' });
    clock.advance(86400 - 1);
    expect(core.getExecution({ DurableExecutionArn: d.arn }).Status).toBe('SUCCEEDED');
    clock.advance(1);
    expect(serviceError(() => core.getExecution({ DurableExecutionArn: d.arn })).name).toBe('ResourceNotFoundException');
    expect(serviceError(() => core.getHistory({ DurableExecutionArn: d.arn })).name).toBe('ResourceNotFoundException');
    expect(core.listExecutions({ FunctionName: FN }).DurableExecutions).toEqual([]);
    // Its name is free again.
    expect(core.startExecution({ functionName: 'orders:$LATEST', executionName: 'kept', payload: '2', invocationType: 'Event' }).created).toBe(true);
  });
});

describe('wake listeners', () => {
  it('notify after each change with a reason, and can be removed', () => {
    const { core, clock } = makeCore();
    const seen: string[] = [];
    const off = core.onWake((w) => seen.push(w.reason));
    const d = begin(core);
    d.cp([wait('w', 1)]);
    d.end({ Status: 'PENDING' });
    clock.advance(1);
    core.fireDueTimers();
    expect(seen).toEqual(['started', 'checkpoint', 'invocation-ended', 'service-change']);
    off();
    d.next().end({ Status: 'SUCCEEDED' });
    expect(seen).toHaveLength(4);
  });

  it('runs listeners after the change is complete, so they may call back into the core', () => {
    const { core } = makeCore();
    const statuses: string[] = [];
    core.onWake((w) => {
      if (w.reason === 'ended') statuses.push(core.getExecution({ DurableExecutionArn: w.executionArn }).Status as string);
    });
    begin(core).end({ Status: 'SUCCEEDED' });
    expect(statuses).toEqual(['SUCCEEDED']);
  });
});

describe('data quota (§7)', () => {
  it('rejects a checkpoint that would write more than 100 MB of payloads in total', () => {
    const { core } = makeCore();
    const d = begin(core);
    const chunk = 'x'.repeat(256 * 1024);
    for (let i = 0; i < 400; i++) d.cp([step(`s${i}`, 'SUCCEED', { Payload: chunk })]);
    const err = serviceError(() => d.cp([step('last', 'SUCCEED', { Payload: 'y' })]));
    expect(err.message).toMatch(/^Execution data limit exceeded/);
  });
});
