import { StopDurableExecutionCommand } from '@aws-sdk/client-lambda';
import { InvokeError, ValidationError, withDurableExecution, type Serdes } from '../../runtime';
import { InProcessDurableService } from '../../local/testing';
import { checkpointCalls, invocationOutcomes, operation, rootId, updateSummary, updatesOf } from './support';

describe('ctx.invoke', () => {
  let svc: InProcessDurableService;
  beforeEach(() => {
    svc = new InProcessDurableService();
  });
  afterEach(() => svc.close());

  /** A durable target that doubles `n` and counts its invocations. */
  function registerDoubler(): { invocations: number } {
    const seen = { invocations: 0 };
    svc.registerHandler(
      'doubler',
      withDurableExecution(
        async (input: { n: number }) => {
          seen.invocations += 1;
          return { doubled: input.n * 2 };
        },
        { client: svc.client },
      ),
    );
    return seen;
  }

  it('starts a durable target as its own execution, suspends, and returns its result on the next invocation', async () => {
    const target = registerDoubler();
    svc.registerHandler(
      'caller',
      withDurableExecution(async (_input, ctx) => ctx.invoke('double-it', 'doubler:$LATEST', { n: 21 }), { client: svc.client }),
    );
    const run = await svc.run('caller');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual({ doubled: 42 });
    expect(target.invocations).toBe(1);
    expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:SUCCEEDED']);
    expect(updateSummary(run.invocations[0].dataPlaneCalls)).toEqual([['CHAINED_INVOKE:START:double-it']]);
    expect(updatesOf(checkpointCalls(run.invocations[0].dataPlaneCalls)[0])[0]).toEqual({
      Id: rootId(1),
      Name: 'double-it',
      Type: 'CHAINED_INVOKE',
      SubType: 'ChainedInvoke',
      Action: 'START',
      Payload: '{"n":21}',
      ChainedInvokeOptions: { FunctionName: 'doubler:$LATEST' },
    });
    // The replay sends nothing: the recorded outcome is returned.
    expect(checkpointCalls(run.invocations[1].dataPlaneCalls)).toEqual([]);
    const started = run.history.find((e) => e.EventType === 'ChainedInvokeStarted');
    expect(started?.ChainedInvokeStartedDetails?.DurableExecutionArn).toMatch(/:function:doubler:\$LATEST\/durable-execution\//);
    expect(run.history.map((e) => e.EventType)).toEqual([
      'ExecutionStarted',
      'ChainedInvokeStarted',
      'InvocationCompleted',
      'ChainedInvokeSucceeded',
      'InvocationCompleted',
      'ExecutionSucceeded',
    ]);
  });

  it('replays a finished invoke without invoking the target again, across several invocations', async () => {
    const target = registerDoubler();
    svc.registerHandler(
      'caller',
      withDurableExecution(
        async (_input, ctx) => {
          const first = await ctx.invoke<{ n: number }, { doubled: number }>('doubler:$LATEST', { n: 1 });
          await ctx.wait({ seconds: 30 });
          const second = await ctx.invoke<{ n: number }, { doubled: number }>('doubler:$LATEST', { n: first.doubled });
          return second.doubled;
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('caller');
    expect(run.result).toBe(4);
    expect(target.invocations).toBe(2);
    expect(run.invocations.map((inv) => updateSummary(inv.dataPlaneCalls))).toEqual([
      [['CHAINED_INVOKE:START']],
      [['WAIT:START']],
      [['CHAINED_INVOKE:START']],
      [],
    ]);
    expect(operation(run, rootId(1))).toMatchObject({ Status: 'SUCCEEDED', ChainedInvokeDetails: { Result: '{"doubled":2}' } });
  });

  it('rejects with an InvokeError carrying the recorded error of a failed durable target', async () => {
    svc.registerHandler(
      'broken',
      withDurableExecution(
        async () => {
          const error = new Error('card declined');
          error.name = 'PaymentDeclined';
          throw error;
        },
        { client: svc.client },
      ),
    );
    svc.registerHandler(
      'caller',
      withDurableExecution(
        async (_input, ctx) => {
          try {
            await ctx.invoke('broken:$LATEST');
            return 'unexpected';
          } catch (error) {
            return { isInvokeError: error instanceof InvokeError, errorType: (error as InvokeError).errorType, message: (error as Error).message };
          }
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('caller');
    expect(run.result).toEqual({ isInvokeError: true, errorType: 'PaymentDeclined', message: 'card declined' });
    expect(run.history.some((e) => e.EventType === 'ChainedInvokeFailed')).toBe(true);
  });

  it('rejects with an InvokeError when the durable target is stopped', async () => {
    // Real time, so the target's one-hour wait is still running when it is stopped.
    await svc.close();
    svc = new InProcessDurableService({ clock: 'real' });
    svc.registerHandler(
      'sleeper',
      withDurableExecution(async (_input, ctx) => ctx.wait({ hours: 1 }), { client: svc.client }),
    );
    svc.registerHandler(
      'caller',
      withDurableExecution(
        async (_input, ctx) =>
          ctx.invoke('sleeper:$LATEST').then(
            () => 'unexpected',
            (e: InvokeError) => ({ isInvokeError: e instanceof InvokeError, message: e.message }),
          ),
        { client: svc.client },
      ),
    );
    const arn = await svc.start('caller');
    let target: string | undefined;
    while (target === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      target = svc.describe(arn).history.find((e) => e.EventType === 'ChainedInvokeStarted')?.ChainedInvokeStartedDetails?.DurableExecutionArn;
    }
    await svc.client.send(new StopDurableExecutionCommand({ DurableExecutionArn: target, Error: { ErrorType: 'Operator', ErrorMessage: 'stopped by hand' } }));
    const run = await svc.waitFor(arn);
    expect(run.result).toEqual({ isInvokeError: true, message: 'stopped by hand' });
    expect(run.history.some((e) => e.EventType === 'ChainedInvokeStopped')).toBe(true);
  });

  it('calls a plain target as a plain invocation and returns its result, or its failure as an InvokeError', async () => {
    svc.registerPlainHandler('pricing', (input) => ({ price: (input as { qty: number }).qty * 3 }));
    svc.registerPlainHandler('flaky', () => {
      throw new RangeError('out of stock');
    });
    svc.registerHandler(
      'caller',
      withDurableExecution(
        async (_input, ctx) => {
          const quote = await ctx.invoke('pricing', { qty: 2 });
          const failure = await ctx.invoke('flaky').catch((e: InvokeError) => `${e.constructor.name}:${e.errorType}:${e.message}`);
          return { quote, failure };
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('caller');
    expect(run.result).toEqual({ quote: { price: 6 }, failure: 'InvokeError:RangeError:out of stock' });
  });

  it('sends the tenant id and applies the payload and result serdes', async () => {
    const received: unknown[] = [];
    svc.registerPlainHandler('echo', (input) => {
      received.push(input);
      return input;
    });
    const wrap: Serdes<string> = { serialize: (v) => JSON.stringify({ wrapped: v }), deserialize: (t) => `got ${t}` };
    svc.registerHandler(
      'caller',
      withDurableExecution(
        // A string input needs the named form: (name, functionName, input, config).
        async (_input, ctx) => ctx.invoke<string, string>(undefined, 'echo', 'hi', { tenantId: 'acme', payloadSerdes: wrap, resultSerdes: wrap }),
        { client: svc.client },
      ),
    );
    const run = await svc.run('caller');
    expect(run.error).toBeUndefined();
    expect(received).toEqual([{ wrapped: 'hi' }]);
    expect(run.result).toBe('got {"wrapped":"hi"}');
    const start = updatesOf(checkpointCalls(run.invocations[0].dataPlaneCalls)[0])[0];
    expect(start.ChainedInvokeOptions).toEqual({ FunctionName: 'echo', TenantId: 'acme' });
  });

  it('reads a string second argument as the function name, as the reference runtime does', async () => {
    svc.registerPlainHandler('echo', (input) => input);
    svc.registerHandler(
      'caller',
      withDurableExecution(async (_input, ctx) => ctx.invoke('named', 'echo'), { client: svc.client }),
    );
    const run = await svc.run('caller');
    expect(run.status).toBe('SUCCEEDED');
    expect(operation(run, rootId(1))).toMatchObject({ Name: 'named', Type: 'CHAINED_INVOKE' });
  });

  it.each([
    ['an empty function name', (ctx: Parameters<Parameters<typeof withDurableExecution>[0]>[1]) => ctx.invoke(undefined, ''), /function name or ARN/],
    ['a name with spaces', (ctx: Parameters<Parameters<typeof withDurableExecution>[0]>[1]) => ctx.invoke('my function'), /function name or ARN/],
    ['a tenant id over 256 characters', (ctx: Parameters<Parameters<typeof withDurableExecution>[0]>[1]) => ctx.invoke('f', 1, { tenantId: 'x'.repeat(257) }), /tenantId/],
    [
      'a timeout (the protocol has none)',
      (ctx: Parameters<Parameters<typeof withDurableExecution>[0]>[1]) => ctx.invoke('f', 1, { timeout: { seconds: 5 } } as never),
      /no timeout of its own/,
    ],
  ])('refuses %s with a ValidationError before checkpointing anything', async (_what, call, message) => {
    svc.registerHandler(
      'caller',
      withDurableExecution(
        async (_input, ctx) => {
          const error = await call(ctx).then(
            () => undefined,
            (e: unknown) => e,
          );
          return { validation: error instanceof ValidationError, message: (error as Error).message };
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('caller');
    expect(run.result).toMatchObject({ validation: true, message: expect.stringMatching(message) });
    expect(checkpointCalls(run.invocations[0].dataPlaneCalls).flatMap(updatesOf).filter((u) => u.Type === 'CHAINED_INVOKE')).toEqual([]);
  });
});
