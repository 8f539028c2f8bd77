import type { OperationUpdate } from '@aws-sdk/client-lambda';
import { decodeCallbackId, encodeCallbackId } from '../../../local/core';
import { begin, callback, driver, eventTypes, history, makeCore, op, serviceError } from './helpers';

function withCallback(options: OperationUpdate['CallbackOptions'] = {}) {
  const made = makeCore();
  const d = begin(made.core);
  d.cp([callback('cb', options)]);
  d.end({ Status: 'PENDING' });
  const id = op(made.core, d.arn, 'cb').CallbackDetails?.CallbackId as string;
  return { ...made, d, id };
}

describe('callback ids', () => {
  it('encode (execution id, operation id) in the §2.1 alphabet and decode only canonical ids', () => {
    const id = encodeCallbackId({ executionId: '6f1c0000-1111-4222-8333-444455556666', operationId: 'a'.repeat(64) });
    expect(id).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(id.length).toBeLessThanOrEqual(1024);
    expect(decodeCallbackId(id)).toEqual({ executionId: '6f1c0000-1111-4222-8333-444455556666', operationId: 'a'.repeat(64) });
    expect(decodeCallbackId('not base64!')).toBeUndefined();
    expect(decodeCallbackId(Buffer.from('other:thing').toString('base64'))).toBeUndefined();
    expect(decodeCallbackId('')).toBeUndefined();
  });
});

describe('callback APIs (§6.6)', () => {
  it('success stores the body as Result, writes CallbackSucceeded and needs an invocation', () => {
    const { core, d, id } = withCallback({ TimeoutSeconds: 100 });
    core.sendCallbackSuccess(id, '{"approved":true}');
    expect(op(core, d.arn, 'cb')).toMatchObject({ Status: 'SUCCEEDED', CallbackDetails: { CallbackId: id, Result: '{"approved":true}' } });
    expect(history(core, d.arn).at(-1)).toMatchObject({ EventType: 'CallbackSucceeded', Id: 'cb', CallbackSucceededDetails: { Result: { Payload: '{"approved":true}', Truncated: false } } });
    expect(core.executionsNeedingInvocation().map((s) => s.executionArn)).toEqual([d.arn]);
    expect(core.nextTimerAt()).toBe(Date.UTC(2025, 0, 2, 12));
  });

  it('an empty success body leaves Result absent', () => {
    const { core, d, id } = withCallback();
    core.sendCallbackSuccess(id, '');
    expect(op(core, d.arn, 'cb').CallbackDetails).toEqual({ CallbackId: id });
    expect(history(core, d.arn).at(-1)?.CallbackSucceededDetails).toEqual({ Result: { Truncated: false } });
  });

  it('failure stores the error ({} when none) and writes CallbackFailed', () => {
    const { core, d, id } = withCallback();
    core.sendCallbackFailure(id, { ErrorType: 'Rejected', ErrorMessage: 'no' });
    expect(op(core, d.arn, 'cb')).toMatchObject({ Status: 'FAILED', CallbackDetails: { Error: { ErrorType: 'Rejected', ErrorMessage: 'no' } } });
    expect(history(core, d.arn).at(-1)?.CallbackFailedDetails).toEqual({ Error: { Payload: { ErrorType: 'Rejected', ErrorMessage: 'no' }, Truncated: false } });
    const other = withCallback();
    other.core.sendCallbackFailure(other.id);
    expect(op(other.core, other.d.arn, 'cb').CallbackDetails?.Error).toEqual({});
  });

  it('times out after TimeoutSeconds with "Callback timed out"; later calls get CallbackTimeoutException', () => {
    const { core, clock, d, id } = withCallback({ TimeoutSeconds: 30 });
    clock.advance(29);
    core.fireDueTimers();
    expect(op(core, d.arn, 'cb').Status).toBe('STARTED');
    clock.advance(1);
    core.fireDueTimers();
    expect(op(core, d.arn, 'cb')).toMatchObject({ Status: 'TIMED_OUT', CallbackDetails: { Error: { ErrorMessage: 'Callback timed out' } } });
    expect(history(core, d.arn).at(-1)).toMatchObject({ EventType: 'CallbackTimedOut', CallbackTimedOutDetails: { Error: { Payload: { ErrorMessage: 'Callback timed out' }, Truncated: false } } });
    expect(core.executionsNeedingInvocation()).toHaveLength(1);
    for (const call of [() => core.sendCallbackSuccess(id, '1'), () => core.sendCallbackFailure(id), () => core.sendCallbackHeartbeat(id)]) {
      expect(serviceError(call)).toMatchObject({ name: 'CallbackTimeoutException', httpStatus: 400 });
    }
  });

  it('heartbeats restart the heartbeat timer; silence times it out "on heartbeat"', () => {
    const { core, clock, d, id } = withCallback({ TimeoutSeconds: 1000, HeartbeatTimeoutSeconds: 10 });
    for (let i = 0; i < 5; i++) {
      clock.advance(9);
      core.fireDueTimers();
      core.sendCallbackHeartbeat(id);
    }
    expect(op(core, d.arn, 'cb').Status).toBe('STARTED');
    expect(history(core, d.arn).at(-1)?.EventType).toBe('InvocationCompleted');
    clock.advance(10);
    core.fireDueTimers();
    expect(op(core, d.arn, 'cb')).toMatchObject({ Status: 'TIMED_OUT', CallbackDetails: { Error: { ErrorMessage: 'Callback timed out on heartbeat' } } });
    expect(core.nextTimerAt()).toBe(Date.UTC(2025, 0, 2, 12));
  });

  it('rejects completed callbacks, heartbeats without HeartbeatTimeoutSeconds, and unknown ids with the modelled errors', () => {
    const { core, d, id } = withCallback();
    expect(serviceError(() => core.sendCallbackHeartbeat(id)).message).toMatch(/without HeartbeatTimeoutSeconds/);
    core.sendCallbackSuccess(id, '1');
    for (const call of [() => core.sendCallbackSuccess(id, '2'), () => core.sendCallbackFailure(id)]) {
      expect(serviceError(call)).toMatchObject({ name: 'InvalidParameterValueException', httpStatus: 400 });
    }
    expect(serviceError(() => core.sendCallbackSuccess('Zm9v', '1'))).toMatchObject({ name: 'ResourceNotFoundException', httpStatus: 404 });
    expect(serviceError(() => core.sendCallbackSuccess('%%%', '1')).name).toBe('ResourceNotFoundException');
    const execId = d.arn.split('/').at(-1) as string;
    expect(serviceError(() => core.sendCallbackSuccess(encodeCallbackId({ executionId: execId, operationId: 'nope' }))).name).toBe('ResourceNotFoundException');
    // A cancelled callback is finished too.
    const d2 = begin(core);
    d2.cp([callback('c2')]);
    const id2 = op(core, d2.arn, 'c2').CallbackDetails?.CallbackId as string;
    d2.cp([{ Id: 'c2', Type: 'CALLBACK', Action: 'CANCEL' }]);
    expect(serviceError(() => core.sendCallbackSuccess(id2)).message).toMatch(/already CANCELLED/);
  });

  it('caps the success body at 262144 bytes (413)', () => {
    const { core, id } = withCallback();
    expect(serviceError(() => core.sendCallbackSuccess(id, 'x'.repeat(262145)))).toMatchObject({ name: 'RequestTooLargeException', httpStatus: 413 });
    expect(() => core.sendCallbackSuccess(id, 'x'.repeat(262144))).not.toThrow();
  });

  it('a callback completed during an invocation is delivered by the next checkpoint response', () => {
    const { core } = makeCore();
    const d = begin(core);
    d.cp([callback('cb')]);
    core.sendCallbackSuccess(op(core, d.arn, 'cb').CallbackDetails?.CallbackId as string, '"yes"');
    expect(core.executionsNeedingInvocation()).toEqual([]);
    const res = d.cp([]);
    expect(res.NewExecutionState?.Operations).toEqual([expect.objectContaining({ Id: 'cb', Status: 'SUCCEEDED' })]);
  });
});

describe('chained invokes (§4.2 CHAINED_INVOKE)', () => {
  const invoke = (id: string, FunctionName: string, Payload?: string): OperationUpdate => ({
    Id: id,
    Type: 'CHAINED_INVOKE',
    SubType: 'ChainedInvoke',
    Action: 'START',
    Payload,
    ChainedInvokeOptions: { FunctionName },
  });

  it('starts a registered durable target as its own execution and completes with its result', () => {
    const { core } = makeCore();
    core.registerFunction({ functionName: 'child', durableConfig: { executionTimeoutSeconds: 60 } });
    const d = begin(core);
    d.cp([invoke('ci', 'child:$LATEST', '{"n":2}')]);
    d.end({ Status: 'PENDING' });
    const started = history(core, d.arn).find((e) => e.EventType === 'ChainedInvokeStarted');
    const targetArn = started?.ChainedInvokeStartedDetails?.DurableExecutionArn as string;
    expect(started?.ChainedInvokeStartedDetails).toEqual({
      FunctionName: 'child:$LATEST',
      Input: { Payload: '{"n":2}', Truncated: false },
      DurableExecutionArn: targetArn,
      ExecutedVersion: '$LATEST',
    });
    expect(core.executionsNeedingInvocation().map((s) => s.executionArn)).toEqual([targetArn]);
    expect(core.getExecution({ DurableExecutionArn: targetArn }).InputPayload).toBe('{"n":2}');
    driver(core, targetArn).end({ Status: 'SUCCEEDED', Result: '4' });
    expect(op(core, d.arn, 'ci')).toMatchObject({ Status: 'SUCCEEDED', ChainedInvokeDetails: { Result: '4' } });
    expect(history(core, d.arn).at(-1)).toMatchObject({ EventType: 'ChainedInvokeSucceeded', ChainedInvokeSucceededDetails: { Result: { Payload: '4', Truncated: false } } });
    expect(core.executionsNeedingInvocation().map((s) => s.executionArn)).toEqual([d.arn]);
  });

  it.each([
    ['FAILED', 'ChainedInvokeFailed'],
    ['STOPPED', 'ChainedInvokeStopped'],
  ] as const)('a target that ends %s makes the operation %s with %s', (status, eventType) => {
    const { core } = makeCore();
    core.registerFunction({ functionName: 'child', durableConfig: { executionTimeoutSeconds: 60 } });
    const d = begin(core);
    d.cp([invoke('ci', 'child:$LATEST')]);
    const target = history(core, d.arn).at(-1)?.ChainedInvokeStartedDetails?.DurableExecutionArn as string;
    if (status === 'FAILED') driver(core, target).end({ Status: 'FAILED', Error: { ErrorType: 'Bad' } });
    else core.stopExecution({ DurableExecutionArn: target, Error: { ErrorMessage: 'halt' } });
    expect(op(core, d.arn, 'ci').Status).toBe(status);
    expect(history(core, d.arn).at(-1)?.EventType).toBe(eventType);
  });

  it('a target that times out makes the operation TIMED_OUT', () => {
    const { core, clock } = makeCore();
    core.registerFunction({ functionName: 'child', durableConfig: { executionTimeoutSeconds: 5 } });
    const d = begin(core);
    d.cp([invoke('ci', 'child:$LATEST')]);
    clock.advance(5);
    core.fireDueTimers();
    expect(op(core, d.arn, 'ci').Status).toBe('TIMED_OUT');
    expect(history(core, d.arn).at(-1)?.EventType).toBe('ChainedInvokeTimedOut');
  });

  it('fails at once when the durable target cannot start (unqualified)', () => {
    const { core } = makeCore();
    core.registerFunction({ functionName: 'child', durableConfig: { executionTimeoutSeconds: 60 } });
    const d = begin(core);
    const res = d.cp([invoke('ci', 'child')]);
    expect(res.NewExecutionState?.Operations?.[0]).toMatchObject({
      Status: 'FAILED',
      ChainedInvokeDetails: { Error: { ErrorType: 'InvalidParameterValueException', ErrorMessage: 'You cannot invoke a durable function using an unqualified ARN.' } },
    });
    expect(eventTypes(core, d.arn).slice(1)).toEqual(['ChainedInvokeStarted', 'ChainedInvokeFailed']);
  });

  it('hands other targets to a host, once, and applies the host outcome', () => {
    const { core } = makeCore();
    const d = begin(core);
    const reasons: string[] = [];
    core.onWake((w) => reasons.push(w.reason));
    d.cp([invoke('ci', 'plain-fn', '"x"')]);
    expect(reasons).toContain('chained-invoke');
    expect(core.pendingChainedInvokes()).toEqual([{ executionArn: d.arn, operationId: 'ci', functionName: 'plain-fn', payload: '"x"' }]);
    expect(core.takeChainedInvokes()).toHaveLength(1);
    expect(core.takeChainedInvokes()).toEqual([]);
    d.end({ Status: 'PENDING' });
    expect(core.completeChainedInvoke(d.arn, 'ci', { status: 'SUCCEEDED', result: '"y"' })).toBe(true);
    expect(op(core, d.arn, 'ci')).toMatchObject({ Status: 'SUCCEEDED', ChainedInvokeDetails: { Result: '"y"' } });
    expect(core.completeChainedInvoke(d.arn, 'ci', { status: 'FAILED' })).toBe(false);
    expect(core.executionsNeedingInvocation()).toHaveLength(1);
  });

  it('CANCEL makes it STOPPED, stops a durable target and ignores a late host outcome', () => {
    const { core } = makeCore();
    core.registerFunction({ functionName: 'child', durableConfig: { executionTimeoutSeconds: 60 } });
    const d = begin(core);
    d.cp([invoke('durable', 'child:$LATEST'), invoke('plain', 'plain-fn')]);
    const target = history(core, d.arn).find((e) => e.Id === 'durable')?.ChainedInvokeStartedDetails?.DurableExecutionArn as string;
    d.cp([
      { Id: 'durable', Type: 'CHAINED_INVOKE', Action: 'CANCEL' },
      { Id: 'plain', Type: 'CHAINED_INVOKE', Action: 'CANCEL', Error: { ErrorMessage: 'not needed' } },
    ]);
    expect(op(core, d.arn, 'durable').Status).toBe('STOPPED');
    expect(core.getExecution({ DurableExecutionArn: target }).Status).toBe('STOPPED');
    expect(history(core, d.arn).slice(-2).map((e) => [e.EventType, e.ChainedInvokeStoppedDetails])).toEqual([
      ['ChainedInvokeStopped', { Error: { Truncated: false } }],
      ['ChainedInvokeStopped', { Error: { Payload: { ErrorMessage: 'not needed' }, Truncated: false } }],
    ]);
    expect(core.pendingChainedInvokes()).toEqual([]);
    expect(core.completeChainedInvoke(d.arn, 'plain', { status: 'SUCCEEDED' })).toBe(false);
  });
});
