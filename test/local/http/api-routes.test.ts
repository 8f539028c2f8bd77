/**
 * Every route of the HTTP service, exercised with an unmodified LambdaClient against the real
 * service core. Invocations are driven by hand here (beginInvocation/endInvocation) so each
 * request and response can be checked exactly; end-to-end runs live in the service tests.
 */
import {
  CheckpointDurableExecutionCommand,
  GetDurableExecutionCommand,
  GetDurableExecutionHistoryCommand,
  GetDurableExecutionStateCommand,
  InvokeCommand,
  LambdaClient,
  ListDurableExecutionsByFunctionCommand,
  Operation,
  paginateGetDurableExecutionHistory,
  paginateGetDurableExecutionState,
  SendDurableExecutionCallbackFailureCommand,
  SendDurableExecutionCallbackHeartbeatCommand,
  SendDurableExecutionCallbackSuccessCommand,
  StopDurableExecutionCommand,
} from '@aws-sdk/client-lambda';
import { DurableServiceCore } from '../../../local/core';
import { coreBackend } from '../../../local/http/core-backend';
import { HttpServiceError } from '../../../local/http/service-errors';
import { DurableHttpServer } from '../../../local/http/server';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');

describe('HTTP routes with a real LambdaClient', () => {
  let now = T0;
  let core: DurableServiceCore;
  let server: DurableHttpServer;
  let client: LambdaClient;

  beforeAll(async () => {
    core = new DurableServiceCore({ clock: { now: () => now } });
    core.registerFunction({ functionName: 'orders', durableConfig: { executionTimeoutSeconds: 86_400 }, versions: ['1'], aliases: { live: '1' } });
    server = await DurableHttpServer.start({
      backend: coreBackend(core, async (request) => {
        if (request.invocationType !== 'Event') {
          throw new HttpServiceError('InvalidParameterValueException', 'this test backend only starts executions asynchronously');
        }
        const started = core.startExecution({ ...request, invocationType: 'Event' });
        return { kind: 'accepted', executionArn: started.executionArn, executedVersion: started.executedVersion };
      }),
    });
    client = new LambdaClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  async function start(name: string, input: unknown = { orderId: name }): Promise<string> {
    const response = await client.send(
      new InvokeCommand({
        FunctionName: 'orders:live',
        InvocationType: 'Event',
        DurableExecutionName: name,
        Payload: Buffer.from(JSON.stringify(input)),
      }),
    );
    return response.DurableExecutionArn as string;
  }

  async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
    try {
      await promise;
    } catch (error) {
      const e = error as Error & { $metadata?: { httpStatusCode?: number } };
      return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
    }
    throw new Error('expected the call to fail');
  }

  describe('Invoke', () => {
    it('starts an execution asynchronously: 202, ARN and executed version headers', async () => {
      const response = await client.send(
        new InvokeCommand({ FunctionName: 'orders', Qualifier: 'live', InvocationType: 'Event', DurableExecutionName: 'inv-1', Payload: '{"a":1}' }),
      );
      expect(response.StatusCode).toBe(202);
      expect(response.ExecutedVersion).toBe('1');
      expect(response.DurableExecutionArn).toMatch(
        /^arn:aws:lambda:us-east-1:123456789012:function:orders:1\/durable-execution\/inv-1\/[0-9a-f-]{36}$/,
      );
    });

    it('is idempotent per DurableExecutionName: same payload gives the same ARN, another payload 409', async () => {
      const first = await start('idem-1', { n: 1 });
      expect(await start('idem-1', { n: 1 })).toBe(first);
      const conflict = await rejection(start('idem-1', { n: 2 }));
      expect(conflict).toMatchObject({ name: 'DurableExecutionAlreadyStartedException', status: 409 });
      expect(conflict.message).toContain('idem-1');
    });

    it('rejects an unqualified name, an unknown function and a payload that is not JSON', async () => {
      expect(await rejection(client.send(new InvokeCommand({ FunctionName: 'orders', InvocationType: 'Event' })))).toEqual({
        name: 'InvalidParameterValueException',
        message: 'You cannot invoke a durable function using an unqualified ARN.',
        status: 400,
      });
      expect(await rejection(client.send(new InvokeCommand({ FunctionName: 'nope:live', InvocationType: 'Event' })))).toMatchObject({
        name: 'ResourceNotFoundException',
        status: 404,
      });
      const notJson = await rejection(
        client.send(new InvokeCommand({ FunctionName: 'orders:live', InvocationType: 'Event', Payload: Buffer.from('{oops') })),
      );
      expect(notJson).toMatchObject({ name: 'InvalidRequestContentException', status: 400 });
      expect(notJson.message).toMatch(/^Could not parse request body into json/);
    });
  });

  describe('data plane', () => {
    let arn: string;
    let firstToken: string;
    let token: string;
    let invocationId: string;

    beforeAll(async () => {
      arn = await start('data-plane');
      const invocation = core.beginInvocation(arn);
      invocationId = invocation.invocationId;
      firstToken = invocation.event.CheckpointToken;
      token = firstToken;
    });

    it('checkpoints updates and returns a fresh token and the changed operations with Date timestamps', async () => {
      now = T0 + 1500;
      const response = await client.send(
        new CheckpointDurableExecutionCommand({
          DurableExecutionArn: arn,
          CheckpointToken: token,
          Updates: [
            { Id: 'step-1', Type: 'STEP', SubType: 'Step', Name: 'charge', Action: 'START' },
            { Id: 'step-1', Type: 'STEP', SubType: 'Step', Name: 'charge', Action: 'SUCCEED', Payload: '"ok"' },
          ],
        }),
      );
      expect(response.CheckpointToken).toBeDefined();
      expect(response.CheckpointToken).not.toBe(token);
      token = response.CheckpointToken as string;
      const step = response.NewExecutionState?.Operations?.find((op) => op.Id === 'step-1') as Operation;
      expect(step).toMatchObject({ Type: 'STEP', SubType: 'Step', Name: 'charge', Status: 'SUCCEEDED', StepDetails: { Attempt: 1, Result: '"ok"' } });
      expect(step.StartTimestamp).toEqual(new Date(T0 + 1500));
      expect(step.EndTimestamp).toEqual(new Date(T0 + 1500));
      expect(step.ParentId).toBeUndefined();
    });

    it('answers a repeated ClientToken with the stored response even though its token is consumed', async () => {
      const request = {
        DurableExecutionArn: arn,
        CheckpointToken: token,
        ClientToken: 'retry-me-1',
        Updates: [{ Id: 'wait-1', Type: 'WAIT' as const, SubType: 'Wait', Action: 'START' as const, WaitOptions: { WaitSeconds: 60 } }],
      };
      const first = await client.send(new CheckpointDurableExecutionCommand(request));
      const repeat = await client.send(new CheckpointDurableExecutionCommand(request));
      expect(repeat).toEqual(first);
      const wait = first.NewExecutionState?.Operations?.find((op) => op.Id === 'wait-1') as Operation;
      expect(wait.WaitDetails?.ScheduledEndTimestamp).toEqual(new Date(T0 + 1500 + 60_000));
      token = first.CheckpointToken as string;
    });

    it('rejects a stale token with "Invalid checkpoint token" and changes nothing', async () => {
      const stale = await rejection(
        client.send(
          new CheckpointDurableExecutionCommand({
            DurableExecutionArn: arn,
            CheckpointToken: firstToken,
            Updates: [{ Id: 'step-2', Type: 'STEP', Action: 'START' }],
          }),
        ),
      );
      expect(stale).toEqual({ name: 'InvalidParameterValueException', message: 'Invalid checkpoint token', status: 400 });
      expect(core.getOperations(arn).map((op) => op.Id)).not.toContain('step-2');
      const history = core.getHistory({ DurableExecutionArn: arn }).Events ?? [];
      expect(history.map((e) => `${e.EventType}:${e.Id ?? ''}`)).toEqual([
        `ExecutionStarted:${history[0].Id}`,
        'StepStarted:step-1',
        'StepSucceeded:step-1',
        'WaitStarted:wait-1',
      ]);
    });

    it('pages GetDurableExecutionState in start order', async () => {
      const first = await client.send(new GetDurableExecutionStateCommand({ DurableExecutionArn: arn, CheckpointToken: firstToken, MaxItems: 1 }));
      expect(first.Operations).toHaveLength(1);
      expect(first.Operations?.[0].Type).toBe('EXECUTION');
      expect(first.NextMarker).toBeTruthy();
      const ids: string[] = [];
      for await (const page of paginateGetDurableExecutionState({ client, pageSize: 1 }, { DurableExecutionArn: arn, CheckpointToken: firstToken })) {
        ids.push(...(page.Operations ?? []).map((op) => op.Id as string));
      }
      expect(ids.slice(1)).toEqual(['step-1', 'wait-1']);
      expect(core.getOperations(arn)[0].ExecutionDetails?.InputPayload).toBe('{"orderId":"data-plane"}');
    });

    it('completes the execution and serves its history with paging, reverse order and without data', async () => {
      core.endInvocation(arn, invocationId, { kind: 'returned', output: { Status: 'PENDING' } });
      now = T0 + 62_000;
      core.fireDueTimers();
      const second = core.beginInvocation(arn);
      core.endInvocation(arn, second.invocationId, { kind: 'returned', output: { Status: 'SUCCEEDED', Result: '{"done":true}' } });

      const events = [];
      for await (const page of paginateGetDurableExecutionHistory({ client, pageSize: 2 }, { DurableExecutionArn: arn })) {
        expect(page.Events?.length).toBeLessThanOrEqual(2);
        events.push(...(page.Events ?? []));
      }
      expect(events.map((e) => e.EventType)).toEqual([
        'ExecutionStarted',
        'StepStarted',
        'StepSucceeded',
        'WaitStarted',
        'InvocationCompleted',
        'WaitSucceeded',
        'InvocationCompleted',
        'ExecutionSucceeded',
      ]);
      expect(events.map((e) => e.EventId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(events[0].EventTimestamp).toEqual(new Date(T0));
      expect(events[3].WaitStartedDetails).toEqual({ Duration: 60, ScheduledEndTimestamp: new Date(T0 + 61_500) });
      expect(events[4].InvocationCompletedDetails?.StartTimestamp).toEqual(new Date(T0));
      expect(events[7].ExecutionSucceededDetails?.Result?.Payload).toBe('{"done":true}');

      const reversed = await client.send(
        new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn, ReverseOrder: true, MaxItems: 3, IncludeExecutionData: false }),
      );
      expect(reversed.Events?.map((e) => e.EventId)).toEqual([8, 7, 6]);
      expect(reversed.NextMarker).toBeTruthy();
      expect(reversed.Events?.[0].ExecutionSucceededDetails?.Result?.Payload).toBeUndefined();

      const execution = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }));
      expect(execution).toMatchObject({
        DurableExecutionArn: arn,
        DurableExecutionName: 'data-plane',
        FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders:1',
        Status: 'SUCCEEDED',
        InputPayload: '{"orderId":"data-plane"}',
        Result: '{"done":true}',
        Version: '1',
        StartTimestamp: new Date(T0),
        EndTimestamp: new Date(T0 + 62_000),
      });
      expect(execution.Error).toBeUndefined();
      const withoutData = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn, IncludeExecutionData: false }));
      expect(withoutData.InputPayload).toBeUndefined();
      expect(withoutData.Result).toBeUndefined();
    });
  });

  describe('callbacks', () => {
    let arn: string;
    let token: string;
    let invocationId: string;

    beforeAll(async () => {
      arn = await start('callbacks');
      const invocation = core.beginInvocation(arn);
      invocationId = invocation.invocationId;
      token = invocation.event.CheckpointToken;
    });

    async function createCallback(id: string, options: { TimeoutSeconds?: number; HeartbeatTimeoutSeconds?: number }): Promise<string> {
      const response = await client.send(
        new CheckpointDurableExecutionCommand({
          DurableExecutionArn: arn,
          CheckpointToken: token,
          Updates: [{ Id: id, Type: 'CALLBACK', SubType: 'Callback', Action: 'START', CallbackOptions: options }],
        }),
      );
      token = response.CheckpointToken as string;
      return response.NewExecutionState?.Operations?.find((op) => op.Id === id)?.CallbackDetails?.CallbackId as string;
    }

    it('succeeds a callback with a raw result, takes heartbeats, and refuses a second completion', async () => {
      const callbackId = await createCallback('cb-ok', { HeartbeatTimeoutSeconds: 30 });
      expect(callbackId).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
      await client.send(new SendDurableExecutionCallbackHeartbeatCommand({ CallbackId: callbackId }));
      await client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: Buffer.from('{"approved":true}') }));
      const op = core.getOperations(arn).find((o) => o.Id === 'cb-ok');
      expect(op).toMatchObject({ Status: 'SUCCEEDED', CallbackDetails: { Result: '{"approved":true}' } });
      expect(await rejection(client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId })))).toMatchObject({
        name: 'InvalidParameterValueException',
        status: 400,
      });
    });

    it('fails a callback with an ErrorObject body', async () => {
      const callbackId = await createCallback('cb-fail', {});
      await client.send(
        new SendDurableExecutionCallbackFailureCommand({ CallbackId: callbackId, Error: { ErrorType: 'Rejected', ErrorMessage: 'no budget' } }),
      );
      expect(core.getOperations(arn).find((o) => o.Id === 'cb-fail')).toMatchObject({
        Status: 'FAILED',
        CallbackDetails: { Error: { ErrorType: 'Rejected', ErrorMessage: 'no budget' } },
      });
    });

    it('routes callback ids with encoded + / = and answers an unknown one with 404', async () => {
      expect(await rejection(client.send(new SendDurableExecutionCallbackHeartbeatCommand({ CallbackId: 'ab+/cd==' })))).toMatchObject({
        name: 'ResourceNotFoundException',
        status: 404,
      });
    });

    it('stops a running execution, records the error, and rejects a second stop and later checkpoints', async () => {
      now = T0 + 100_000;
      const stopped = await client.send(
        new StopDurableExecutionCommand({ DurableExecutionArn: arn, Error: { ErrorType: 'Cancelled', ErrorMessage: 'customer cancelled' } }),
      );
      expect(stopped.StopTimestamp).toEqual(new Date(T0 + 100_000));
      const execution = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }));
      expect(execution).toMatchObject({ Status: 'STOPPED', Error: { ErrorType: 'Cancelled', ErrorMessage: 'customer cancelled' } });
      expect(await rejection(client.send(new StopDurableExecutionCommand({ DurableExecutionArn: arn })))).toMatchObject({
        name: 'InvalidParameterValueException',
        status: 400,
      });
      expect(
        await rejection(client.send(new CheckpointDurableExecutionCommand({ DurableExecutionArn: arn, CheckpointToken: token, Updates: [] }))),
      ).toEqual({ name: 'InvalidParameterValueException', message: 'Invalid checkpoint token', status: 400 });
      core.endInvocation(arn, invocationId, { kind: 'returned', output: { Status: 'PENDING' } });
    });
  });

  describe('ListDurableExecutionsByFunction', () => {
    it('filters by repeated Statuses and ISO timestamps, newest first unless reversed', async () => {
      now = T0 + 200_000;
      const a = await start('list-a');
      now = T0 + 201_000;
      const b = await start('list-b');
      const running = await client.send(
        new ListDurableExecutionsByFunctionCommand({
          FunctionName: 'orders',
          Statuses: ['RUNNING', 'STOPPED'],
          StartedAfter: new Date(T0 + 199_999),
        }),
      );
      expect(running.DurableExecutions?.map((e) => e.DurableExecutionArn)).toEqual([b, a]);
      expect(running.DurableExecutions?.[0]).toMatchObject({ Status: 'RUNNING', StartTimestamp: new Date(T0 + 201_000), DurableExecutionName: 'list-b' });
      const reversed = await client.send(
        new ListDurableExecutionsByFunctionCommand({ FunctionName: 'orders', Qualifier: 'live', ReverseOrder: true, StartedAfter: new Date(T0 + 199_999), MaxItems: 1 }),
      );
      expect(reversed.DurableExecutions?.map((e) => e.DurableExecutionArn)).toEqual([a]);
      expect(reversed.NextMarker).toBeTruthy();
      const stopped = await client.send(new ListDurableExecutionsByFunctionCommand({ FunctionName: 'orders', Statuses: ['STOPPED'] }));
      expect(stopped.DurableExecutions?.map((e) => e.DurableExecutionName)).toEqual(['callbacks']);
      expect(stopped.DurableExecutions?.[0].EndTimestamp).toEqual(new Date(T0 + 100_000));
    });
  });

  describe('errors', () => {
    const unknownArn = 'arn:aws:lambda:us-east-1:123456789012:function:orders:1/durable-execution/ghost/00000000-0000-0000-0000-000000000000';

    it('answers an unknown execution with 404 ResourceNotFoundException', async () => {
      for (const call of [
        client.send(new GetDurableExecutionCommand({ DurableExecutionArn: unknownArn })),
        client.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: unknownArn })),
        client.send(new StopDurableExecutionCommand({ DurableExecutionArn: unknownArn })),
      ]) {
        expect(await rejection(call)).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
      }
    });

    async function raw(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
      const response = await fetch(`${server.endpoint}${path}`, { method, body, headers });
      return { status: response.status, errorType: response.headers.get('x-amzn-errortype'), body: (await response.json()) as Record<string, unknown> };
    }

    it('answers unknown routes and wrong methods with UnknownOperationException', async () => {
      const unknown = await raw('GET', '/2025-12-01/nothing-here');
      expect(unknown).toMatchObject({ status: 404, errorType: 'UnknownOperationException', body: { __type: 'UnknownOperationException' } });
      expect(unknown.body.message).toContain('Unknown operation GET /2025-12-01/nothing-here');
      const wrongMethod = await raw('GET', `/2025-12-01/durable-executions/${encodeURIComponent(unknownArn)}/checkpoint`);
      expect(wrongMethod.status).toBe(404);
      expect(wrongMethod.body.message).toContain('use POST');
    });

    it('rejects malformed and mistyped request bodies with the service error shape', async () => {
      const path = `/2025-12-01/durable-executions/${encodeURIComponent(unknownArn)}/checkpoint`;
      const json = { 'Content-Type': 'application/json' };
      expect(await raw('POST', path, '{"CheckpointToken": ', json)).toMatchObject({
        status: 400,
        errorType: 'InvalidRequestContentException',
      });
      expect(await raw('POST', path, '[1,2]', json)).toMatchObject({ status: 400, errorType: 'InvalidRequestContentException' });
      const mistyped = await raw('POST', path, JSON.stringify({ CheckpointToken: 't', Updates: [{ Id: 'w', Type: 'WAIT', Action: 'START', WaitOptions: { WaitSeconds: '5' } }] }), json);
      expect(mistyped).toMatchObject({
        status: 400,
        errorType: 'InvalidParameterValueException',
        body: { __type: 'InvalidParameterValueException', message: 'Member Updates[0].WaitOptions.WaitSeconds must be an integer, got a string.' },
      });
      expect(await raw('POST', path, '{}', { 'Content-Type': 'text/plain' })).toMatchObject({ status: 415, errorType: 'UnsupportedMediaTypeException' });
      expect(await raw('POST', path, '{}', json)).toMatchObject({
        status: 400,
        errorType: 'InvalidParameterValueException',
        body: { message: 'Checkpoint token is required' },
      });
    });

    it('rejects malformed query values and path encodings', async () => {
      const base = `/2025-12-01/durable-executions/${encodeURIComponent(unknownArn)}`;
      expect((await raw('GET', `${base}/history?MaxItems=lots`)).body).toMatchObject({
        message: 'Query parameter MaxItems must be a decimal integer, got \'lots\'.',
      });
      expect((await raw('GET', `${base}/history?ReverseOrder=yes`)).status).toBe(400);
      expect((await raw('GET', '/2025-12-01/functions/orders/durable-executions?Statuses=BOGUS')).body.message).toContain("unknown value 'BOGUS'");
      expect((await raw('GET', '/2025-12-01/functions/orders/durable-executions?StartedAfter=yesterday')).status).toBe(400);
      expect((await raw('GET', '/2025-12-01/durable-executions/%E0%A4%A')).body.message).toContain('not valid percent-encoding');
      const badType = await raw('POST', '/2015-03-31/functions/orders%3Alive/invocations', '{}', { 'X-Amz-Invocation-Type': 'Later' });
      expect(badType).toMatchObject({ status: 400, errorType: 'InvalidParameterValueException' });
    });
  });
});

describe('DurableHttpServer fault barrier', () => {
  it('turns an internal failure into a 500 ServiceException the SDK can read', async () => {
    const core = new DurableServiceCore({ clock: { now: () => T0 } });
    const backend = coreBackend(core, async () => {
      throw new TypeError('cannot read properties of undefined');
    });
    const server = await DurableHttpServer.start({ backend });
    const client = new LambdaClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    try {
      await expect(client.send(new InvokeCommand({ FunctionName: 'orders:live' }))).rejects.toMatchObject({
        name: 'ServiceException',
        message: 'Internal service error: cannot read properties of undefined',
        $metadata: { httpStatusCode: 500 },
      });
    } finally {
      client.destroy();
      await server.close();
    }
  });
});
