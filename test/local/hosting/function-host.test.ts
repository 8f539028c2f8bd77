import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DurableInvocationEvent, ExecutionSchedule, InvocationOutcome } from '../../../local/core/api';
import { FunctionHost } from '../../../local/hosting/function-host';
import { FunctionRegistrationError, resolveHostedFunction } from '../../../local/hosting/hosted-function';

const HANDLERS = path.join(__dirname, '../../fixtures/local/handlers');
const ENDPOINT = 'http://127.0.0.1:1';

function target(functionName: string, version = '1', id = 'id-1'): ExecutionSchedule {
  return {
    executionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}:${version}/durable-execution/n/${id}`,
    functionName,
    executedVersion: version,
  };
}

function event(t: ExecutionSchedule, extra: Record<string, unknown> = {}): DurableInvocationEvent {
  return {
    DurableExecutionArn: t.executionArn,
    CheckpointToken: 'token',
    InitialExecutionState: { Operations: [] },
    ...extra,
  } as DurableInvocationEvent;
}

function returned(outcome: InvocationOutcome): Record<string, unknown> {
  if (outcome.kind !== 'returned') {
    throw new Error(`expected a returned outcome, got ${JSON.stringify(outcome)}`);
  }
  return outcome.output as Record<string, unknown>;
}

function failed(outcome: InvocationOutcome): { ErrorType?: string; ErrorMessage?: string; StackTrace?: string[] } {
  if (outcome.kind !== 'error') {
    throw new Error(`expected an error outcome, got ${JSON.stringify(outcome)}`);
  }
  return outcome.error;
}

describe('FunctionHost (worker threads)', () => {
  let host: FunctionHost;
  const output: string[] = [];

  beforeAll(() => {
    host = new FunctionHost({ endpoint: ENDPOINT, handlerOutput: (_stream, text) => output.push(text) });
    host.register(
      resolveHostedFunction({
        name: 'probe',
        bundle: path.join(HANDLERS, 'probe.js'),
        environment: { CUSTOM: 'yes' },
        memorySize: 512,
        timeout: 30,
      }),
    );
    host.register(resolveHostedFunction({ name: 'bad', bundle: path.join(HANDLERS, 'misbehaving.js'), handler: 'throws' }));
  });

  afterAll(async () => {
    await host.close();
  });

  it('gives the handler the Lambda environment, context and the service endpoint', async () => {
    const t = target('probe');
    const out = returned(await host.invoke(t, event(t), { requestId: 'req-1', virtualNow: Date.now() }));
    expect(out.env).toEqual({
      AWS_ENDPOINT_URL_LAMBDA: ENDPOINT,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_REGION: 'eu-west-1',
      AWS_LAMBDA_FUNCTION_NAME: 'probe',
      AWS_LAMBDA_FUNCTION_VERSION: '1',
      CUSTOM: 'yes',
    });
    const ctx = out.context as Record<string, unknown>;
    expect(ctx).toMatchObject({
      awsRequestId: 'req-1',
      functionName: 'probe',
      functionVersion: '1',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:probe:1',
      memoryLimitInMB: '512',
      logGroupName: '/aws/lambda/probe',
    });
    expect(ctx.remaining).toBeGreaterThan(20_000);
    expect(ctx.remaining).toBeLessThanOrEqual(30_000);
    expect(out.sdkResolvable).toBe(true);
    expect((out.event as Record<string, unknown>).DurableExecutionArn).toBe(t.executionArn);
  });

  it('shifts Date inside the handler to the service clock', async () => {
    const t = target('probe');
    const hourAhead = Date.now() + 3_600_000;
    const out = returned(await host.invoke(t, event(t), { requestId: 'req-2', virtualNow: hourAhead }));
    for (const value of [out.dateNow, out.newDate] as number[]) {
      expect(value).toBeGreaterThanOrEqual(hourAhead);
      expect(value).toBeLessThan(hourAhead + 10_000);
    }
    expect(Date.parse(out.dateString as string)).toBeGreaterThanOrEqual(hourAhead - 1000);
    expect(out.isDate).toBe(true);
  });

  it('serializes the event as Lambda does: Date members become ISO strings', async () => {
    const t = target('probe');
    const withDate = event(t, {
      InitialExecutionState: {
        Operations: [{ Id: 'x', Type: 'EXECUTION', Status: 'STARTED', StartTimestamp: new Date(1733400000123) }],
      },
    });
    const out = returned(await host.invoke(t, withDate, { requestId: 'req-3', virtualNow: Date.now() }));
    const ops = ((out.event as Record<string, unknown>).InitialExecutionState as { Operations: Array<Record<string, unknown>> }).Operations;
    expect(ops[0].StartTimestamp).toBe('2024-12-05T12:00:00.123Z');
  });

  it('reuses a warm worker per function version, in a thread of the service process', async () => {
    const t = target('probe', '1', 'warm');
    const first = returned(await host.invoke(t, event(t), { requestId: 'a', virtualNow: Date.now() }));
    const second = returned(await host.invoke(t, event(t), { requestId: 'b', virtualNow: Date.now() }));
    expect(second.invocationsInThisInstance).toBe((first.invocationsInThisInstance as number) + 1);
    expect(first.pid).toBe(process.pid);
  });

  it('reports a thrown error with its type, message and stack', async () => {
    const t = target('bad');
    const error = failed(await host.invoke(t, event(t), { requestId: 'r', virtualNow: Date.now() }));
    expect(error.ErrorType).toBe('PaymentDeclined');
    expect(error.ErrorMessage).toBe('card expired');
    expect(error.StackTrace?.some((line) => line.includes('misbehaving.js'))).toBe(true);
  });

  it.each([
    ['throwsString', 'Error', 'plain string'],
    ['uncaught', 'RangeError', 'stray timer blew up'],
    ['unhandledRejection', 'Error', 'nobody caught me'],
    ['exits', 'Runtime.ExitError', 'exit status 3'],
    ['notAFunction', 'Runtime.HandlerNotFound', 'notAFunction is undefined or not exported'],
  ])('turns %s into an invocation error and keeps hosting', async (handler, type, message) => {
    const name = `bad-${handler}`;
    host.register(resolveHostedFunction({ name, bundle: path.join(HANDLERS, 'misbehaving.js'), handler }));
    const t = target(name);
    const error = failed(await host.invoke(t, event(t), { requestId: 'r', virtualNow: Date.now() }));
    expect(error.ErrorType).toBe(type);
    expect(error.ErrorMessage).toContain(message);
    const probe = target('probe');
    expect(returned(await host.invoke(probe, event(probe), { requestId: 'p', virtualNow: Date.now() })).pid).toBe(process.pid);
  });

  it('supports callback-style handlers and maps undefined to null', async () => {
    host.register(resolveHostedFunction({ name: 'cb', bundle: path.join(HANDLERS, 'misbehaving.js'), handler: 'callbackStyle' }));
    host.register(resolveHostedFunction({ name: 'undef', bundle: path.join(HANDLERS, 'misbehaving.js'), handler: 'returnsUndefined' }));
    const cb = target('cb');
    expect(returned(await host.invoke(cb, { ...event(cb), value: 7 } as DurableInvocationEvent, { requestId: 'r', virtualNow: Date.now() }))).toEqual({
      viaCallback: 7,
    });
    const undef = target('undef');
    expect(await host.invoke(undef, event(undef), { requestId: 'r', virtualNow: Date.now() })).toEqual({ kind: 'returned', output: null });
  });

  it('ends an invocation that outlives the function timeout', async () => {
    host.register(resolveHostedFunction({ name: 'slow', bundle: path.join(HANDLERS, 'misbehaving.js'), handler: 'hangs', timeout: 1 }));
    const t = target('slow');
    const error = failed(await host.invoke(t, event(t), { requestId: 'slow-req', virtualNow: Date.now() }));
    expect(error).toEqual({
      ErrorType: 'Sandbox.Timedout',
      ErrorMessage: 'RequestId: slow-req Error: Task timed out after 1.00 seconds',
    });
  });

  it('kills a running invocation on request', async () => {
    host.register(resolveHostedFunction({ name: 'victim', bundle: path.join(HANDLERS, 'misbehaving.js'), handler: 'hangs' }));
    const t = target('victim');
    const pending = host.invoke(t, event(t), { requestId: 'v', virtualNow: Date.now() });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(host.runningExecutions()).toEqual([t.executionArn]);
    await expect(host.killInvocation(t.executionArn, 'fault plan')).resolves.toBe(true);
    const error = failed(await pending);
    expect(error.ErrorType).toBe('Runtime.ExitError');
    expect(error.ErrorMessage).toContain('fault plan');
    await expect(host.killInvocation(t.executionArn, 'again')).resolves.toBe(false);
  });

  it('resolves the AWS SDK for a bundle outside any node_modules, through require() and import()', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdk-external-'));
    try {
      const bundle = path.join(dir, 'index.js');
      fs.writeFileSync(
        bundle,
        "exports.handler = async () => ({ required: typeof require('@aws-sdk/client-lambda').LambdaClient, imported: typeof (await import('@aws-sdk/client-lambda')).LambdaClient });",
      );
      host.register(resolveHostedFunction({ name: 'external-sdk', bundle }));
      const t = target('external-sdk');
      expect(returned(await host.invoke(t, event(t), { requestId: 'r', virtualNow: Date.now() }))).toEqual({ required: 'function', imported: 'function' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('captures handler output when asked', async () => {
    host.register(resolveHostedFunction({ name: 'logs', bundle: path.join(HANDLERS, 'logs.js') }));
    const t = target('logs');
    await host.invoke(t, event(t, { n: 42 }), { requestId: 'r', virtualNow: Date.now() });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(output.join('')).toContain('hello from the handler 42');
    expect(output.join('')).toContain('and from stderr');
  });
});

describe('FunctionHost (fresh process per invocation)', () => {
  let host: FunctionHost;

  beforeAll(() => {
    host = new FunctionHost({ endpoint: ENDPOINT, freshProcessPerInvocation: true, handlerOutput: () => undefined });
    host.register(resolveHostedFunction({ name: 'probe', bundle: path.join(HANDLERS, 'probe.js') }));
    host.register(resolveHostedFunction({ name: 'exits', bundle: path.join(HANDLERS, 'misbehaving.js'), handler: 'exits' }));
  });

  afterAll(async () => {
    await host.close();
  });

  it('runs every invocation in a new process with no memory of the last one', async () => {
    const t = target('probe');
    const hourAhead = Date.now() + 3_600_000;
    const first = returned(await host.invoke(t, event(t), { requestId: 'a', virtualNow: hourAhead }));
    const second = returned(await host.invoke(t, event(t), { requestId: 'b', virtualNow: Date.now() }));
    expect(first.pid).not.toBe(process.pid);
    expect(second.pid).not.toBe(first.pid);
    expect(first.invocationsInThisInstance).toBe(1);
    expect(second.invocationsInThisInstance).toBe(1);
    expect(first.dateNow as number).toBeGreaterThanOrEqual(hourAhead);
    expect(first.sdkResolvable).toBe(true);
  });

  it('reports a process that exits as an invocation error', async () => {
    const t = target('exits');
    const error = failed(await host.invoke(t, event(t), { requestId: 'r', virtualNow: Date.now() }));
    expect(error).toEqual({ ErrorType: 'Runtime.ExitError', ErrorMessage: 'Runtime exited with error: exit status 3' });
  });
});

describe('resolveHostedFunction', () => {
  const bundle = path.join(HANDLERS, 'probe.js');

  it('applies the defaults: version 1, alias live, handler export "handler"', () => {
    expect(resolveHostedFunction({ name: 'orders', bundle })).toMatchObject({
      handler: 'handler',
      versions: ['1'],
      aliases: { live: '1' },
      timeoutSeconds: 60,
      retentionDays: 14,
    });
  });

  it.each([
    ['a bad name', { name: 'bad name', bundle }, /Function name 'bad name' is invalid/],
    ['a missing bundle', { name: 'f', bundle: '/nope/index.js' }, /does not exist; build it first/],
    ['a file.export handler', { name: 'f', bundle, handler: 'index.handler' }, /is not an export name/],
    ['a zero execution timeout', { name: 'f', bundle, executionTimeout: 0 }, /executionTimeout of function f must be an integer between 1 and 31622400/],
    ['an alias to a missing version', { name: 'f', bundle, aliases: { live: '2' } }, /points at version '2', which is not among its versions/],
    ['a non-numeric version', { name: 'f', bundle, versions: ['v1'] }, /Version 'v1' of function f is invalid/],
  ])('rejects %s', (_label, options, message) => {
    expect(() => resolveHostedFunction(options)).toThrow(FunctionRegistrationError);
    expect(() => resolveHostedFunction(options)).toThrow(message);
  });
});
