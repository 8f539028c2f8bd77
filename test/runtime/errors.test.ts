import {
  CheckpointError,
  Duration,
  NotDurableInvocationError,
  SerdesError,
  StepError,
  ValidationError,
  withDurableExecution,
  type DurableContext,
} from '../../runtime';
import { InProcessDurableService, type FaultPlan, type RunResult } from '../../local/testing';
import { checkpointCalls, invocationOutcomes, rootId, updatesOf } from './support';

function service(faults?: FaultPlan, initialStatePageSize?: number): InProcessDurableService {
  return new InProcessDurableService({ faults, initialStatePageSize });
}

const twoSteps = (svc: InProcessDurableService) =>
  withDurableExecution(
    async (_input, ctx) => {
      const a = await ctx.step('a', async () => 'A');
      const b = await ctx.step('b', async () => 'B');
      return a + b;
    },
    { client: svc.client },
  );

/** Registers {@link twoSteps} as `orders`; the returned list collects what its handler throws. */
function registerTwoSteps(svc: InProcessDurableService): unknown[] {
  const thrown: unknown[] = [];
  const handler = twoSteps(svc);
  svc.registerHandler('orders', async (event, context) => {
    try {
      return await handler(event, context);
    } catch (error) {
      thrown.push(error);
      throw error;
    }
  });
  return thrown;
}

/** The first invocation threw one CheckpointError of `kind`; the service invoked again and the workflow finished. */
function expectOneFailedInvocationThenSuccess(run: RunResult, thrown: unknown[], kind: CheckpointError['kind'], message: RegExp): void {
  expect(run.status).toBe('SUCCEEDED');
  expect(run.result).toBe('AB');
  expect(invocationOutcomes(run)).toEqual(['error', 'returned:SUCCEEDED']);
  expect(thrown).toHaveLength(1);
  expect(thrown[0]).toBeInstanceOf(CheckpointError);
  expect((thrown[0] as CheckpointError).kind).toBe(kind);
  expect((thrown[0] as Error).message).toMatch(message);
}

describe('checkpoint failures', () => {
  let svc: InProcessDurableService;
  afterEach(() => svc.close());

  it.each([
    ['throttling (429)', 'throttle'],
    ['a server error (500)', 'server-error'],
  ] as const)('makes the handler throw on %s after the client retries, and the next invocation finishes', async (_title, fault) => {
    svc = service([{ operation: 'CheckpointDurableExecution', fault, times: 3 }]);
    const thrown = registerTwoSteps(svc);
    const run = await svc.run('orders');
    expectOneFailedInvocationThenSuccess(run, thrown, 'retryable', /invokes it again/);
    // The client retried three times; the runtime added no retries of its own and sent nothing after.
    expect(checkpointCalls(run.invocations[0].dataPlaneCalls)).toHaveLength(3);
  });

  it('makes the handler throw when a response is lost after the service applied the call, and the next invocation finishes', async () => {
    // No ClientToken: the SDK's retry re-sends the consumed CheckpointToken and is refused as stale.
    svc = service([{ operation: 'CheckpointDurableExecution', fault: 'drop-response', times: 1 }]);
    const thrown = registerTwoSteps(svc);
    const run = await svc.run('orders');
    expectOneFailedInvocationThenSuccess(run, thrown, 'stale-token', /its response lost/);
    const calls = checkpointCalls(run.invocations[0].dataPlaneCalls);
    expect(calls.map((call) => [call.attempt, call.applied, call.fault ?? call.error?.message])).toEqual([
      [1, true, 'drop-response'],
      [2, false, 'Invalid checkpoint token'],
    ]);
    expect(run.history.filter((e) => e.EventType === 'StepStarted')).toHaveLength(2);
  });

  it('throws on a stale checkpoint token and never returns FAILED', async () => {
    svc = service([{ operation: 'CheckpointDurableExecution', fault: 'invalid-token', callIndex: 1 }]);
    const thrown = registerTwoSteps(svc);
    const run = await svc.run('orders');
    expectOneFailedInvocationThenSuccess(run, thrown, 'stale-token', /superseded/);
  });

  it('fails the execution with a clear error on any other 4xx', async () => {
    svc = service([
      { operation: 'CheckpointDurableExecution', fault: 'invalid-token', callIndex: 0, message: 'Invalid Name for operation x: use 1-256 printable ASCII characters.' },
    ]);
    svc.registerHandler('orders', twoSteps(svc));
    const run = await svc.run('orders');
    expect(run.status).toBe('FAILED');
    expect(invocationOutcomes(run)).toEqual(['returned:FAILED']);
    expect(run.error?.ErrorType).toBe('CheckpointError');
    expect(run.error?.ErrorMessage).toMatch(/InvalidParameterValueException \(HTTP 400\).*Invalid Name.*execution fails/);
  });

  it('pages the initial state with GetDurableExecutionState and finds the input by type', async () => {
    svc = service(undefined, 0);
    const seen: unknown[] = [];
    svc.registerHandler(
      'paged',
      withDurableExecution(
        async (input: { id: number }, ctx) => {
          seen.push(input);
          for (let i = 0; i < 3; i += 1) await ctx.step(async () => i);
          await ctx.wait(Duration.seconds(1));
          return input.id;
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('paged', { id: 42 });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toBe(42);
    expect(seen).toEqual([{ id: 42 }, { id: 42 }]);
    const getState = run.invocations[1].dataPlaneCalls.filter((c) => c.command === 'GetDurableExecutionState');
    expect(getState.length).toBeGreaterThanOrEqual(1);
    expect(getState[0].input).toMatchObject({ MaxItems: 1000 });
  });

  it('treats a failing GetDurableExecutionState like a failing checkpoint (throttled → throw)', async () => {
    svc = service([{ operation: 'GetDurableExecutionState', fault: 'throttle', times: 3 }], 0);
    svc.registerHandler('paged', twoSteps(svc));
    const run = await svc.run('paged');
    expect(run.status).toBe('SUCCEEDED');
    expect(invocationOutcomes(run)).toEqual(['error', 'returned:SUCCEEDED']);
  });
});

describe('bad input', () => {
  let svc: InProcessDurableService;
  beforeEach(() => {
    svc = service();
  });
  afterEach(() => svc.close());

  it('rejects an event that is not a durable invocation, saying durable execution is probably not enabled', async () => {
    const handler = withDurableExecution(async () => 'x', { client: svc.client });
    await expect(handler({ orderId: 1 } as never)).rejects.toThrow(NotDurableInvocationError);
    await expect(handler({ orderId: 1 } as never)).rejects.toThrow(/Durable execution is probably not enabled/);
    await expect(handler({ DurableExecutionArn: 'arn' } as never)).rejects.toThrow(/missing CheckpointToken/);
    expect(svc.calls).toHaveLength(0);
  });

  it('fails a step whose result cannot be serialised with a clear serdes error, without retrying', async () => {
    let runs = 0;
    const caught: StepError[] = [];
    svc.registerHandler(
      'bigint',
      withDurableExecution(
        async (_input, ctx: DurableContext) => {
          for (const make of [() => 10n, () => { const o: Record<string, unknown> = {}; o.self = o; return o; }]) {
            try {
              await ctx.step('unserialisable', async () => {
                runs += 1;
                return make();
              });
            } catch (error) {
              caught.push(error as StepError);
            }
          }
          return 'handled';
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('bigint');
    expect(run.status).toBe('SUCCEEDED');
    expect(runs).toBe(2);
    expect(caught.map((e) => [e.constructor.name, e.errorType])).toEqual([
      ['StepError', 'SerdesError'],
      ['StepError', 'SerdesError'],
    ]);
    expect(caught[0].message).toMatch(/Cannot serialise the result of step "unserialisable".*BigInt.*custom serdes/);
    expect(caught[1].message).toMatch(/circular/i);
  });

  it('fails the execution with a SerdesError when the workflow result cannot be serialised', async () => {
    svc.registerHandler('result', withDurableExecution(async () => ({ n: 1n }), { client: svc.client }));
    const run = await svc.run('result');
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatchObject({ ErrorType: SerdesError.name });
    expect(run.error?.ErrorMessage).toMatch(/BigInt/);
  });

  it.each([
    ['a non-printable character', 'line\nbreak', /U\+000A/],
    ['more than 256 characters', 'x'.repeat(257), /257 characters/],
    ['an empty string', '', /empty/],
  ])('rejects a name with %s before any checkpoint', async (_title, name, message) => {
    svc.registerHandler(
      'names',
      withDurableExecution(
        async (_input, ctx) => {
          await ctx.step(name, async () => 1);
          return 'unreachable';
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('names');
    expect(run.status).toBe('FAILED');
    expect(run.error?.ErrorType).toBe(ValidationError.name);
    expect(run.error?.ErrorMessage).toMatch(message);
    expect(checkpointCalls(run.invocations[0].dataPlaneCalls)).toHaveLength(0);
  });

  it('checkpoints a result above the 6 MiB response limit on the EXECUTION operation and returns an empty result', async () => {
    const big = 'x'.repeat(6 * 1024 * 1024 - 40);
    svc.registerHandler('big', withDurableExecution(async () => big, { client: svc.client }));
    const run = await svc.run('big');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.resultPayload).toBe(JSON.stringify(big));
    const output = run.invocations[0].outcome.kind === 'returned' ? run.invocations[0].outcome.output : undefined;
    expect(output).toEqual({ Status: 'SUCCEEDED', Result: '' });
    const last = checkpointCalls(run.invocations[0].dataPlaneCalls).at(-1);
    expect(last && updatesOf(last)).toEqual([{ Id: run.operations[0].Id, Type: 'EXECUTION', Action: 'SUCCEED', Payload: JSON.stringify(big) }]);
  });

  it('truncates errors so the update stays under 32 KB', async () => {
    svc.registerHandler(
      'huge-error',
      withDurableExecution(
        async (_input, ctx) =>
          ctx.step('fails', async () => {
            throw new Error('m'.repeat(100_000));
          }, { retryStrategy: () => ({ shouldRetry: false }) }),
        { client: svc.client },
      ),
    );
    const run = await svc.run('huge-error');
    expect(run.status).toBe('FAILED');
    const fail = checkpointCalls(run.invocations[0].dataPlaneCalls).flatMap(updatesOf).find((u) => u.Action === 'FAIL');
    expect(fail?.Id).toBe(rootId(1));
    expect(Buffer.byteLength(JSON.stringify(fail))).toBeLessThan(32_768);
    expect(fail?.Error?.ErrorMessage).toMatch(/^m+…\[truncated\]$/);
    expect(JSON.stringify(run.error).length).toBeLessThan(32_768);
  });

  it('refuses durable operations called inside a step function', async () => {
    svc.registerHandler(
      'nested-step',
      withDurableExecution(
        async (_input, ctx) =>
          ctx.step('outer', async () => {
            await ctx.step('inner', async () => 1);
            return 'unreachable';
          }, { retryStrategy: () => ({ shouldRetry: false }) }),
        { client: svc.client },
      ),
    );
    const run = await svc.run('nested-step');
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatchObject({ ErrorType: 'StepError' });
    const stepError = run.operations.find((op) => op.Name === 'outer')?.StepDetails?.Error;
    expect(stepError?.ErrorType).toBe('DurableOperationInStepError');
    expect(stepError?.ErrorMessage).toMatch(/inside the function of step "outer"/);
    expect(run.operations.filter((op) => op.Type === 'STEP')).toHaveLength(1);
  });

  it('rejects bad durations and retry delays with a ValidationError', async () => {
    svc.registerHandler(
      'durations',
      withDurableExecution(
        async (_input, ctx) => {
          const messages: string[] = [];
          for (const attempt of [
            () => ctx.wait(Duration.seconds(0)),
            () => ctx.wait(Duration.days(400)),
            () => ctx.wait({ seconds: -1 }),
            () => ctx.wait({} as Duration),
          ]) {
            await attempt().catch((error: Error) => messages.push(`${error.name}: ${error.message}`));
          }
          return messages;
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('durations');
    expect(run.status).toBe('SUCCEEDED');
    const messages = run.result as string[];
    expect(messages).toHaveLength(4);
    expect(messages.every((m) => m.startsWith('ValidationError'))).toBe(true);
    expect(messages[1]).toMatch(/31622400/);
    expect(svc.calls.filter((c) => c.command === 'CheckpointDurableExecution')).toHaveLength(0);
  });
});
