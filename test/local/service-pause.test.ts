/**
 * The local service over HTTP with a paused execution: a synchronous Invoke by its name waits for
 * it without resuming it, the callback completes while paused, and the resume finishes the run.
 */
import * as path from 'node:path';
import {
  InvokeCommand,
  LambdaClient,
  PauseDurableExecutionCommand,
  ResumeDurableExecutionCommand,
  SendDurableExecutionCallbackSuccessCommand,
} from '@aws-sdk/client-lambda';
import { LocalDurableService } from '../../local';

const WORKFLOWS = path.join(__dirname, '../fixtures/local/handlers/workflows.js');

async function until<T>(probe: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a paused execution on the local service', () => {
  let svc: LocalDurableService;
  let client: LambdaClient;

  beforeAll(async () => {
    svc = await LocalDurableService.start({ handlerOutput: 'silent' });
    await svc.registerFunction({ name: 'awaitsCallback', bundle: WORKFLOWS, handler: 'awaitsCallback' });
    client = svc.client();
  });
  afterAll(() => svc.stop());

  it('answers a synchronous Invoke by its name once it has been resumed and has finished', async () => {
    const arn = await svc.startExecution('awaitsCallback:live', {}, { executionName: 'sync-1' });
    const callbackId = await until(() => {
      const events = svc.history(arn);
      return events.some((e) => e.EventType === 'InvocationCompleted')
        ? events.find((e) => e.EventType === 'CallbackStarted')?.CallbackStartedDetails?.CallbackId
        : undefined;
    }, 'the callback to start');
    await client.send(new PauseDurableExecutionCommand({ DurableExecutionArn: arn, Reason: 'hold on' }));

    let answered = false;
    const invoke = client
      .send(new InvokeCommand({ FunctionName: 'awaitsCallback:live', DurableExecutionName: 'sync-1', Payload: Buffer.from('{}') }))
      .finally(() => {
        answered = true;
      });
    await client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: Buffer.from('{"by":"bob"}') }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The Invoke neither resumed the execution nor answered: it waits for the end.
    expect(answered).toBe(false);
    expect(svc.describe(arn).status).toBe('PAUSED');
    expect(svc.history(arn).filter((e) => e.EventType === 'InvocationCompleted')).toHaveLength(1);

    await client.send(new ResumeDurableExecutionCommand({ DurableExecutionArn: arn }));
    const response = await invoke;
    expect(response.DurableExecutionArn).toBe(arn);
    expect(JSON.parse(Buffer.from(response.Payload ?? new Uint8Array()).toString('utf8'))).toEqual({ approved: { by: 'bob' } });
    expect(svc.describe(arn).timeline).toMatch(/paused .*"hold on"/);
  });

  it('keeps a deleted execution DELETING for the configured delay', async () => {
    const delayed = await LocalDurableService.start({ handlerOutput: 'silent', deletionDelayMs: 60_000 });
    try {
      await delayed.registerFunction({ name: 'echo', bundle: WORKFLOWS, handler: 'echo' });
      const run = await delayed.run('echo:live', { hello: 'world' });
      await delayed.delete(run.executionArn);
      expect(delayed.core.getExecution({ DurableExecutionArn: run.executionArn }).Status).toBe('DELETING');
      expect(() => delayed.history(run.executionArn)).toThrow(/being deleted/);
    } finally {
      await delayed.stop();
    }
  });
});
