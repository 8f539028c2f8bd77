/**
 * The README's "Coming from @aws/durable-execution-sdk-js" table, row by row: each test checks this
 * runtime's side of one row (its test name starts with the row's official names).
 */
import { Duration as CdkDuration } from 'aws-cdk-lib';
import { SendDurableExecutionCallbackSuccessCommand } from '@aws-sdk/client-lambda';
import * as runtime from '../../runtime';
import {
  BatchResult,
  CallbackError,
  ChildContextError,
  CompletionConfig,
  DurableError,
  Duration,
  InvokeError,
  MapError,
  ParallelError,
  RetryPresets,
  Serdes,
  StepError,
  StepInterruptedError,
  StepSemantics,
  ValidationError,
  WaitForConditionError,
  WaitStrategies,
  withDurableExecution,
  type DurableContext,
} from '../../runtime';
import { InProcessDurableService } from '../../local/testing';
import { checkpointCalls, operation, rootId, updatesOf } from './support';

let svc: InProcessDurableService;
beforeEach(() => {
  svc = new InProcessDurableService();
});
afterEach(() => svc.close());

/** Runs `workflow` as a durable function on the in-process service. */
async function runFlow(workflow: (input: unknown, ctx: DurableContext) => Promise<unknown>, input?: unknown) {
  svc.registerHandler('flow', withDurableExecution(workflow, { client: svc.client }));
  return svc.run('flow', input);
}

/** The error a promise rejects with. */
const rejection = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (e: unknown) => e);

test('withDurableExecution(handler, config): same name; the construct also wraps a plain exported workflow', async () => {
  const run = await runFlow(async (input) => `hello ${String(input)}`, 'porter');
  expect(run.result).toBe('hello porter');
});

test('DurableContext, DurableLambdaHandler / DurableExecutionHandler: DurableContext, DurableHandler, DurableWorkflow', () => {
  const handler: runtime.DurableHandler = withDurableExecution(async () => 1);
  expect(runtime.isDurableHandler(handler)).toBe(true);
});

test('context.step(name?, fn, config?) / StepFunc: ctx.step; fn receives { logger, attempt, operationId, signal }', async () => {
  const run = await runFlow(async (_input, ctx) => ctx.step('s', async ({ attempt, operationId, signal }) => ({ attempt, operationId, aborted: signal.aborted })));
  expect(run.result).toEqual({ attempt: 1, operationId: rootId(1), aborted: false });
});

test('StepSemantics enum: a const object with the same string values', () => {
  expect(StepSemantics).toEqual({ AtLeastOncePerRetry: 'AT_LEAST_ONCE_PER_RETRY', AtMostOncePerRetry: 'AT_MOST_ONCE_PER_RETRY' });
});

test('Duration { minutes: 5 }: the same object works here, and so does Duration.minutes(5); aws-cdk-lib Duration does not', async () => {
  expect(Duration.minutes(5)).toEqual({ minutes: 5 });
  const run = await runFlow(async (_input, ctx) => {
    await ctx.wait({ minutes: 5 });
    await ctx.wait(Duration.minutes(5));
    return rejection(ctx.wait(CdkDuration.minutes(5) as never)).then((e) => e instanceof ValidationError);
  });
  expect(run.result).toBe(true);
  const waits = run.invocations.flatMap((inv) => checkpointCalls(inv.dataPlaneCalls).flatMap(updatesOf)).filter((u) => u.Type === 'WAIT');
  expect(waits.map((u) => u.WaitOptions?.WaitSeconds)).toEqual([300, 300]);
});

test('retryPresets.default / noRetry / linear: RetryPresets.default() / none() / fixed() are factories (call them)', () => {
  const error = new Error('x');
  expect(RetryPresets.default()(error, 1)).toMatchObject({ shouldRetry: true });
  expect(RetryPresets.default()(error, 6)).toEqual({ shouldRetry: false });
  expect(RetryPresets.none()(error, 1)).toEqual({ shouldRetry: false });
  expect(RetryPresets.fixed({ maxAttempts: 2, delay: Duration.seconds(3) })(error, 1)).toEqual({ shouldRetry: true, delay: { seconds: 3 } });
  expect((runtime as Record<string, unknown>).retryPresets).toBeUndefined();
});

test('createRetryStrategy(config) / createLinearRetryStrategy: RetryPresets.exponentialBackoff(options), or your own function', () => {
  const strategy = RetryPresets.exponentialBackoff({ maxAttempts: 3, initialDelay: Duration.seconds(2), backoffRate: 3, jitter: 'NONE', retryableErrors: [/throttl/i] });
  expect(strategy(new Error('Throttled'), 2)).toEqual({ shouldRetry: true, delay: { seconds: 6 } });
  expect(strategy(new Error('bad input'), 1)).toEqual({ shouldRetry: false });
  expect((runtime as Record<string, unknown>).createRetryStrategy).toBeUndefined();
});

test('context.runInChildContext / ChildConfig.errorMapper: ctx.runInChildContext with errorMapping', async () => {
  const run = await runFlow(async (_input, ctx) => {
    const error = await rejection(
      ctx.runInChildContext('c', async () => Promise.reject(new Error('inner')), { errorMapping: () => new RangeError('mapped') }),
    );
    return { child: error instanceof ChildContextError, type: (error as ChildContextError).errorType, message: (error as Error).message };
  });
  expect(run.result).toEqual({ child: true, type: 'RangeError', message: 'mapped' });
});

test('context.createCallback → [promise, callbackId]: here { callbackId, promise }, and the result is parsed as JSON, not a raw string', async () => {
  svc.registerHandler(
    'flow',
    withDurableExecution(async (_input, ctx) => {
      const { callbackId, promise } = await ctx.createCallback<{ approved: boolean }>('approval');
      return { callbackId: typeof callbackId, result: await promise };
    }, { client: svc.client }),
  );
  const arn = await svc.start('flow');
  const callbackId = await svc.waitForCallbackId(arn, 'approval');
  await svc.client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: '{"approved":true}' }));
  expect((await svc.waitFor(arn)).result).toEqual({ callbackId: 'string', result: { approved: true } });
});

test('CallbackTimeoutError / CallbackSubmitterError / CallbackExternalError: one CallbackError, errorType tells which', async () => {
  const run = await runFlow(async (_input, ctx) => {
    const error = await rejection(ctx.waitForCallback('t', async () => undefined, { timeout: Duration.seconds(1) }));
    return { callbackError: error instanceof CallbackError };
  });
  expect(run.result).toEqual({ callbackError: true });
  const timedOut = run.history.find((e) => e.EventType === 'CallbackTimedOut');
  expect(timedOut?.CallbackTimedOutDetails?.Error?.Payload?.ErrorType).toBe('Callback.Timeout');
});

test('context.invoke(name?, funcId, input?, { payloadSerdes, resultSerdes, tenantId }) / InvokeError: the same', async () => {
  svc.registerPlainHandler('pricing', (input) => ({ total: (input as { qty: number }).qty * 2 }));
  svc.registerPlainHandler('broken', () => {
    throw new Error('down');
  });
  const run = await runFlow(async (_input, ctx) => {
    const quote = await ctx.invoke('quote', 'pricing', { qty: 4 }, { tenantId: 't-1' });
    const error = await rejection(ctx.invoke('broken'));
    return { quote, invokeError: error instanceof InvokeError };
  });
  expect(run.result).toEqual({ quote: { total: 8 }, invokeError: true });
});

test('context.waitForCondition / createWaitStrategy({ shouldContinuePolling }): WaitStrategies.fixed/exponential({ until }), until is the opposite test', async () => {
  const run = await runFlow(async (_input, ctx) =>
    ctx.waitForCondition(async (n: number) => n + 1, {
      initialState: 0,
      waitStrategy: WaitStrategies.exponential({ until: (n) => n >= 2, initialDelay: Duration.seconds(1) }),
    }),
  );
  expect(run.result).toBe(2);
  expect(operation(run, rootId(1))).toMatchObject({ SubType: 'WaitForCondition' });
  expect(new WaitForConditionError('x')).toBeInstanceOf(DurableError);
});

test('context.parallel(name?, branches, config?) with { name, func } branches: the same', async () => {
  const run = await runFlow(async (_input, ctx) =>
    (await ctx.parallel('p', [{ name: 'a', func: async (b) => b.step(async () => 1) }, async (b) => b.step(async () => 2)])).getResults(),
  );
  expect(run.result).toEqual([1, 2]);
});

test('context.map(name?, items, fn(ctx, item, index, items), { itemNamer }): fn(ctx, item, index, signal), itemNamer the same', async () => {
  const run = await runFlow(async (_input, ctx) => {
    const result = await ctx.map('m', ['x', 'y'], async (c, item, index, signal) => `${item}${index}${signal.aborted}`, { itemNamer: (item) => `item-${item}` });
    return { results: result.getResults(), names: result.all.map((i) => i.name) };
  });
  expect(run.result).toEqual({ results: ['x0false', 'y1false'], names: ['item-x', 'item-y'] });
});

test('CompletionConfig.toleratedFailurePercentage 0-100: a 0-1 ratio here; above 1 is an error naming the difference', async () => {
  const run = await runFlow(async (_input, ctx) => {
    const error = await rejection(ctx.parallel([async () => 1], { completionConfig: { toleratedFailurePercentage: 50 } }));
    return (error as Error).message;
  });
  expect(run.result).toMatch(/ratio between 0 and 1 here.*@aws\/durable-execution-sdk-js takes this field as a percentage from 0 to 100; write 0\.5 for 50 %/);
  expect(CompletionConfig.allSuccessful()).toEqual({ toleratedFailureCount: 0 });
});

test('BatchResult.succeeded() / failed() / started(): properties here, not methods', () => {
  const result = BatchResult.from({ completionReason: 'ALL_COMPLETED', all: [{ index: 0, name: '0', status: 'SUCCEEDED', result: 1 }] } as never);
  expect(Array.isArray(result.succeeded)).toBe(true);
  expect(result.succeeded).toHaveLength(1);
  expect(result.failed).toEqual([]);
});

test('BatchCompletionError / a batch resolving with FAILURE_TOLERANCE_EXCEEDED: here it rejects with ParallelError / MapError carrying .result', async () => {
  const run = await runFlow(async (_input, ctx) => {
    const error = await rejection(ctx.map([1], async () => Promise.reject(new Error('bad'))));
    return { mapError: error instanceof MapError, reason: (error as MapError).result.completionReason, parallel: ParallelError.name };
  });
  expect(run.result).toEqual({ mapError: true, reason: 'FAILURE_TOLERANCE_EXCEEDED', parallel: 'ParallelError' });
});

test('context.promise.all / allSettled / any / race: ctx.promise.*, over durable operations only; no PromiseCombinatorError wrapping', async () => {
  const run = await runFlow(async (_input, ctx) => {
    const error = await rejection(ctx.promise.race([ctx.step(async () => Promise.reject(new Error('first')), { retryStrategy: RetryPresets.none() })]));
    const refused = await rejection(ctx.promise.all([Promise.resolve(1)]));
    return { stepError: error instanceof StepError, refused: refused instanceof ValidationError };
  });
  expect(run.result).toEqual({ stepError: true, refused: true });
});

test('DurablePromise (lazy until awaited): plain Promises; an operation starts when called, a callback promise waits once awaited', async () => {
  const run = await runFlow(async (_input, ctx) => {
    const pending = ctx.step('eager', async () => 'ran');
    return pending instanceof Promise ? pending : 'not a promise';
  });
  expect(run.result).toBe('ran');
});

test('context.logger / configureLogger: ctx.logger; logger options go to withDurableExecution(…, { logger })', async () => {
  const records: unknown[] = [];
  svc.registerHandler(
    'flow',
    withDurableExecution(
      async (_input, ctx) => {
        ctx.logger.info('hello');
        return 'ok';
      },
      { client: svc.client, logger: { sink: (record) => records.push(record) } },
    ),
  );
  await svc.run('flow');
  expect(records).toEqual([expect.objectContaining({ message: 'hello' })]);
});

test('configureSerdes / defaultSerdes / createClassSerdes / createFileSystemSerdes: a serdes per operation (Serdes.json() is the default)', async () => {
  const dates: runtime.Serdes<Date> = { serialize: (d) => d.toISOString(), deserialize: (s) => new Date(s as string) };
  const run = await runFlow(async (_input, ctx) => {
    const at = await ctx.step('at', async () => new Date(0), { serdes: dates });
    return { isDate: at instanceof Date, json: Serdes.json<number>().serialize(1, { operationId: 'x', executionArn: 'y' }) };
  });
  expect(run.result).toEqual({ isDate: true, json: '1' });
});

test('context.lambdaContext / executionContext.durableExecutionArn: ctx.lambdaContext, ctx.executionArn', async () => {
  const run = await runFlow(async (_input, ctx) => ({ arn: ctx.executionArn, fn: ctx.lambdaContext?.functionName }));
  expect(run.result).toEqual({ arn: run.executionArn, fn: 'flow' });
});

test('DurableOperationError and its subclasses: DurableError with errorType and the original message; StepInterruptedError is the same name', () => {
  for (const ErrorClass of [StepError, ChildContextError, CallbackError, InvokeError, WaitForConditionError, StepInterruptedError]) {
    expect(new ErrorClass('m', { errorType: 'T' })).toMatchObject({ message: 'm', errorType: 'T' });
    expect(new ErrorClass('m')).toBeInstanceOf(DurableError);
  }
});

test('wire types, DurableExecutionClient / DurableExecutionApiClient: @aws-sdk/client-lambda types, and withDurableExecution(…, { client })', async () => {
  const run = await runFlow(async (_input, ctx) => ctx.step(async () => 'via the injected LambdaClient'));
  expect(svc.calls.some((call) => call.command === 'CheckpointDurableExecution')).toBe(true);
  expect(run.result).toBe('via the injected LambdaClient');
});

test('plugins, withRetry, refreshLogConfig, buildPreview, SDK_VERSION: not offered', () => {
  for (const name of ['withRetry', 'refreshLogConfig', 'buildPreview', 'SDK_VERSION', 'DURABLE_INSTRUMENTATION_PLUGIN_API_VERSION']) {
    expect((runtime as Record<string, unknown>)[name]).toBeUndefined();
  }
});
