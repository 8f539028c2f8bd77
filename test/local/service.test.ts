/**
 * The local service end to end: hosted bundles that talk to it with a real LambdaClient, the
 * virtual clock, synchronous and asynchronous Invoke, callbacks, stop, and fresh-process mode.
 */
import * as path from 'node:path';
import {
  Event,
  GetDurableExecutionCommand,
  GetDurableExecutionHistoryCommand,
  InvokeCommand,
  LambdaClient,
  SendDurableExecutionCallbackSuccessCommand,
  StopDurableExecutionCommand,
} from '@aws-sdk/client-lambda';
import { LocalDurableService } from '../../local';

const WORKFLOWS = path.join(__dirname, '../fixtures/local/handlers/workflows.js');
const WORKFLOW_NAMES = ['waitAnHour', 'threeSteps', 'flaky', 'fails', 'awaitsCallback', 'withChild', 'echo', 'shortWait', 'memoryDependent'];

function count(events: readonly Event[], type: string, name?: string): number {
  return events.filter((e) => e.EventType === type && (name === undefined || e.Name === name)).length;
}

function decode(payload: Uint8Array | undefined): unknown {
  return JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString('utf8'));
}

async function registerAll(svc: LocalDurableService): Promise<void> {
  for (const handler of WORKFLOW_NAMES) {
    await svc.registerFunction({ name: handler, bundle: WORKFLOWS, handler });
  }
}

describe('LocalDurableService (virtual clock, worker threads)', () => {
  let svc: LocalDurableService;
  let client: LambdaClient;

  beforeAll(async () => {
    svc = await LocalDurableService.start({ handlerOutput: 'silent' });
    await registerAll(svc);
    client = svc.client();
  });

  afterAll(async () => {
    await svc.stop();
  });

  it('runs a one-hour wait in far less real time, and Date.now() in the handler jumps by the hour', async () => {
    const realStart = Date.now();
    const run = await svc.run('waitAnHour:live', { orderId: 'o-1' });
    const realElapsed = Date.now() - realStart;
    expect(run.status).toBe('SUCCEEDED');
    const result = run.result as { orderId: string; before: number; after: number };
    expect(result.orderId).toBe('o-1');
    expect(result.after - result.before).toBeGreaterThanOrEqual(3_600_000);
    expect(result.after - result.before).toBeLessThan(3_600_000 + 60_000);
    expect(realElapsed).toBeLessThan(60_000);

    const events = run.history;
    expect(events.map((e) => e.EventType)).toEqual([
      'ExecutionStarted',
      'StepStarted',
      'StepSucceeded',
      'WaitStarted',
      'InvocationCompleted',
      'WaitSucceeded',
      'StepStarted',
      'StepSucceeded',
      'InvocationCompleted',
      'ExecutionSucceeded',
    ]);
    const waitStarted = events[3];
    const waitSucceeded = events[5];
    expect(waitStarted.WaitStartedDetails?.Duration).toBe(3600);
    expect((waitSucceeded.EventTimestamp as Date).getTime() - (waitStarted.EventTimestamp as Date).getTime()).toBeGreaterThanOrEqual(3_600_000);
    expect(run.invocations).toHaveLength(2);
    expect(run.invocations.every((i) => i.error === undefined)).toBe(true);
    expect(run.operations.map((op) => `${op.Type}:${op.Status}`)).toEqual(['EXECUTION:SUCCEEDED', 'STEP:SUCCEEDED', 'WAIT:SUCCEEDED', 'STEP:SUCCEEDED']);
    expect(run.timeline).toMatch(/WAIT\/Wait\s+SUCCEEDED\s+1h 0m/);
  });

  it('answers a synchronous Invoke with the result once the execution has finished', async () => {
    const response = await client.send(
      new InvokeCommand({ FunctionName: 'waitAnHour:live', Payload: Buffer.from('{"orderId":"sync-1"}'), DurableExecutionName: 'sync-1' }),
    );
    expect(response.StatusCode).toBe(200);
    expect(response.FunctionError).toBeUndefined();
    expect(response.ExecutedVersion).toBe('1');
    expect(response.DurableExecutionArn).toMatch(/:function:waitAnHour:1\/durable-execution\/sync-1\//);
    expect(decode(response.Payload)).toMatchObject({ orderId: 'sync-1' });
    const execution = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: response.DurableExecutionArn }));
    expect(execution.Status).toBe('SUCCEEDED');
  });

  it('returns the existing execution for the same DurableExecutionName and payload, 409 for another payload', async () => {
    const invoke = (orderId: string) =>
      client.send(new InvokeCommand({ FunctionName: 'echo:$LATEST', Payload: Buffer.from(JSON.stringify({ orderId })), DurableExecutionName: 'same-name' }));
    const first = await invoke('a');
    const again = await invoke('a');
    expect(again.DurableExecutionArn).toBe(first.DurableExecutionArn);
    expect(again.ExecutedVersion).toBe('$LATEST');
    expect(decode(again.Payload)).toEqual({ orderId: 'a' });
    await expect(invoke('b')).rejects.toMatchObject({ name: 'DurableExecutionAlreadyStartedException', $metadata: { httpStatusCode: 409 } });
  });

  it('reports a failed execution of a synchronous Invoke as an Unhandled function error', async () => {
    const response = await client.send(new InvokeCommand({ FunctionName: 'fails:live', Payload: Buffer.from('{"orderId":"x9"}') }));
    expect(response.StatusCode).toBe(200);
    expect(response.FunctionError).toBe('Unhandled');
    expect(decode(response.Payload)).toEqual({ errorType: 'OutOfStock', errorMessage: 'no stock for x9' });
    const execution = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: response.DurableExecutionArn }));
    expect(execution).toMatchObject({ Status: 'FAILED', Error: { ErrorType: 'OutOfStock', ErrorMessage: 'no stock for x9' } });
  });

  it('starts an asynchronous Invoke with 202 and runs it to the end', async () => {
    const response = await client.send(new InvokeCommand({ FunctionName: 'threeSteps', Qualifier: '1', InvocationType: 'Event', Payload: Buffer.from('{"orderId":"e1"}') }));
    expect(response.StatusCode).toBe(202);
    expect(response.Payload?.length ?? 0).toBe(0);
    const run = await svc.waitForExecution(response.DurableExecutionArn as string);
    expect(run.result).toEqual(['one-e1', 'two-e1', 'three-e1']);
  });

  it('validates a DryRun without starting anything', async () => {
    const response = await client.send(new InvokeCommand({ FunctionName: 'echo:live', InvocationType: 'DryRun' }));
    expect(response.StatusCode).toBe(204);
    await expect(client.send(new InvokeCommand({ FunctionName: 'echo:nope', InvocationType: 'DryRun' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(client.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'DryRun' }))).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
    });
  });

  it('retries a failing step with service-side backoff and records each attempt', async () => {
    const run = await svc.run('flaky:live');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual({ attempt: 3 });
    const failures = run.history.filter((e) => e.EventType === 'StepFailed');
    expect(failures.map((e) => e.StepFailedDetails?.RetryDetails)).toEqual([
      { CurrentAttempt: 1, NextAttemptDelaySeconds: 2 },
      { CurrentAttempt: 2, NextAttemptDelaySeconds: 2 },
    ]);
    expect(failures[0].StepFailedDetails?.Error?.Payload).toEqual({ ErrorType: 'Flaky', ErrorMessage: 'attempt 1 failed' });
    expect(count(run.history, 'StepStarted')).toBe(3);
    expect(count(run.history, 'StepSucceeded')).toBe(1);
    expect(run.timeline).toMatch(/STEP\/Step "flaky"\s+SUCCEEDED\s+attempts 3/);
  });

  it('records a child context and its step with the parent link', async () => {
    const run = await svc.run('withChild:live');
    expect(run.result).toBe('prepared+shipped');
    const inner = run.history.find((e) => e.EventType === 'StepSucceeded' && e.Name === 'inner');
    expect(inner?.ParentId).toBe('ctx-1');
    expect(run.history.find((e) => e.EventType === 'ContextSucceeded')).toMatchObject({ Id: 'ctx-1', Name: 'prepare', SubType: 'RunInChildContext' });
    const lines = run.timeline.split('\n');
    const contextLine = lines.find((line) => line.includes('"prepare"')) as string;
    const innerLine = lines.find((line) => line.includes('"inner"')) as string;
    expect(innerLine.indexOf('STEP')).toBe(contextLine.indexOf('CONTEXT') + 2);
  });

  it('completes a callback sent by test code through the API', async () => {
    const started = await client.send(new InvokeCommand({ FunctionName: 'awaitsCallback:live', InvocationType: 'Event', Payload: Buffer.from('{}') }));
    const arn = started.DurableExecutionArn as string;
    const callbackId = await waitForCallbackId(client, arn);
    await client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: Buffer.from('{"by":"alice"}') }));
    const run = await svc.waitForExecution(arn);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual({ approved: { by: 'alice' } });
    expect(run.history.map((e) => e.EventType)).toEqual([
      'ExecutionStarted',
      'CallbackStarted',
      'InvocationCompleted',
      'CallbackSucceeded',
      'InvocationCompleted',
      'ExecutionSucceeded',
    ]);
  });

  it('lets an open callback time out at the real pace instead of skipping to its timeout', async () => {
    const realStart = Date.now();
    const run = await svc.run('awaitsCallback:live', { timeoutSeconds: 1 });
    expect(Date.now() - realStart).toBeGreaterThanOrEqual(900);
    expect(run.status).toBe('FAILED');
    expect(run.error?.ErrorMessage).toBe('Callback timed out');
    expect(run.history.map((e) => e.EventType)).toContain('CallbackTimedOut');
  });

  it('stops an execution that waits, and answers a waiting synchronous Invoke with the stop error', async () => {
    const pending = client.send(new InvokeCommand({ FunctionName: 'awaitsCallback:live', Payload: Buffer.from('{}'), DurableExecutionName: 'to-stop' }));
    // An asynchronous start with the same name and payload returns the same execution's ARN.
    const same = await client.send(
      new InvokeCommand({ FunctionName: 'awaitsCallback:live', Payload: Buffer.from('{}'), DurableExecutionName: 'to-stop', InvocationType: 'Event' }),
    );
    const listed = same.DurableExecutionArn as string;
    await waitForCallbackId(client, listed);
    await client.send(new StopDurableExecutionCommand({ DurableExecutionArn: listed, Error: { ErrorType: 'Cancelled', ErrorMessage: 'order withdrawn' } }));
    const response = await pending;
    expect(response.DurableExecutionArn).toBe(listed);
    expect(response.FunctionError).toBe('Unhandled');
    expect(decode(response.Payload)).toEqual({ errorType: 'Cancelled', errorMessage: 'order withdrawn' });
    expect(svc.describe(listed).status).toBe('STOPPED');
  });

  it('answers an unknown execution with 404 ResourceNotFoundException', async () => {
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:echo:1/durable-execution/nobody/00000000-0000-0000-0000-000000000000';
    await expect(client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('stops an execution at once when its handler export does not exist', async () => {
    await svc.registerFunction({ name: 'broken', bundle: path.join(__dirname, '../fixtures/local/handlers/misbehaving.js'), handler: 'noSuchExport' });
    const run = await svc.run('broken:live');
    expect(run.status).toBe('STOPPED');
    expect(run.error?.ErrorType).toBe('Runtime.HandlerNotFound');
    expect(run.error?.ErrorMessage).toContain('noSuchExport is undefined or not exported');
    expect(run.invocations).toHaveLength(1);
  });

  it('keeps module state between invocations of a warm worker', async () => {
    const run = await svc.run('memoryDependent:live');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toBe(90);
  });
});

describe('LocalDurableService with skipTimeWhileCallbacksOpen', () => {
  it('jumps straight to a callback timeout', async () => {
    const svc = await LocalDurableService.start({ skipTimeWhileCallbacksOpen: true, handlerOutput: 'silent' });
    try {
      await svc.registerFunction({ name: 'awaitsCallback', bundle: WORKFLOWS, handler: 'awaitsCallback' });
      const run = await svc.run('awaitsCallback:live', { timeoutSeconds: 7200 });
      expect(run.status).toBe('FAILED');
      const [started, timedOut] = run.history.filter((e) => e.EventType === 'CallbackStarted' || e.EventType === 'CallbackTimedOut');
      expect((timedOut.EventTimestamp as Date).getTime() - (started.EventTimestamp as Date).getTime()).toBeGreaterThanOrEqual(7_200_000);
    } finally {
      await svc.stop();
    }
  });
});

describe('LocalDurableService synchronous Invoke limit', () => {
  it('answers a synchronous Invoke that outlives its limit with a function error while the execution runs on', async () => {
    const svc = await LocalDurableService.start({ syncInvokeTimeoutMs: 300, handlerOutput: 'silent' });
    try {
      await svc.registerFunction({ name: 'awaitsCallback', bundle: WORKFLOWS, handler: 'awaitsCallback' });
      const response = await svc.client().send(new InvokeCommand({ FunctionName: 'awaitsCallback:live', Payload: Buffer.from('{}') }));
      expect(response.FunctionError).toBe('Unhandled');
      expect(decode(response.Payload)).toMatchObject({ errorType: 'SynchronousInvocationTimeout' });
      expect(svc.describe(response.DurableExecutionArn as string).status).toBe('RUNNING');
    } finally {
      await svc.stop();
    }
  });
});

describe('LocalDurableService in fresh-process mode', () => {
  let svc: LocalDurableService;

  beforeAll(async () => {
    svc = await LocalDurableService.start({ freshProcessPerInvocation: true, handlerOutput: 'silent' });
    await registerAll(svc);
  });

  afterAll(async () => {
    await svc.stop();
  });

  it('runs a workflow whose state lives in checkpoints', async () => {
    const run = await svc.run('waitAnHour:live', { orderId: 'fresh' });
    expect(run.status).toBe('SUCCEEDED');
    const result = run.result as { before: number; after: number };
    expect(result.after - result.before).toBeGreaterThanOrEqual(3_600_000);
  });

  it('catches a workflow that only works because of in-memory state', async () => {
    const run = await svc.run('memoryDependent:live');
    expect(run.status).toBe('FAILED');
    expect(run.error).toEqual({ ErrorType: 'LostState', ErrorMessage: 'discount was lost between invocations' });
  });
});

describe('LocalDurableService on the real clock', () => {
  it('waits durable time out in real time', async () => {
    const svc = await LocalDurableService.start({ clock: 'real', handlerOutput: 'silent' });
    try {
      await svc.registerFunction({ name: 'shortWait', bundle: WORKFLOWS, handler: 'shortWait' });
      const run = await svc.run('shortWait:live');
      expect(run.status).toBe('SUCCEEDED');
      expect((run.result as { waitedMs: number }).waitedMs).toBeGreaterThanOrEqual(1000);
    } finally {
      await svc.stop();
    }
  });
});

describe('LocalDurableService lifecycle', () => {
  it('leaves no server, socket, worker or child process behind after stop', async () => {
    const tally = (): Map<string, number> => {
      const counts = new Map<string, number>();
      for (const resource of process.getActiveResourcesInfo()) {
        if (['TCPServerWrap', 'TCPSocketWrap', 'ProcessWrap', 'MessagePort', 'Timeout'].includes(resource)) {
          counts.set(resource, (counts.get(resource) ?? 0) + 1);
        }
      }
      return counts;
    };
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = tally();
    for (const fresh of [false, true]) {
      const svc = await LocalDurableService.start({ freshProcessPerInvocation: fresh, handlerOutput: 'silent' });
      await svc.registerFunction({ name: 'threeSteps', bundle: WORKFLOWS, handler: 'threeSteps' });
      const response = await svc.client().send(new InvokeCommand({ FunctionName: 'threeSteps:live', Payload: Buffer.from('{"orderId":"x"}') }));
      expect(decode(response.Payload)).toEqual(['one-x', 'two-x', 'three-x']);
      await svc.stop();
    }
    // What stop leaves behind stays; a timer of a socket still closing (or of another test file's
    // work finishing) goes within moments. Poll for up to two seconds before calling it a leak.
    let leftovers: Array<[string, number]> = [];
    for (let waitedMs = 0; waitedMs < 2000; waitedMs += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      leftovers = [...tally()].filter(([resource, n]) => n > (before.get(resource) ?? 0));
      if (leftovers.length === 0) break;
    }
    expect(leftovers).toEqual([]);
  });

  it('refuses work after stop with a clear error', async () => {
    const svc = await LocalDurableService.start({ handlerOutput: 'silent' });
    await svc.stop();
    await expect(svc.run('echo:live')).rejects.toThrow('The local durable service has been stopped; start a new one.');
  });
});

async function waitForCallbackId(client: LambdaClient, arn: string): Promise<string> {
  return eventually(async () => {
    const history = await client.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn }));
    const events = history.Events ?? [];
    const startedAt = events.findIndex((e) => e.EventType === 'CallbackStarted');
    const started = events[startedAt];
    if (started?.CallbackStartedDetails?.CallbackId === undefined) {
      throw new Error(`no CallbackStarted yet in ${arn}`);
    }
    // Wait for the invocation that created the callback to suspend, so the history order the test
    // expects does not depend on whether the callback arrives before or after that invocation ends.
    if (!events.slice(startedAt).some((e) => e.EventType === 'InvocationCompleted')) {
      throw new Error(`the invocation that started the callback in ${arn} has not ended yet`);
    }
    return started.CallbackStartedDetails.CallbackId;
  });
}

/** Retries `probe` until it resolves (the execution runs concurrently in its own sandbox). */
async function eventually<T>(probe: () => Promise<T>, attempts = 200): Promise<T> {
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await probe();
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  throw lastError;
}
