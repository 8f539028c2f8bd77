import {
  CheckpointDurableExecutionCommand,
  GetDurableExecutionStateCommand,
  InvalidParameterValueException,
  InvokeCommand,
  LambdaClient,
  ServiceException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { DurableServiceCore } from '../../local/core';
import { FaultInjector, ruleMatches, type FaultPlan } from '../../local/faults';
import { createInProcessLambdaClient } from '../../local/in-process-client';
import { InProcessDurableService, type DurableHandler } from '../../local/testing';
import { session } from './in-process-helpers';

let svc: InProcessDurableService;
afterEach(async () => {
  await svc?.close();
});

/** One step, checkpointed START then SUCCEED in two requests. */
const oneStep: DurableHandler = async (event) => {
  const s = await session(svc.client, event);
  if (s.ops.get('s')?.Status !== 'SUCCEEDED') {
    if (!s.ops.has('s')) await s.checkpoint([{ Id: 's', Type: 'STEP', SubType: 'Step', Action: 'START' }]);
    await s.checkpoint([{ Id: 's', Type: 'STEP', SubType: 'Step', Action: 'SUCCEED', Payload: '"v"' }]);
  }
  return { Status: 'SUCCEEDED', Result: s.ops.get('s')?.StepDetails?.Result };
};

function service(faults: FaultPlan) {
  svc = new InProcessDurableService({ faults });
  svc.registerHandler('fn', oneStep);
  return svc;
}

const stepEvents = (types: Array<string | undefined>) => types.filter((t) => t?.startsWith('Step'));

describe('fault injection through the in-process client', () => {
  it('a 429 is retried by the client with the identical request and then succeeds', async () => {
    const run = await service([{ operation: 'CheckpointDurableExecution', callIndex: 0, fault: 'throttle', retryAfterSeconds: 1 }]).run('fn');
    expect(run.status).toBe('SUCCEEDED');
    const calls = run.invocations[0].dataPlaneCalls;
    expect(calls.map((c) => [c.attempt, c.fault, c.error?.httpStatus, c.applied])).toEqual([
      [1, 'throttle', 429, false],
      [2, undefined, undefined, true],
      [1, undefined, undefined, true],
    ]);
    expect(calls[1].input).toEqual(calls[0].input);
    expect(calls[0].input.ClientToken).toEqual(expect.any(String));
    expect(calls[2].input.ClientToken).not.toBe(calls[0].input.ClientToken);
    expect(stepEvents(run.history.map((e) => e.EventType))).toEqual(['StepStarted', 'StepSucceeded']);
    expect(run.invocations).toHaveLength(1);
  });

  it('after three throttled attempts the handler gets TooManyRequestsException; the next invocation succeeds', async () => {
    svc = new InProcessDurableService({ faults: [{ operation: 'CheckpointDurableExecution', callIndex: [0, 1, 2], fault: 'throttle' }] });
    const errors: unknown[] = [];
    svc.registerHandler('fn', async (event, ctx) => {
      try {
        return await oneStep(event, ctx);
      } catch (err) {
        errors.push(err);
        throw err;
      }
    });
    const run = await svc.run('fn');
    expect(run.status).toBe('SUCCEEDED');
    expect(errors[0]).toBeInstanceOf(TooManyRequestsException);
    expect(errors[0]).toMatchObject({ name: 'TooManyRequestsException', $fault: 'client', $metadata: { httpStatusCode: 429, attempts: 3 } });
    expect(run.invocations.map((i) => i.outcome.kind)).toEqual(['error', 'returned']);
    expect(run.invocations[0].dataPlaneCalls).toHaveLength(3);
  });

  it('a 500 is retried like the SDK does', async () => {
    const run = await service([{ operation: 'CheckpointDurableExecution', callIndex: 1, fault: 'server-error' }]).run('fn');
    expect(run.invocations[0].dataPlaneCalls.map((c) => [c.attempt, c.error?.name])).toEqual([
      [1, undefined],
      [1, 'ServiceException'],
      [2, undefined],
    ]);
    expect(run.status).toBe('SUCCEEDED');
  });

  it('a dropped response is retried with the same ClientToken and deduplicated by the service', async () => {
    const run = await service([{ operation: 'CheckpointDurableExecution', callIndex: 0, fault: 'drop-response' }]).run('fn');
    const [dropped, replay] = run.invocations[0].dataPlaneCalls;
    expect([dropped.fault, dropped.applied, dropped.error?.message]).toEqual(['drop-response', true, expect.stringMatching(/^socket hang up/)]);
    expect(replay.input).toEqual(dropped.input);
    expect(replay.applied).toBe(true);
    // Applied once: the replay got the stored response, not a second StepStarted or a stale-token error.
    expect(stepEvents(run.history.map((e) => e.EventType))).toEqual(['StepStarted', 'StepSucceeded']);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.invocations).toHaveLength(1);
  });

  it('an injected invalid token is not retried and surfaces as InvalidParameterValueException', async () => {
    svc = new InProcessDurableService({ faults: [{ operation: 'CheckpointDurableExecution', callIndex: 0, fault: 'invalid-token' }] });
    const errors: unknown[] = [];
    svc.registerHandler('fn', async (event, ctx) => {
      try {
        return await oneStep(event, ctx);
      } catch (err) {
        errors.push(err);
        throw err;
      }
    });
    const run = await svc.run('fn');
    expect(errors[0]).toBeInstanceOf(InvalidParameterValueException);
    expect(errors[0]).toMatchObject({ message: 'Invalid checkpoint token', $metadata: { httpStatusCode: 400, attempts: 1 } });
    expect(run.invocations[0].dataPlaneCalls).toHaveLength(1);
    expect(run.status).toBe('SUCCEEDED');
  });

  it('selects requests by predicate and fires a rule only `times` times', async () => {
    const run = await service([
      { fault: 'server-error', when: (c) => c.operation === 'CheckpointDurableExecution' && JSON.stringify(c.input).includes('SUCCEED'), times: 2 },
    ]).run('fn');
    const succeedCalls = run.invocations[0].dataPlaneCalls.filter((c) => JSON.stringify(c.input).includes('SUCCEED'));
    expect(succeedCalls.map((c) => c.error?.name)).toEqual(['ServiceException', 'ServiceException', undefined]);
  });
});

describe('fault plan matching', () => {
  const input = { DurableExecutionArn: 'a', CheckpointToken: 't' };
  it('matches on every given selector', () => {
    expect(ruleMatches({ fault: 'throttle' }, { operation: 'GetDurableExecutionState', index: 4, input })).toBe(true);
    expect(ruleMatches({ fault: 'throttle', operation: 'CheckpointDurableExecution' }, { operation: 'GetDurableExecutionState', index: 0, input })).toBe(false);
    expect(ruleMatches({ fault: 'throttle', callIndex: [1, 3] }, { operation: 'GetDurableExecutionState', index: 3, input })).toBe(true);
    expect(ruleMatches({ fault: 'throttle', callIndex: 2, when: () => false }, { operation: 'GetDurableExecutionState', index: 2, input })).toBe(false);
  });

  it('counts requests per operation and rule firings', () => {
    const injector = new FaultInjector([{ fault: 'throttle', operation: 'GetDurableExecutionState', callIndex: 1 }, { fault: 'server-error' }]);
    expect(injector.decide('CheckpointDurableExecution', input)?.error?.name).toBe('ServiceException');
    expect(injector.decide('GetDurableExecutionState', input)).toBeUndefined();
    const d = injector.decide('GetDurableExecutionState', input);
    expect([d?.fault, d?.error?.httpStatus]).toEqual(['throttle', 429]);
    expect(injector.decide('GetDurableExecutionState', input)).toBeUndefined();
    expect(injector.firedCounts()).toEqual([1, 1]);
    expect(() => new FaultInjector([{ fault: 'explode' as 'throttle' }])).toThrow(/Unknown fault "explode"/);
  });
});

describe('createInProcessLambdaClient', () => {
  function setup() {
    const core = new DurableServiceCore({ clock: { now: () => Date.UTC(2025, 0, 1) } });
    core.registerFunction({ functionName: 'fn', durableConfig: { executionTimeoutSeconds: 60 } });
    const { executionArn } = core.startExecution({ functionName: 'fn:$LATEST', invocationType: 'Event' });
    const start = core.beginInvocation(executionArn);
    return { core, executionArn, token: start.event.CheckpointToken };
  }

  it('is a genuine LambdaClient, so it goes wherever one is expected', () => {
    const { core } = setup();
    const client: LambdaClient = createInProcessLambdaClient(core);
    expect(client).toBeInstanceOf(LambdaClient);
  });

  it('keeps a caller-supplied ClientToken, copies inputs and outputs, and supports callback style', async () => {
    const { core, executionArn, token } = setup();
    const client = createInProcessLambdaClient(core);
    const updates = [{ Id: 's', Type: 'STEP' as const, Action: 'START' as const }];
    const out = await client.send(new CheckpointDurableExecutionCommand({ DurableExecutionArn: executionArn, CheckpointToken: token, Updates: updates, ClientToken: 'mine' }));
    updates[0].Id = 'mutated';
    (out.NewExecutionState?.Operations?.[0] as { Status?: string }).Status = 'SUCCEEDED';
    expect(client.calls[0].input).toMatchObject({ ClientToken: 'mine', Updates: [{ Id: 's' }] });
    expect(client.calls[0].output).toMatchObject({ NewExecutionState: { Operations: [{ Id: 's', Status: 'STARTED' }] } });
    expect(core.getOperations(executionArn)[1]).toMatchObject({ Id: 's', Status: 'STARTED' });
    // A retry with the same ClientToken gets the first answer as the service gave it, not as the caller changed it.
    const repeat = await client.send(
      new CheckpointDurableExecutionCommand({ DurableExecutionArn: executionArn, CheckpointToken: token, Updates: [{ Id: 's', Type: 'STEP', Action: 'START' }], ClientToken: 'mine' }),
    );
    expect(repeat.NewExecutionState?.Operations?.[0]).toMatchObject({ Id: 's', Status: 'STARTED' });
    expect(repeat.CheckpointToken).toBe(out.CheckpointToken);
    const viaCallback = await new Promise((resolve, reject) => {
      client.send(
        new GetDurableExecutionStateCommand({ DurableExecutionArn: executionArn, CheckpointToken: out.CheckpointToken }),
        (err: unknown, data?: unknown) => (err ? reject(err) : resolve(data)),
      );
    });
    expect((viaCallback as { Operations: unknown[] }).Operations).toHaveLength(2);
  });

  it('honours maxAttempts and names unsupported commands', async () => {
    const { core, executionArn, token } = setup();
    const client = createInProcessLambdaClient(core, { maxAttempts: 1, faults: [{ fault: 'server-error' }] });
    const err = await client.send(new CheckpointDurableExecutionCommand({ DurableExecutionArn: executionArn, CheckpointToken: token })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceException);
    expect(err).toMatchObject({ $fault: 'server', $metadata: { httpStatusCode: 500, attempts: 1 } });
    await expect(client.send(new InvokeCommand({ FunctionName: 'fn' }))).rejects.toThrow(/does not handle InvokeCommand/);
  });

  it('waits between retries with a custom backoff and reports the total delay', async () => {
    const { core, executionArn, token } = setup();
    const client = createInProcessLambdaClient(core, { faults: [{ fault: 'throttle' }], retryBackoff: () => 5 });
    const out = await client.send(new CheckpointDurableExecutionCommand({ DurableExecutionArn: executionArn, CheckpointToken: token }));
    expect(out.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 2, totalRetryDelay: 5 });
  });
});
