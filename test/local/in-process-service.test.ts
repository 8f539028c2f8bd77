import {
  GetDurableExecutionCommand,
  GetDurableExecutionHistoryCommand,
  InvalidParameterValueException,
  ListDurableExecutionsByFunctionCommand,
  ResourceNotFoundException,
  SendDurableExecutionCallbackSuccessCommand,
  StopDurableExecutionCommand,
} from '@aws-sdk/client-lambda';
import { SchedulerError } from '../../local/scheduler';
import { InProcessDurableService, type DurableHandler } from '../../local/testing';
import { session } from './in-process-helpers';

let svc: InProcessDurableService;
afterEach(async () => {
  await svc?.close();
});

/** step "charge" then wait(seconds), then return the step's result. */
function stepThenWait(seconds: number): DurableHandler {
  return async (event) => {
    const s = await session(svc.client, event);
    if (!s.ops.has('charge')) {
      await s.checkpoint([
        { Id: 'charge', Name: 'charge', Type: 'STEP', SubType: 'Step', Action: 'START' },
        { Id: 'charge', Name: 'charge', Type: 'STEP', SubType: 'Step', Action: 'SUCCEED', Payload: JSON.stringify({ paid: s.input.amount }) },
      ]);
    }
    if (!s.ops.has('pause')) {
      await s.checkpoint([{ Id: 'pause', Type: 'WAIT', SubType: 'Wait', Action: 'START', WaitOptions: { WaitSeconds: seconds } }]);
    }
    if (s.ops.get('pause')?.Status !== 'SUCCEEDED') return { Status: 'PENDING' };
    return { Status: 'SUCCEEDED', Result: s.ops.get('charge')?.StepDetails?.Result };
  };
}

describe('InProcessDurableService', () => {
  it('runs a step and a wait across two invocations', async () => {
    svc = new InProcessDurableService();
    svc.registerHandler('orders', stepThenWait(5));
    const run = await svc.run('orders', { amount: 12 });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual({ paid: 12 });
    expect(run.resultPayload).toBe('{"paid":12}');
    expect(run.history.map((e) => e.EventType)).toEqual([
      'ExecutionStarted',
      'StepStarted',
      'StepSucceeded',
      'WaitStarted',
      'InvocationCompleted',
      'WaitSucceeded',
      'InvocationCompleted',
      'ExecutionSucceeded',
    ]);
    expect(run.invocations.map((i) => [i.invocationNumber, i.outcome])).toEqual([
      [1, { kind: 'returned', output: { Status: 'PENDING' } }],
      [2, { kind: 'returned', output: { Status: 'SUCCEEDED', Result: '{"paid":12}' } }],
    ]);
    expect(run.invocations[0].dataPlaneCalls.map((c) => c.command)).toEqual(['CheckpointDurableExecution', 'CheckpointDurableExecution']);
    expect(run.invocations[1].dataPlaneCalls).toEqual([]);
    expect(run.invocations.map((i) => i.requestId)).toEqual(
      run.history.filter((e) => e.EventType === 'InvocationCompleted').map((e) => e.InvocationCompletedDetails?.RequestId),
    );
    expect(run.operations.map((o) => [o.Type, o.Status])).toEqual([
      ['EXECUTION', 'SUCCEEDED'],
      ['STEP', 'SUCCEEDED'],
      ['WAIT', 'SUCCEEDED'],
    ]);
    expect(svc.calls).toHaveLength(2);
  });

  it('skips a one-hour wait on the virtual clock', async () => {
    svc = new InProcessDurableService({ clock: 'virtual' });
    svc.registerHandler('orders', stepThenWait(3600));
    const run = await svc.run('orders', { amount: 1 });
    const started = run.history.find((e) => e.EventType === 'WaitStarted')?.EventTimestamp as Date;
    const done = run.history.find((e) => e.EventType === 'WaitSucceeded')?.EventTimestamp as Date;
    expect(done.getTime() - started.getTime()).toBeGreaterThanOrEqual(3_600_000);
    expect(run.status).toBe('SUCCEEDED');
  }, 10_000);

  it('waits in real time on the real clock', async () => {
    svc = new InProcessDurableService({ clock: 'real' });
    svc.registerHandler('orders', stepThenWait(1));
    const run = await svc.run('orders', { amount: 2 });
    const started = run.history.find((e) => e.EventType === 'WaitStarted')?.EventTimestamp as Date;
    const done = run.history.find((e) => e.EventType === 'WaitSucceeded')?.EventTimestamp as Date;
    expect(done.getTime() - started.getTime()).toBeGreaterThanOrEqual(1000);
    expect(run.result).toEqual({ paid: 2 });
  });

  it('hands the handler a JSON event and a Lambda context', async () => {
    svc = new InProcessDurableService();
    const seen: unknown[] = [];
    svc.registerHandler(
      'orders',
      async (event, context) => {
        seen.push(event, context.awsRequestId, context.functionName, context.functionVersion, context.getRemainingTimeInMillis() > 0);
        return { Status: 'SUCCEEDED', Result: '"ok"' };
      },
      { versions: ['1'], aliases: { live: '1' } },
    );
    const run = await svc.run('orders', null, { qualifier: 'live', executionName: 'exec-7' });
    expect(run.executionArn).toMatch(/:function:orders:1\/durable-execution\/exec-7\//);
    const [event, requestId, name, version, hasTime] = seen;
    expect(event).toEqual({
      DurableExecutionArn: run.executionArn,
      CheckpointToken: expect.any(String),
      InitialExecutionState: { Operations: [expect.objectContaining({ Type: 'EXECUTION', StartTimestamp: expect.any(String), ExecutionDetails: { InputPayload: 'null' } })] },
    });
    expect([requestId, name, version, hasTime]).toEqual([run.invocations[0].requestId, 'orders', '1', true]);
  });

  it('treats a thrown error as an invocation error and invokes again after the backoff', async () => {
    svc = new InProcessDurableService();
    let calls = 0;
    svc.registerHandler('flaky', async () => {
      calls++;
      if (calls === 1) throw new TypeError('first time fails');
      return { Status: 'SUCCEEDED', Result: String(calls) };
    });
    const run = await svc.run('flaky');
    expect(run.result).toBe(2);
    expect(run.invocations[0].outcome).toMatchObject({ kind: 'error', error: { ErrorType: 'TypeError', ErrorMessage: 'first time fails' } });
    const ic = run.history.filter((e) => e.EventType === 'InvocationCompleted');
    expect(ic[0].InvocationCompletedDetails?.Error?.Payload).toMatchObject({ ErrorType: 'TypeError', ErrorMessage: 'first time fails' });
    expect((ic[1].EventTimestamp as Date).getTime() - (ic[0].EventTimestamp as Date).getTime()).toBeGreaterThanOrEqual(1000);
  });

  it('ends an invocation that outlives the function timeout as an invocation error', async () => {
    svc = new InProcessDurableService();
    let calls = 0;
    svc.registerHandler(
      'slow',
      async () => {
        calls++;
        if (calls === 1) await new Promise((resolve) => setTimeout(resolve, 400));
        return { Status: 'SUCCEEDED' };
      },
      { timeoutSeconds: 0.1 },
    );
    const run = await svc.run('slow');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.invocations[0].outcome).toEqual({ kind: 'error', error: { ErrorType: 'Sandbox.Timedout', ErrorMessage: 'Task timed out after 0.10 seconds' } });
  });

  it('stops a runaway execution at maxInvocations with a clear error', async () => {
    svc = new InProcessDurableService();
    svc.registerHandler('loop', async () => {
      throw new Error('always');
    });
    const arn = await svc.start('loop', undefined, { maxInvocations: 3 });
    const err = await svc.waitFor(arn).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchedulerError);
    expect((err as SchedulerError).code).toBe('invocation-limit');
    expect((err as Error).message).toMatch(/took 3 invocations without finishing/);
    const run = svc.describe(arn);
    expect(run.status).toBe('STOPPED');
    expect(run.invocations).toHaveLength(3);
    expect(run.error?.ErrorType).toBe('InvocationLimitExceeded');
  });

  it('lets a test complete a callback mid-run through the client', async () => {
    svc = new InProcessDurableService();
    svc.registerHandler('approve', async (event) => {
      const s = await session(svc.client, event);
      if (!s.ops.has('cb')) {
        await s.checkpoint([{ Id: 'cb', Name: 'approval', Type: 'CALLBACK', SubType: 'Callback', Action: 'START', CallbackOptions: { TimeoutSeconds: 3600 } }]);
      }
      const cb = s.ops.get('cb');
      if (cb?.Status === 'STARTED') return { Status: 'PENDING' };
      return { Status: 'SUCCEEDED', Result: cb?.CallbackDetails?.Result };
    });
    const arn = await svc.start('approve');
    const callbackId = await svc.waitForCallbackId(arn, 'approval');
    await svc.client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: new TextEncoder().encode('{"ok":true}') }));
    const run = await svc.waitFor(arn);
    expect(run.result).toEqual({ ok: true });
    expect(run.history.map((e) => e.EventType)).toContain('CallbackSucceeded');
  });

  it('runs hooks between invocations, before the clock moves', async () => {
    svc = new InProcessDurableService();
    svc.registerHandler('approve', async (event) => {
      const s = await session(svc.client, event);
      if (!s.ops.has('cb')) {
        await s.checkpoint([{ Id: 'cb', Type: 'CALLBACK', Action: 'START', CallbackOptions: { TimeoutSeconds: 10 } }]);
      }
      const cb = s.ops.get('cb');
      return cb?.Status === 'STARTED' ? { Status: 'PENDING' } : { Status: 'SUCCEEDED', Result: JSON.stringify(cb?.Status) };
    });
    const global: number[] = [];
    svc.onInvocationEnd((r) => {
      global.push(r.invocationNumber);
    });
    const run = await svc.run('approve', undefined, {
      betweenInvocations: async (report) => {
        if (report.invocationNumber !== 1) return;
        const id = svc.core.getOperations(report.executionArn).find((o) => o.Id === 'cb')?.CallbackDetails?.CallbackId as string;
        await new Promise((resolve) => setTimeout(resolve, 20));
        svc.core.sendCallbackSuccess(id, '1');
      },
    });
    // Without the hook holding the clock, the 10 s timeout would have fired first.
    expect(run.result).toBe('SUCCEEDED');
    expect(global).toEqual([1, 2]);
  });

  it('pages the initial state through GetDurableExecutionState when asked to', async () => {
    svc = new InProcessDurableService({ initialStatePageSize: 0 });
    svc.registerHandler('big', async (event) => {
      const s = await session(svc.client, event);
      return { Status: 'SUCCEEDED', Result: JSON.stringify(s.input) };
    });
    const run = await svc.run('big', { size: 'large' });
    expect(run.result).toEqual({ size: 'large' });
    expect(run.invocations[0].dataPlaneCalls.map((c) => c.command)).toEqual(['GetDurableExecutionState']);
  });

  it('performs chained invokes to plain and durable functions', async () => {
    svc = new InProcessDurableService();
    svc.registerPlainHandler('double', (input) => (input as number) * 2);
    svc.registerHandler('triple', async (event) => {
      const s = await session(svc.client, event);
      return { Status: 'SUCCEEDED', Result: JSON.stringify(s.input * 3) };
    });
    svc.registerHandler('parent', async (event) => {
      const s = await session(svc.client, event);
      if (!s.ops.has('a')) {
        await s.checkpoint([
          { Id: 'a', Type: 'CHAINED_INVOKE', SubType: 'ChainedInvoke', Action: 'START', Payload: '5', ChainedInvokeOptions: { FunctionName: 'double' } },
          { Id: 'b', Type: 'CHAINED_INVOKE', SubType: 'ChainedInvoke', Action: 'START', Payload: '5', ChainedInvokeOptions: { FunctionName: 'triple:$LATEST' } },
        ]);
      }
      const a = s.ops.get('a');
      const b = s.ops.get('b');
      if (a?.Status === 'STARTED' || b?.Status === 'STARTED') return { Status: 'PENDING' };
      return { Status: 'SUCCEEDED', Result: JSON.stringify([a?.ChainedInvokeDetails?.Result, b?.ChainedInvokeDetails?.Result]) };
    });
    const run = await svc.run('parent');
    expect(run.result).toEqual(['10', '15']);
    expect(run.history.filter((e) => e.EventType === 'ChainedInvokeSucceeded')).toHaveLength(2);
  });

  it('serves the control-plane commands and throws the SDK exception classes', async () => {
    svc = new InProcessDurableService();
    svc.registerHandler('orders', stepThenWait(5));
    const run = await svc.run('orders', { amount: 3 }, { executionName: 'cp-1' });
    const got = await svc.client.send(new GetDurableExecutionCommand({ DurableExecutionArn: run.executionArn }));
    expect(got).toMatchObject({ Status: 'SUCCEEDED', DurableExecutionName: 'cp-1', $metadata: { httpStatusCode: 200, attempts: 1 } });
    expect(got.StartTimestamp).toBeInstanceOf(Date);
    const hist = await svc.client.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: run.executionArn, MaxItems: 3 }));
    expect(hist.Events?.map((e) => e.EventId)).toEqual([1, 2, 3]);
    expect(hist.NextMarker).toBe('4');
    const list = await svc.client.send(new ListDurableExecutionsByFunctionCommand({ FunctionName: 'orders' }));
    expect(list.DurableExecutions?.map((e) => e.DurableExecutionName)).toEqual(['cp-1']);
    const notFound = await svc.client.send(new GetDurableExecutionCommand({ DurableExecutionArn: run.executionArn.replace('cp-1', 'cp-2') })).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(ResourceNotFoundException);
    expect(notFound).toMatchObject({ name: 'ResourceNotFoundException', $fault: 'client', $metadata: { httpStatusCode: 404, attempts: 1 } });
    const stop = await svc.client.send(new StopDurableExecutionCommand({ DurableExecutionArn: run.executionArn })).catch((e: unknown) => e);
    expect(stop).toBeInstanceOf(InvalidParameterValueException);
    expect((stop as Error).message).toMatch(/already SUCCEEDED/);
  });
});
