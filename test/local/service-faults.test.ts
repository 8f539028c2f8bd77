/**
 * Reliability: faults injected into the data plane and handler crashes. Each test checks the
 * error the handler saw (through the invocation record) and that the history holds every
 * checkpoint exactly once — nothing lost, nothing duplicated.
 */
import * as path from 'node:path';
import type { Event } from '@aws-sdk/client-lambda';
import { ExecutionRun, LocalDurableService, silentLogger } from '../../local';

const WORKFLOWS = path.join(__dirname, '../fixtures/local/handlers/workflows.js');

function eventsOf(run: ExecutionRun, type: string, name?: string): Event[] {
  return run.history.filter((e) => e.EventType === type && (name === undefined || e.Name === name));
}

/** The three steps ran to completion, each recorded as succeeded exactly once. */
function expectEachStepSucceededOnce(run: ExecutionRun, orderId: string): void {
  expect(run.status).toBe('SUCCEEDED');
  expect(run.result).toEqual([`one-${orderId}`, `two-${orderId}`, `three-${orderId}`]);
  for (const name of ['one', 'two', 'three']) {
    expect(eventsOf(run, 'StepSucceeded', name)).toHaveLength(1);
  }
  expect(run.operations.filter((op) => op.Type === 'STEP').map((op) => `${op.Id}:${op.Status}:${op.StepDetails?.Attempt}`)).toEqual([
    'one:SUCCEEDED:1',
    'two:SUCCEEDED:1',
    'three:SUCCEEDED:1',
  ]);
}

describe('LocalDurableService fault injection', () => {
  let svc: LocalDurableService;

  beforeEach(async () => {
    svc = await LocalDurableService.start({ handlerOutput: 'silent', logger: silentLogger });
    await svc.registerFunction({ name: 'threeSteps', bundle: WORKFLOWS, handler: 'threeSteps' });
  });

  afterEach(async () => {
    await svc.stop();
  });

  it('throttles a checkpoint with 429 + Retry-After; the client retries and nothing is applied twice', async () => {
    const injector = svc.injectFaults([{ operation: 'CheckpointDurableExecution', callIndex: 1, fault: 'throttle', retryAfterSeconds: 0 }]);
    const run = await svc.run('threeSteps:live', { orderId: 't' });
    expect(injector.firedCounts()).toEqual([1]);
    expectEachStepSucceededOnce(run, 't');
    expect(eventsOf(run, 'StepStarted')).toHaveLength(3);
    expect(run.invocations).toHaveLength(1);
  });

  it('answers 500 twice in a row; the client retries with the same ClientToken and the step is stored once', async () => {
    const injector = svc.injectFaults([{ operation: 'CheckpointDurableExecution', callIndex: [2, 3], fault: 'server-error' }]);
    const run = await svc.run('threeSteps:live', { orderId: 's' });
    expect(injector.firedCounts()).toEqual([2]);
    expectEachStepSucceededOnce(run, 's');
    expect(run.invocations).toHaveLength(1);
  });

  it('drops a response after applying the checkpoint; the retry gets the stored response, no duplicate event', async () => {
    const injector = svc.injectFaults([{ operation: 'CheckpointDurableExecution', callIndex: 1, fault: 'drop-response' }]);
    const run = await svc.run('threeSteps:live', { orderId: 'd' });
    expect(injector.firedCounts()).toEqual([1]);
    expectEachStepSucceededOnce(run, 'd');
    expect(eventsOf(run, 'StepStarted')).toHaveLength(3);
    expect(run.invocations).toHaveLength(1);
  });

  it('answers "Invalid checkpoint token": the invocation fails, the next one replays and finishes', async () => {
    const injector = svc.injectFaults([{ operation: 'CheckpointDurableExecution', callIndex: 2, fault: 'invalid-token' }]);
    const run = await svc.run('threeSteps:live', { orderId: 'i' });
    expect(injector.firedCounts()).toEqual([1]);
    expectEachStepSucceededOnce(run, 'i');
    expect(run.invocations).toHaveLength(2);
    expect(run.invocations[0].error).toMatchObject({ ErrorType: 'InvalidParameterValueException', ErrorMessage: 'Invalid checkpoint token' });
    // Step "two" was started (call 2 was its START), rejected, and started again by the replay.
    expect(eventsOf(run, 'StepStarted', 'one')).toHaveLength(1);
    expect(eventsOf(run, 'StepStarted', 'two')).toHaveLength(1);
  });

  it('keeps answering 429 past the client retries: the invocation fails and the service re-invokes', async () => {
    svc.injectFaults([{ operation: 'CheckpointDurableExecution', callIndex: [0, 1, 2], fault: 'throttle', retryAfterSeconds: 0 }]);
    const run = await svc.run('threeSteps:live', { orderId: 'x' });
    expectEachStepSucceededOnce(run, 'x');
    expect(run.invocations[0].error?.ErrorType).toBe('TooManyRequestsException');
    expect(run.invocations.at(-1)?.error).toBeUndefined();
  });

  it.each([
    [2, 'after step "one" succeeded', { one: 1, two: 1, three: 1 }],
    // The replay finds "two" STARTED and re-runs it without a second START.
    [3, 'after step "two" started', { one: 1, two: 1, three: 1 }],
  ])('kills the handler process after checkpoint %i (%s); the execution goes on from its checkpoints', async (afterCheckpoint, _label, starts) => {
    svc.killHandlerAt({ afterCheckpoint });
    const run = await svc.run('threeSteps:live', { orderId: 'k' }, { timeoutMs: 30_000 });
    expectEachStepSucceededOnce(run, 'k');
    expect(run.invocations).toHaveLength(2);
    expect(run.invocations[0].error?.ErrorType).toBe('Runtime.ExitError');
    expect(run.invocations[0].error?.ErrorMessage).toContain(`injected crash after checkpoint ${afterCheckpoint} of invocation 1`);
    for (const [name, n] of Object.entries(starts)) {
      expect(eventsOf(run, 'StepStarted', name)).toHaveLength(n);
    }
    // The interrupted step is not charged an attempt: no StepFailed anywhere.
    expect(eventsOf(run, 'StepFailed')).toHaveLength(0);
    const completed = eventsOf(run, 'InvocationCompleted');
    expect(completed[0].InvocationCompletedDetails?.Error?.Payload?.ErrorType).toBe('Runtime.ExitError');
  });

  it('kills a fresh handler process the same way', async () => {
    await svc.stop();
    svc = await LocalDurableService.start({ handlerOutput: 'silent', freshProcessPerInvocation: true, handlerKills: [{ afterCheckpoint: 4 }] });
    await svc.registerFunction({ name: 'threeSteps', bundle: WORKFLOWS, handler: 'threeSteps' });
    const run = await svc.run('threeSteps:live', { orderId: 'p' });
    expectEachStepSucceededOnce(run, 'p');
    expect(run.invocations.map((i) => i.error?.ErrorType)).toEqual(['Runtime.ExitError', undefined]);
  });
});

describe('LocalDurableService invocation errors', () => {
  it('records a handler that outlives its timeout as an invocation error and re-invokes', async () => {
    const svc = await LocalDurableService.start({ handlerOutput: 'silent' });
    try {
      await svc.registerFunction({
        name: 'hangs',
        bundle: path.join(__dirname, '../fixtures/local/handlers/misbehaving.js'),
        handler: 'hangs',
        timeout: 1,
        executionTimeout: 5,
      });
      const run = await svc.run('hangs:live');
      // Each invocation times out; the service retries with backoff until the execution timeout.
      expect(run.status).toBe('TIMED_OUT');
      expect(run.invocations.length).toBeGreaterThanOrEqual(2);
      expect(run.invocations[0].error).toMatchObject({ ErrorType: 'Sandbox.Timedout' });
    } finally {
      await svc.stop();
    }
  });
});
