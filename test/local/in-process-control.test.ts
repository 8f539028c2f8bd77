/**
 * Pause, resume and delete through the in-process `LambdaClient` (the SDK's own command classes
 * and exception classes, the ClientToken filled in as the SDK does) and through
 * InProcessDurableService's methods.
 */
import {
  DeleteDurableExecutionCommand,
  GetDurableExecutionCommand,
  PauseDurableExecutionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  ResumeDurableExecutionCommand,
} from '@aws-sdk/client-lambda';
import { Duration, withDurableExecution } from '../../runtime';
import { InProcessDurableService } from '../../local/testing';

let svc: InProcessDurableService;

/** The CallbackId, once the invocation that created the callback has suspended. */
async function suspendedOnCallback(arn: string): Promise<string> {
  const callbackId = await svc.waitForCallbackId(arn);
  while (svc.core.isInvocationRunning(arn)) await new Promise((resolve) => setTimeout(resolve, 1));
  return callbackId;
}

beforeEach(() => {
  svc = new InProcessDurableService();
  svc.registerHandler(
    'approvals',
    withDurableExecution(
      async (_input, ctx) => ctx.waitForCallback<string>('approval', async () => undefined, { timeout: Duration.hours(1) }),
      { client: svc.client },
    ),
  );
});
afterEach(() => svc.close());

it('pauses and resumes with the SDK commands; the client fills in a ClientToken that makes retries safe', async () => {
  const release = svc.holdClock();
  const arn = await svc.start('approvals', {}, { invocationType: 'Event' });
  const callbackId = await suspendedOnCallback(arn);
  const pause = await svc.client.send(new PauseDurableExecutionCommand({ DurableExecutionArn: arn, Reason: 'deploy' }));
  expect(pause.$metadata.httpStatusCode).toBe(202);
  const sent = svc.client.calls.filter((c) => c.command === 'PauseDurableExecution');
  expect(sent).toHaveLength(1);
  expect(sent[0].input.ClientToken).toEqual(expect.any(String));
  // A retry with that token is answered without pausing twice.
  await svc.client.send(new PauseDurableExecutionCommand({ DurableExecutionArn: arn, Reason: 'deploy', ClientToken: sent[0].input.ClientToken as string }));
  await expect(svc.client.send(new PauseDurableExecutionCommand({ DurableExecutionArn: arn }))).rejects.toBeInstanceOf(ResourceConflictException);
  expect((await svc.client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }))).Status).toBe('PAUSED');
  svc.core.sendCallbackSuccess(callbackId, '"yes"');
  await svc.client.send(new ResumeDurableExecutionCommand({ DurableExecutionArn: arn }));
  release();
  const run = await svc.waitFor(arn);
  expect(run.status).toBe('SUCCEEDED');
  expect(run.history.filter((e) => e.EventType === 'ExecutionPaused')).toHaveLength(1);

  const deleted = await svc.client.send(new DeleteDurableExecutionCommand({ DurableExecutionArn: arn }));
  expect(deleted.DeletionRequestTimestamp).toBeInstanceOf(Date);
  await expect(svc.client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }))).rejects.toBeInstanceOf(ResourceNotFoundException);
});

it('pauses, resumes and deletes through the service methods', async () => {
  const release = svc.holdClock();
  const arn = await svc.start('approvals', {}, { invocationType: 'Event' });
  const callbackId = await suspendedOnCallback(arn);
  await svc.pause(arn, { reason: 'incident', executionTimeoutPaused: false });
  expect(svc.describe(arn).status).toBe('PAUSED');
  expect(svc.core.getExecution({ DurableExecutionArn: arn }).PauseDetails).toMatchObject({ Reason: 'incident', ExecutionTimeoutPaused: false });
  await expect(svc.delete(arn)).rejects.toMatchObject({ name: 'ResourceConflictException', httpStatus: 409 });
  svc.core.sendCallbackSuccess(callbackId, '"yes"');
  await svc.resume(arn, { reason: 'over' });
  release();
  const run = await svc.waitFor(arn);
  expect(run.result).toBe('yes');
  expect(await svc.delete(arn)).toBeInstanceOf(Date);
  expect(() => svc.describe(arn)).toThrow(/not found/i);
});
