/**
 * Independent cross-check of pause and resume (protocol.md §9): a workflow built with the official
 * AWS durable-execution runtime, bundled with esbuild, is paused in the middle of a step and again
 * while it waits on a callback, resumed each time, and ends with its history intact.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Event } from '@aws-sdk/client-lambda';
import { LocalDurableService } from '../../local';
import { bundleOfficialWorkflow } from './official-bundle';

const ENTRY = path.join(__dirname, '../fixtures/local/official/pausable.ts');

async function until<T>(probe: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 1000; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the official AWS durable runtime paused and resumed on the local service', () => {
  let outDir: string;
  let svc: LocalDurableService;

  beforeAll(async () => {
    ({ outDir } = await bundleOfficialWorkflow(ENTRY, 'official-pause-'));
    svc = await LocalDurableService.start({ handlerOutput: 'silent' });
    await svc.registerFunction({ name: 'official-pausable', bundle: path.join(outDir, 'index.js'), handler: 'handler' });
  });

  afterAll(async () => {
    await svc?.stop();
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('keeps every operation and result across a pause mid-step and a pause on a callback', async () => {
    const arn = await svc.startExecution('official-pausable:live', { orderId: '42', slowMs: 400 });
    const named = (events: Event[], name: string, type: string) => events.find((e) => e.Name === name && e.EventType === type);

    // 1. Pause while the slow step runs: PAUSING until its next checkpoint, then PAUSED.
    await until(() => named(svc.history(arn), 'slow', 'StepStarted'), 'the slow step to start');
    await svc.pause(arn, { reason: 'mid-step' });
    expect(svc.describe(arn).status).toBe('PAUSING');
    await until(() => (svc.describe(arn).status === 'PAUSED' && !svc.core.isInvocationRunning(arn) ? true : undefined), 'the pause to take effect');
    const pausedHistory = svc.history(arn);
    const slowSucceeded = named(pausedHistory, 'slow', 'StepSucceeded');
    expect(slowSucceeded).toBeDefined();
    const firstInvocationEnd = pausedHistory.findIndex((e) => e.EventType === 'InvocationCompleted');
    expect(pausedHistory.findIndex((e) => e.EventType === 'ExecutionPaused')).toBeLessThan(firstInvocationEnd);
    // Nothing ran after the pause took effect.
    expect(named(pausedHistory, 'approval', 'CallbackStarted')).toBeUndefined();
    await svc.resume(arn, { reason: 'step checked' });

    // 2. Pause while it waits on the callback, complete the callback while paused, resume.
    // waitForCallback names its context, not the callback inside it: find the callback by type.
    const callbackId = await until(
      () => svc.history(arn).find((e) => e.EventType === 'CallbackStarted')?.CallbackStartedDetails?.CallbackId,
      'the callback to start',
    );
    await until(() => (svc.core.isInvocationRunning(arn) ? undefined : true), 'the invocation to suspend');
    await svc.pause(arn, { reason: 'awaiting approval' });
    expect(svc.describe(arn).status).toBe('PAUSED');
    // The official runtime hands the callback's text over as it is (no JSON decoding by default).
    svc.core.sendCallbackSuccess(callbackId, 'approved-by-alice');
    const invocationsWhilePaused = svc.history(arn).filter((e) => e.EventType === 'InvocationCompleted').length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(svc.history(arn).filter((e) => e.EventType === 'InvocationCompleted')).toHaveLength(invocationsWhilePaused);
    await svc.resume(arn);

    const run = await svc.waitForExecution(arn, 60_000);
    expect(run.status).toBe('SUCCEEDED');
    const result = run.result as { reserved: string; measured: string; approval: string; charged: string };
    expect(result).toMatchObject({ reserved: 'reserved-42', approval: 'approved-by-alice', charged: 'charged-42' });
    // The slow step ran once: the result is the one checkpointed before the pause.
    expect(JSON.stringify(result.measured)).toBe(slowSucceeded?.StepSucceededDetails?.Result?.Payload);
    for (const name of ['reserve', 'slow', 'charge']) {
      expect({ name, types: run.history.filter((e) => e.Name === name).map((e) => e.EventType) }).toEqual({
        name,
        types: ['StepStarted', 'StepSucceeded'],
      });
    }
    const executionEvents = run.history.filter((e) => e.EventType?.startsWith('Execution')).map((e) => e.EventType);
    expect(executionEvents).toEqual([
      'ExecutionStarted',
      'ExecutionPaused',
      'ExecutionResumed',
      'ExecutionPaused',
      'ExecutionResumed',
      'ExecutionSucceeded',
    ]);
    const reasons = run.history
      .map((e) => e.ExecutionPausedDetails?.Reason?.Payload ?? e.ExecutionResumedDetails?.Reason?.Payload)
      .filter((r) => r !== undefined);
    expect(reasons).toEqual(['mid-step', 'step checked', 'awaiting approval']);
    // The callback completed while paused, between the pause and the resume.
    const types = run.history.map((e) => e.EventType);
    const secondPause = types.lastIndexOf('ExecutionPaused');
    expect(types.slice(secondPause, secondPause + 3)).toEqual(['ExecutionPaused', 'CallbackSucceeded', 'ExecutionResumed']);
    expect(run.timeline).toMatch(/paused .*"mid-step"/);
    expect(run.timeline).toMatch(/paused .*"awaiting approval"/);
  });
});
