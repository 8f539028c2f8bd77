/**
 * PauseDurableExecution, ResumeDurableExecution and DeleteDurableExecution over HTTP with the
 * SDK's own commands (protocol.md §9): an unmodified LambdaClient against the real core, with
 * invocations driven by hand so that each request and answer can be checked exactly.
 */
import {
  CheckpointDurableExecutionCommand,
  DeleteDurableExecutionCommand,
  GetDurableExecutionCommand,
  GetDurableExecutionHistoryCommand,
  GetDurableExecutionStateCommand,
  InvalidParameterValueException,
  InvokeCommand,
  LambdaClient,
  ListDurableExecutionsByFunctionCommand,
  PauseDurableExecutionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  ResumeDurableExecutionCommand,
  SendDurableExecutionCallbackSuccessCommand,
} from '@aws-sdk/client-lambda';
import { ControlMessages, DurableServiceCore, INVALID_CHECKPOINT_TOKEN } from '../../../local/core';
import { coreBackend } from '../../../local/http/core-backend';
import { DurableHttpServer } from '../../../local/http/server';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');

describe('pause, resume and delete over HTTP with a real LambdaClient', () => {
  let now = T0;
  let core: DurableServiceCore;
  let server: DurableHttpServer;
  let client: LambdaClient;
  const requests: string[] = [];

  beforeAll(async () => {
    core = new DurableServiceCore({ clock: { now: () => now } });
    core.registerFunction({ functionName: 'orders', durableConfig: { executionTimeoutSeconds: 3600 } });
    server = await DurableHttpServer.start({
      backend: coreBackend(core, async (request) => {
        const started = core.startExecution({ ...request, invocationType: 'Event' });
        return { kind: 'accepted', executionArn: started.executionArn, executedVersion: started.executedVersion };
      }),
      onRequest: (info) => requests.push(`${info.operation} ${info.labels.DurableExecutionArn} ${info.status}`),
    });
    client = new LambdaClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  });

  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  async function start(name: string): Promise<string> {
    const res = await client.send(
      new InvokeCommand({ FunctionName: 'orders:$LATEST', InvocationType: 'Event', DurableExecutionName: name, Payload: Buffer.from('{"n":1}') }),
    );
    return res.DurableExecutionArn as string;
  }

  async function checkpoint(arn: string, token: string, updates: NonNullable<CheckpointDurableExecutionCommand['input']['Updates']>) {
    return client.send(new CheckpointDurableExecutionCommand({ DurableExecutionArn: arn, CheckpointToken: token, Updates: updates }));
  }

  async function eventTypes(arn: string): Promise<string[]> {
    const res = await client.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn, MaxItems: 1000 }));
    return (res.Events ?? []).map((e) => e.EventType as string);
  }

  async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected the request to fail');
  }

  it('pauses an execution suspended on a callback, lets the callback complete, and resumes it', async () => {
    const arn = await start('between');
    const inv = core.beginInvocation(arn);
    const res = await checkpoint(arn, inv.event.CheckpointToken, [{ Id: 'cb', Type: 'CALLBACK', SubType: 'Callback', Action: 'START' }]);
    const callbackId = res.NewExecutionState?.Operations?.find((o) => o.Id === 'cb')?.CallbackDetails?.CallbackId as string;
    core.endInvocation(arn, inv.invocationId, { kind: 'returned', output: { Status: 'PENDING' } });

    now += 1000;
    const paused = await client.send(new PauseDurableExecutionCommand({ DurableExecutionArn: arn, Reason: 'risky deploy', ExecutionTimeoutPaused: false }));
    expect(paused.$metadata.httpStatusCode).toBe(202);
    const got = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }));
    expect(got.Status).toBe('PAUSED');
    expect(got.PauseDetails).toEqual({ PauseRequestTimestamp: new Date(now), ExecutionTimeoutPaused: false, Reason: 'risky deploy' });
    expect(got.ExpectedExecutionTimeoutTimestamp).toEqual(new Date(T0 + 3_600_000));
    const listed = await client.send(new ListDurableExecutionsByFunctionCommand({ FunctionName: 'orders', Statuses: ['PAUSED'] }));
    expect(listed.DurableExecutions?.map((e) => [e.DurableExecutionArn, e.Status])).toEqual([[arn, 'PAUSED']]);

    await client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: Buffer.from('"approved"') }));
    expect(core.executionsNeedingInvocation()).toEqual([]);

    now += 1000;
    const resumed = await client.send(new ResumeDurableExecutionCommand({ DurableExecutionArn: arn, Reason: 'deploy done' }));
    expect(resumed.$metadata.httpStatusCode).toBe(202);
    expect(core.executionsNeedingInvocation().map((s) => s.executionArn)).toEqual([arn]);
    const history = await client.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn, IncludeExecutionData: false }));
    const types = (history.Events ?? []).map((e) => e.EventType);
    expect(types).toEqual(['ExecutionStarted', 'CallbackStarted', 'InvocationCompleted', 'ExecutionPaused', 'CallbackSucceeded', 'ExecutionResumed']);
    expect(history.Events?.[3].ExecutionPausedDetails).toEqual({
      PauseRequestTimestamp: new Date(now - 1000),
      ExecutionTimeoutPaused: false,
      Reason: { Truncated: true },
    });
    expect(history.Events?.[5].ExecutionResumedDetails).toEqual({ ResumeRequestTimestamp: new Date(now), Reason: { Truncated: true } });

    const next = core.beginInvocation(arn);
    core.endInvocation(arn, next.invocationId, { kind: 'returned', output: { Status: 'SUCCEEDED', Result: '"approved"' } });
    expect((await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }))).Status).toBe('SUCCEEDED');
  });

  it('pauses during an invocation: the in-flight checkpoint is applied and answered without a token; later ones are refused', async () => {
    const arn = await start('during');
    const inv = core.beginInvocation(arn);
    const first = await checkpoint(arn, inv.event.CheckpointToken, [{ Id: 's1', Type: 'STEP', SubType: 'Step', Action: 'START' }]);
    await client.send(new PauseDurableExecutionCommand({ DurableExecutionArn: arn }));
    expect((await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }))).Status).toBe('PAUSING');
    const second = await checkpoint(arn, first.CheckpointToken as string, [{ Id: 's1', Type: 'STEP', SubType: 'Step', Action: 'SUCCEED', Payload: '1' }]);
    expect(second.CheckpointToken).toBeUndefined();
    expect(second.NewExecutionState?.Operations?.find((o) => o.Id === 's1')?.Status).toBe('SUCCEEDED');
    const stale = await rejection(
      client.send(new GetDurableExecutionStateCommand({ DurableExecutionArn: arn, CheckpointToken: inv.event.CheckpointToken })),
    );
    expect(stale).toBeInstanceOf(InvalidParameterValueException);
    expect(stale.message).toBe(INVALID_CHECKPOINT_TOKEN);
    core.endInvocation(arn, inv.invocationId, { kind: 'returned', output: { Status: 'PENDING' } });
    expect(await eventTypes(arn)).toEqual(['ExecutionStarted', 'StepStarted', 'StepSucceeded', 'ExecutionPaused', 'InvocationCompleted']);
    // No new invocation while paused; one at once on resume.
    expect(core.executionsNeedingInvocation()).toEqual([]);
    await client.send(new ResumeDurableExecutionCommand({ DurableExecutionArn: arn }));
    expect(core.executionsNeedingInvocation().map((s) => s.executionArn)).toEqual([arn]);
    const replay = core.beginInvocation(arn);
    core.endInvocation(arn, replay.invocationId, { kind: 'returned', output: { Status: 'SUCCEEDED', Result: '1' } });
  });

  it('answers a retried Pause with the same ClientToken as accepted and applies it once', async () => {
    const arn = await start('retry');
    const inv = core.beginInvocation(arn);
    await checkpoint(arn, inv.event.CheckpointToken, [{ Id: 'w', Type: 'WAIT', SubType: 'Wait', Action: 'START', WaitOptions: { WaitSeconds: 60 } }]);
    core.endInvocation(arn, inv.invocationId, { kind: 'returned', output: { Status: 'PENDING' } });
    const pause = new PauseDurableExecutionCommand({ DurableExecutionArn: arn, ClientToken: 'pause-once', Reason: 'r' });
    await client.send(pause);
    const again = await client.send(new PauseDurableExecutionCommand({ DurableExecutionArn: arn, ClientToken: 'pause-once', Reason: 'r' }));
    expect(again.$metadata.httpStatusCode).toBe(202);
    expect((await eventTypes(arn)).filter((t) => t === 'ExecutionPaused')).toHaveLength(1);
    const conflict = await rejection(client.send(new PauseDurableExecutionCommand({ DurableExecutionArn: arn })));
    expect(conflict).toBeInstanceOf(ResourceConflictException);
    expect([conflict.$metadata?.httpStatusCode, conflict.message]).toEqual([409, ControlMessages.cannotPause('PAUSED')]);
    const reused = await rejection(client.send(new PauseDurableExecutionCommand({ DurableExecutionArn: arn, ClientToken: 'pause-once', Reason: 'other' })));
    expect(reused).toBeInstanceOf(InvalidParameterValueException);
    expect(reused.message).toBe(ControlMessages.clientTokenReused);
    // A client that leaves the token out gets one filled in by the SDK.
    await client.send(new ResumeDurableExecutionCommand({ DurableExecutionArn: arn }));
    expect((await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }))).Status).toBe('RUNNING');
  });

  it('refuses to delete a running execution and deletes a finished one with its history and state', async () => {
    const arn = await start('to-delete');
    const refused = await rejection(client.send(new DeleteDurableExecutionCommand({ DurableExecutionArn: arn })));
    expect(refused).toBeInstanceOf(ResourceConflictException);
    expect([refused.$metadata?.httpStatusCode, refused.message]).toEqual([409, ControlMessages.cannotDelete('RUNNING')]);
    const inv = core.beginInvocation(arn);
    core.endInvocation(arn, inv.invocationId, { kind: 'returned', output: { Status: 'SUCCEEDED', Result: '"ok"' } });
    now += 500;
    const deleted = await client.send(new DeleteDurableExecutionCommand({ DurableExecutionArn: arn }));
    expect(deleted.$metadata.httpStatusCode).toBe(202);
    expect(deleted.DeletionRequestTimestamp).toEqual(new Date(now));
    for (const call of [
      client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn })),
      client.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn })),
      client.send(new DeleteDurableExecutionCommand({ DurableExecutionArn: arn })),
      client.send(new ResumeDurableExecutionCommand({ DurableExecutionArn: arn })),
    ]) {
      const error = await rejection(call);
      expect(error).toBeInstanceOf(ResourceNotFoundException);
    }
    const listed = await client.send(new ListDurableExecutionsByFunctionCommand({ FunctionName: 'orders', DurableExecutionName: 'to-delete' }));
    expect(listed.DurableExecutions).toEqual([]);
    expect(requests).toContain(`DeleteDurableExecution ${arn} 202`);
  });

  it('returns a paused execution to an Invoke with its name, keeps it paused, and refuses a DELETING name', async () => {
    const arn = await start('by-name');
    const inv = core.beginInvocation(arn);
    await checkpoint(arn, inv.event.CheckpointToken, [{ Id: 'w', Type: 'WAIT', SubType: 'Wait', Action: 'START', WaitOptions: { WaitSeconds: 60 } }]);
    core.endInvocation(arn, inv.invocationId, { kind: 'returned', output: { Status: 'PENDING' } });
    await client.send(new PauseDurableExecutionCommand({ DurableExecutionArn: arn }));
    const again = await client.send(
      new InvokeCommand({ FunctionName: 'orders:$LATEST', InvocationType: 'Event', DurableExecutionName: 'by-name', Payload: Buffer.from('{"n":1}') }),
    );
    expect([again.StatusCode, again.DurableExecutionArn]).toEqual([202, arn]);
    expect((await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }))).Status).toBe('PAUSED');
    expect(core.executionsNeedingInvocation()).toEqual([]);
    await client.send(new ResumeDurableExecutionCommand({ DurableExecutionArn: arn }));
  });

  it('answers a malformed ARN with 400 and a long Reason with 400', async () => {
    const badArn = await rejection(client.send(new PauseDurableExecutionCommand({ DurableExecutionArn: 'arn:aws:lambda:nowhere' })));
    expect(badArn).toBeInstanceOf(InvalidParameterValueException);
    expect(badArn.message).toBe(ControlMessages.invalidArn);
    const arn = await start('long-reason');
    const long = await rejection(client.send(new ResumeDurableExecutionCommand({ DurableExecutionArn: arn, Reason: 'x'.repeat(1025) })));
    expect(long).toBeInstanceOf(InvalidParameterValueException);
    expect(long.message).toBe(ControlMessages.reasonTooLong);
  });
});
