/**
 * The chained-invoke details the recorded histories show: a durable target's first invocation
 * waits for the caller's invocation to end (so `InvocationCompleted` of the caller comes before the
 * target's outcome), and `ChainedInvokeStarted` always carries `Input`.
 */
import type { OperationUpdate } from '@aws-sdk/client-lambda';
import { begin, driver, eventTypes, history, makeCore } from './helpers';

const invoke = (id: string, FunctionName: string, Payload?: string): OperationUpdate => ({
  Id: id,
  Type: 'CHAINED_INVOKE',
  SubType: 'ChainedInvoke',
  Action: 'START',
  ...(Payload !== undefined ? { Payload } : {}),
  ChainedInvokeOptions: { FunctionName },
});

describe('chained invoke ordering', () => {
  it("holds a durable target's first invocation until the caller's invocation ends", () => {
    const { core } = makeCore();
    core.registerFunction({ functionName: 'child', durableConfig: { executionTimeoutSeconds: 60 } });
    const d = begin(core);
    d.cp([invoke('ci', 'child:$LATEST', '1')]);
    const targetArn = history(core, d.arn).find((e) => e.EventType === 'ChainedInvokeStarted')?.ChainedInvokeStartedDetails
      ?.DurableExecutionArn as string;
    // The caller still runs: the target exists but is not handed out for an invocation yet.
    expect(core.getExecution({ DurableExecutionArn: targetArn }).Status).toBe('RUNNING');
    expect(core.executionsNeedingInvocation().map((s) => s.executionArn)).toEqual([]);
    d.end({ Status: 'PENDING' });
    expect(core.executionsNeedingInvocation().map((s) => s.executionArn)).toEqual([targetArn]);
    driver(core, targetArn).end({ Status: 'SUCCEEDED', Result: '2' });
    expect(eventTypes(core, d.arn)).toEqual(['ExecutionStarted', 'ChainedInvokeStarted', 'InvocationCompleted', 'ChainedInvokeSucceeded']);
  });

  it('records Input on ChainedInvokeStarted also for an invoke without a payload', () => {
    const { core } = makeCore();
    core.registerFunction({ functionName: 'child', durableConfig: { executionTimeoutSeconds: 60 } });
    const d = begin(core);
    d.cp([invoke('ci', 'child:$LATEST')]);
    const started = history(core, d.arn).find((e) => e.EventType === 'ChainedInvokeStarted');
    expect(started?.ChainedInvokeStartedDetails?.Input).toEqual({ Truncated: false });
  });
});
