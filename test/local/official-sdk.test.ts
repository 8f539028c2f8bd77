/**
 * Independent cross-check: a workflow written with the official AWS durable-execution runtime
 * (`@aws/durable-execution-sdk-js`), bundled with esbuild like any function, runs on the local
 * service and leaves the history protocol.md says the real service records.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Event } from '@aws-sdk/client-lambda';
import { ExecutionRun, LocalDurableService } from '../../local';
import { bundleOfficialWorkflow } from './official-bundle';

const ENTRY = path.join(__dirname, '../fixtures/local/official/workflow.ts');

/** Every event of one operation, by its Name (or, for the unnamed wait, by type and parent). */
function eventsOf(run: ExecutionRun, id: string): Event[] {
  return run.history.filter((e) => e.Id === id);
}

function opId(run: ExecutionRun, name: string): string {
  const event = run.history.find((e) => e.Name === name && e.EventType !== 'ExecutionStarted');
  if (event?.Id === undefined) {
    throw new Error(`no operation named ${name} in the history`);
  }
  return event.Id;
}

describe.each([
  ['worker threads', false],
  ['fresh processes', true],
])('the official AWS durable runtime on the local service (%s)', (_mode, freshProcessPerInvocation) => {
  let outDir: string;
  let svc: LocalDurableService;
  let run: ExecutionRun;

  beforeAll(async () => {
        // The AWS SDK stays external, as on Lambda; the runtime loads it with import(), which the
    // host resolves through its NODE_PATH fallback.
    ({ outDir } = await bundleOfficialWorkflow(ENTRY, 'official-sdk-'));
    svc = await LocalDurableService.start({ freshProcessPerInvocation, handlerOutput: 'silent' });
    await svc.registerFunction({ name: 'official-orders', bundle: path.join(outDir, 'index.js'), handler: 'handler' });
    run = await svc.run('official-orders:live', { orderId: '42' }, { executionName: 'official-42', timeoutMs: 60_000 });
  });

  afterAll(async () => {
    await svc?.stop();
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('completes with the expected result and no failed invocation', () => {
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual({
      reserved: 'reserved-42',
      charged: { attempt: 3 },
      label: 'label-42',
      notifications: ['email-sent', 'sms-sent'],
    });
    expect(run.invocations.length).toBeGreaterThanOrEqual(5);
    expect(run.invocations.filter((i) => i.error !== undefined)).toEqual([]);
  });

  it('records the event types, subtypes and names of every operation', () => {
    const expected: Array<[string, string, string[]]> = [
      ['reserve', 'Step', ['StepStarted', 'StepSucceeded']],
      ['cool-off', 'Wait', ['WaitStarted', 'WaitSucceeded']],
      ['charge', 'Step', ['StepStarted', 'StepFailed', 'StepStarted', 'StepFailed', 'StepStarted', 'StepSucceeded']],
      ['ship', 'RunInChildContext', ['ContextStarted', 'ContextSucceeded']],
      ['print-label', 'Step', ['StepStarted', 'StepSucceeded']],
      ['notify', 'Parallel', ['ContextStarted', 'ContextSucceeded']],
      ['email', 'ParallelBranch', ['ContextStarted', 'ContextSucceeded']],
      ['sms', 'ParallelBranch', ['ContextStarted', 'ContextSucceeded']],
      ['send-email', 'Step', ['StepStarted', 'StepSucceeded']],
      ['send-sms', 'Step', ['StepStarted', 'StepSucceeded']],
    ];
    for (const [name, subType, types] of expected) {
      const events = eventsOf(run, opId(run, name));
      expect({ name, types: events.map((e) => e.EventType) }).toEqual({ name, types });
      expect(events.every((e) => e.SubType === subType && e.Name === name)).toBe(true);
    }
    // The runtime's ids are opaque to the service (16 hex chars in the official scheme, §2.7).
    expect(opId(run, 'reserve')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('links children to their enclosing context and nothing at the top level', () => {
    const ship = opId(run, 'ship');
    const notify = opId(run, 'notify');
    const parentOf = (name: string) => eventsOf(run, opId(run, name))[0].ParentId;
    for (const top of ['reserve', 'cool-off', 'charge', 'ship', 'notify']) {
      expect({ top, parent: parentOf(top) }).toEqual({ top, parent: undefined });
    }
    expect(parentOf('print-label')).toBe(ship);
    const childWait = run.history.find((e) => e.EventType === 'WaitStarted' && e.ParentId === ship);
    expect(childWait).toMatchObject({ SubType: 'Wait', WaitStartedDetails: { Duration: 10 } });
    expect(childWait?.Name).toBeUndefined();
    expect(parentOf('email')).toBe(notify);
    expect(parentOf('sms')).toBe(notify);
    expect(parentOf('send-email')).toBe(opId(run, 'email'));
    expect(parentOf('send-sms')).toBe(opId(run, 'sms'));
  });

  it('records retries with the attempt that ended and the delay, and wait durations', () => {
    const charge = eventsOf(run, opId(run, 'charge'));
    expect(charge.filter((e) => e.EventType === 'StepFailed').map((e) => e.StepFailedDetails?.RetryDetails)).toEqual([
      { CurrentAttempt: 1, NextAttemptDelaySeconds: 5 },
      { CurrentAttempt: 2, NextAttemptDelaySeconds: 5 },
    ]);
    expect(charge[1].StepFailedDetails?.Error?.Payload).toMatchObject({ ErrorType: 'Error', ErrorMessage: 'gateway timeout on attempt 1' });
    expect(charge.at(-1)?.StepSucceededDetails).toEqual({ Result: { Payload: '{"attempt":3}', Truncated: false }, RetryDetails: { CurrentAttempt: 3 } });
    const [waitStarted, waitSucceeded] = eventsOf(run, opId(run, 'cool-off'));
    expect(waitStarted.WaitStartedDetails?.Duration).toBe(30);
    expect((waitSucceeded.EventTimestamp as Date).getTime() - (waitStarted.EventTimestamp as Date).getTime()).toBeGreaterThanOrEqual(30_000);
    // The retry delays passed on the service clock before each new attempt.
    const failedAt = (charge[1].EventTimestamp as Date).getTime();
    const restartedAt = (charge[2].EventTimestamp as Date).getTime();
    expect(restartedAt - failedAt).toBeGreaterThanOrEqual(5000);
  });

  it('orders the history as the service applied it, ending with InvocationCompleted then ExecutionSucceeded', () => {
    const types = run.history.map((e) => e.EventType);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.slice(-2)).toEqual(['InvocationCompleted', 'ExecutionSucceeded']);
    expect(run.history.map((e) => e.EventId)).toEqual(run.history.map((_e, i) => i + 1));
    // Each suspension point ends an invocation: after the wait, each failed attempt and the child's wait.
    const index = (predicate: (e: Event) => boolean) => run.history.findIndex(predicate);
    const coolOffStarted = index((e) => e.EventType === 'WaitStarted' && e.Name === 'cool-off');
    expect(types[coolOffStarted + 1]).toBe('InvocationCompleted');
    expect(types[index((e) => e.EventType === 'WaitSucceeded' && e.Name === 'cool-off') - 1]).toBe('InvocationCompleted');
    expect(run.history.find((e) => e.EventType === 'ExecutionStarted')?.ExecutionStartedDetails).toEqual({
      Input: { Payload: '{"orderId":"42"}', Truncated: false },
      ExecutionTimeout: 86_400,
    });
  });
});
