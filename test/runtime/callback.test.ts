import {
  SendDurableExecutionCallbackFailureCommand,
  SendDurableExecutionCallbackSuccessCommand,
} from '@aws-sdk/client-lambda';
import { CallbackError, Duration, withDurableExecution } from '../../runtime';
import { InProcessDurableService } from '../../local/testing';
import { childId, eventTypes, invocationOutcomes, operation, rootId } from './support';

describe('callbacks', () => {
  let svc: InProcessDurableService;
  beforeEach(() => {
    svc = new InProcessDurableService();
  });
  afterEach(() => svc.close());

  it('createCallback returns the service callback id, suspends while awaited and resolves with the sent result', async () => {
    const ids: string[] = [];
    svc.registerHandler(
      'approval',
      withDurableExecution(
        async (_input, ctx) => {
          const { callbackId, promise } = await ctx.createCallback<{ approved: boolean }>('approval', { timeout: Duration.hours(1) });
          ids.push(callbackId);
          const decision = await promise;
          return { decision, callbackId };
        },
        { client: svc.client },
      ),
    );
    const arn = await svc.start('approval');
    const callbackId = await svc.waitForCallbackId(arn, 'approval');
    await svc.client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: JSON.stringify({ approved: true }) }));
    const run = await svc.waitFor(arn);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual({ decision: { approved: true }, callbackId });
    expect(ids).toEqual([callbackId, callbackId]);
    expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:SUCCEEDED']);
    expect(operation(run, rootId(1))).toMatchObject({ Type: 'CALLBACK', SubType: 'Callback', Name: 'approval' });
    const started = run.history.find((e) => e.EventType === 'CallbackStarted');
    expect(started?.CallbackStartedDetails).toMatchObject({ CallbackId: callbackId, Timeout: 3600 });
  });

  it('rejects the promise with a CallbackError when the callback times out', async () => {
    svc.registerHandler(
      'timeout',
      withDurableExecution(
        async (_input, ctx) => {
          const { promise } = await ctx.createCallback({ timeout: Duration.minutes(5) });
          try {
            await promise;
            return 'unexpected';
          } catch (error) {
            return { type: (error as Error).constructor.name, message: (error as Error).message };
          }
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('timeout');
    expect(run.result).toEqual({ type: 'CallbackError', message: 'Callback timed out' });
    expect(operation(run, rootId(1)).Name).toBeUndefined();
  });

  it('fails on a missing heartbeat', async () => {
    svc.registerHandler(
      'heartbeat',
      withDurableExecution(
        async (_input, ctx) => {
          const { promise } = await ctx.createCallback('hb', { heartbeatTimeout: Duration.seconds(30) });
          return promise;
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('heartbeat');
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatchObject({ ErrorType: 'CallbackError', ErrorMessage: 'Callback timed out on heartbeat' });
  });

  it('does not wait on a callback whose promise is never awaited', async () => {
    svc.registerHandler(
      'unawaited',
      withDurableExecution(
        async (_input, ctx) => {
          const { callbackId } = await ctx.createCallback('fire-and-forget');
          // Non-durable time passes; an unawaited callback must not make the invocation suspend.
          await new Promise((resolve) => setTimeout(resolve, 30));
          return callbackId.length > 0;
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('unawaited');
    expect(run.status).toBe('SUCCEEDED');
    expect(invocationOutcomes(run)).toEqual(['returned:SUCCEEDED']);
  });

  it('waitForCallback runs a CONTEXT holding the CALLBACK and then the submitter STEP, and resolves with the result', async () => {
    const submitted: string[] = [];
    const logged: string[] = [];
    svc.registerHandler(
      'wfc',
      withDurableExecution(
        async (_input, ctx) => {
          const result = await ctx.waitForCallback<string>(
            'external',
            async (callbackId, { logger }) => {
              logger.info('submitting');
              submitted.push(callbackId);
            },
            { timeout: Duration.hours(2) },
          );
          return `got ${result}`;
        },
        { client: svc.client, logger: { sink: (record) => logged.push(record.message) } },
      ),
    );
    const arn = await svc.start('wfc');
    const callbackId = await svc.waitForCallbackId(arn);
    await svc.waitForOperation(arn, (op) => op.Type === 'STEP' && op.Status === 'SUCCEEDED');
    await svc.client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: '"yes"' }));
    const run = await svc.waitFor(arn);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toBe('got yes');
    expect(submitted).toEqual([callbackId]);
    expect(logged).toEqual(['submitting']);
    const context = rootId(1);
    expect(operation(run, context)).toMatchObject({ Type: 'CONTEXT', SubType: 'WaitForCallback', Name: 'external', ContextDetails: { Result: '"yes"' } });
    expect(operation(run, childId(context, 1))).toMatchObject({ Type: 'CALLBACK', SubType: 'Callback', ParentId: context });
    expect(operation(run, childId(context, 2))).toMatchObject({ Type: 'STEP', SubType: 'Step', ParentId: context });
    expect(eventTypes(run, true)).toEqual(['ContextStarted', 'CallbackStarted', 'StepStarted', 'StepSucceeded', 'CallbackSucceeded', 'ContextSucceeded']);
  });

  it('waitForCallback rejects with a CallbackError carrying the failure sent by the external system', async () => {
    svc.registerHandler(
      'wfc-fail',
      withDurableExecution(async (_input, ctx) => ctx.waitForCallback(async () => undefined), { client: svc.client }),
    );
    const arn = await svc.start('wfc-fail');
    const callbackId = await svc.waitForCallbackId(arn);
    await svc.client.send(
      new SendDurableExecutionCallbackFailureCommand({ CallbackId: callbackId, Error: { ErrorType: 'Rejected', ErrorMessage: 'the reviewer said no' } }),
    );
    const run = await svc.waitFor(arn);
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatchObject({ ErrorType: CallbackError.name, ErrorMessage: 'the reviewer said no' });
  });
});
