import {
  Duration,
  RetryPresets,
  StepError,
  StepInterruptedError,
  StepSemantics,
  withDurableExecution,
  type RetryStrategy,
} from '../../runtime';
import { InProcessDurableService } from '../../local/testing';
import { checkpointCalls, deferred, invocationOutcomes, rootId, updateSummary, updatesOf } from './support';

class TransientError extends Error {
  override name = 'TransientError';
}

class PermanentError extends Error {
  override name = 'PermanentError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

describe('step retries', () => {
  let svc: InProcessDurableService;
  beforeEach(() => {
    svc = new InProcessDurableService();
  });
  afterEach(() => svc.close());

  it('retries with the strategy delays, passes 1-based attempts, and succeeds on the third attempt', async () => {
    const asked: Array<[string, number]> = [];
    const strategy: RetryStrategy = (error, attempt) => {
      asked.push([error.message, attempt]);
      return { shouldRetry: true, delay: Duration.seconds(attempt * 2) };
    };
    const attempts: number[] = [];
    svc.registerHandler(
      'flaky',
      withDurableExecution(
        async (_input, ctx) =>
          ctx.step(
            'charge',
            async ({ attempt }) => {
              attempts.push(attempt);
              if (attempt < 3) throw new TransientError(`try ${attempt}`);
              return `ok after ${attempt}`;
            },
            { retryStrategy: strategy },
          ),
        { client: svc.client },
      ),
    );
    const run = await svc.run('flaky');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toBe('ok after 3');
    expect(attempts).toEqual([1, 2, 3]);
    expect(asked).toEqual([
      ['try 1', 1],
      ['try 2', 2],
    ]);
    expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:PENDING', 'returned:SUCCEEDED']);
    const failed = run.history.filter((e) => e.EventType === 'StepFailed');
    expect(failed.map((e) => e.StepFailedDetails?.RetryDetails)).toEqual([
      { CurrentAttempt: 1, NextAttemptDelaySeconds: 2 },
      { CurrentAttempt: 2, NextAttemptDelaySeconds: 4 },
    ]);
    expect(failed[0].StepFailedDetails?.Error?.Payload).toMatchObject({ ErrorType: 'TransientError', ErrorMessage: 'try 1' });
    const succeeded = run.history.find((e) => e.EventType === 'StepSucceeded');
    expect(succeeded?.StepSucceededDetails?.RetryDetails?.CurrentAttempt).toBe(3);
    const retry = run.invocations.flatMap((inv) => checkpointCalls(inv.dataPlaneCalls).flatMap(updatesOf)).find((u) => u.Action === 'RETRY');
    expect(retry).toMatchObject({ Id: rootId(1), StepOptions: { NextAttemptDelaySeconds: 2 } });
  });

  it('fails after the strategy gives up, and the error keeps its type, message, data and cause on first run and replay', async () => {
    const caught: unknown[] = [];
    let calls = 0;
    svc.registerHandler(
      'exhausted',
      withDurableExecution(
        async (_input, ctx) => {
          try {
            await ctx.step(
              'pay',
              async () => {
                calls += 1;
                throw new PermanentError('card declined', 'E42');
              },
              { retryStrategy: RetryPresets.fixed({ maxAttempts: 2, delay: Duration.seconds(1) }) },
            );
          } catch (error) {
            caught.push(error);
          }
          await ctx.wait(Duration.seconds(1));
          return 'handled';
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('exhausted');
    expect(run.status).toBe('SUCCEEDED');
    expect(calls).toBe(2);
    // Invocation 2 fails the step for good and catches it, invocation 3 replays the failure.
    expect(caught).toHaveLength(2);
    for (const error of caught) {
      expect(error).toBeInstanceOf(StepError);
      const stepError = error as StepError;
      expect(stepError.name).toBe('StepError');
      expect(stepError.errorType).toBe('PermanentError');
      expect(stepError.message).toBe('card declined');
      const cause = stepError.cause as Error & { code?: string };
      expect(cause.name).toBe('PermanentError');
      expect(cause.message).toBe('card declined');
      expect(cause.code).toBe('E42');
    }
    const failed = run.history.filter((e) => e.EventType === 'StepFailed');
    expect(failed).toHaveLength(2);
    expect(failed[1].StepFailedDetails?.RetryDetails).toEqual({ CurrentAttempt: 2 });
  });

  it('does not retry an error the strategy rejects, and keeps the cause chain', async () => {
    let calls = 0;
    svc.registerHandler(
      'nonretryable',
      withDurableExecution(
        async (_input, ctx) =>
          ctx.step(
            'validate',
            async () => {
              calls += 1;
              throw new Error('outer', { cause: new TypeError('inner reason') });
            },
            { retryStrategy: RetryPresets.exponentialBackoff({ retryableErrors: [TransientError] }) },
          ),
        { client: svc.client },
      ),
    );
    const run = await svc.run('nonretryable');
    expect(run.status).toBe('FAILED');
    expect(calls).toBe(1);
    expect(run.error).toMatchObject({ ErrorType: 'StepError', ErrorMessage: 'outer' });
    const data = JSON.parse(run.error?.ErrorData ?? '{}');
    expect(data.cause).toEqual({ name: 'TypeError', message: 'inner reason' });
  });

  it('sends a retry delay of zero or a fraction of a second as whole seconds of at least 1', async () => {
    const delays = [Duration.seconds(0), { seconds: 1.2 }, { minutes: 0 }];
    const attempts: number[] = [];
    svc.registerHandler(
      'zero-delay',
      withDurableExecution(
        async (_input, ctx) =>
          ctx.step(
            'quick-retry',
            async ({ attempt }) => {
              attempts.push(attempt);
              if (attempt <= delays.length) throw new TransientError(`try ${attempt}`);
              return attempt;
            },
            { retryStrategy: (_error, attempt) => ({ shouldRetry: true, delay: delays[attempt - 1] }) },
          ),
        { client: svc.client },
      ),
    );
    const run = await svc.run('zero-delay');
    expect(run.status).toBe('SUCCEEDED');
    expect(attempts).toEqual([1, 2, 3, 4]);
    const retries = run.invocations.flatMap((inv) => checkpointCalls(inv.dataPlaneCalls).flatMap(updatesOf)).filter((u) => u.Action === 'RETRY');
    expect(retries.map((u) => u.StepOptions?.NextAttemptDelaySeconds)).toEqual([1, 2, 1]);
  });

  it('fails a step whose result is over 256 KB for good, without retrying, and accepts one of exactly 256 KB', async () => {
    const attempts: Record<string, number> = { fits: 0, over: 0 };
    const caught: unknown[] = [];
    svc.registerHandler(
      'sizes',
      withDurableExecution(
        async (_input, ctx) => {
          // JSON adds two quotes: 262,142 characters serialise to exactly 262,144 bytes.
          const fits = await ctx.step('fits', async () => {
            attempts.fits += 1;
            return 'x'.repeat(262_142);
          });
          try {
            await ctx.step(
              'over',
              async () => {
                attempts.over += 1;
                return 'x'.repeat(262_143);
              },
              { retryStrategy: () => ({ shouldRetry: true, delay: Duration.seconds(1) }) },
            );
          } catch (error) {
            caught.push([(error as StepError).errorType, (error as Error).message]);
          }
          return fits.length;
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('sizes');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toBe(262_142);
    expect(attempts).toEqual({ fits: 1, over: 1 });
    expect(caught).toEqual([['SerdesError', expect.stringMatching(/262145 bytes.*at most 262144/)]]);
    const over = run.operations.find((op) => op.Name === 'over');
    expect(over).toMatchObject({ Status: 'FAILED', StepDetails: { Attempt: 1 } });
    expect(run.history.some((e) => e.EventType === 'StepFailed' && e.StepFailedDetails?.RetryDetails?.NextAttemptDelaySeconds !== undefined)).toBe(false);
  });

  it('leaves a PENDING step waiting for its retry time when another event wakes the execution first', async () => {
    const attempts: Array<[number, string]> = [];
    svc.registerHandler(
      'pending-step',
      withDurableExecution(
        async (_input, ctx) => {
          const [value] = await Promise.all([
            ctx.step(
              'slow-retry',
              async ({ attempt }) => {
                attempts.push([attempt, ctx.lambdaContext?.awsRequestId ?? '']);
                if (attempt === 1) throw new TransientError('later');
                return attempt;
              },
              { retryStrategy: () => ({ shouldRetry: true, delay: Duration.seconds(30) }) },
            ),
            ctx.wait('short', Duration.seconds(1)),
          ]);
          return value;
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('pending-step');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toBe(2);
    // Invocation 2 (woken by the wait) finds the step PENDING and suspends again without running it
    // or sending anything for it; invocation 3 (the step READY) runs attempt 2.
    expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:PENDING', 'returned:SUCCEEDED']);
    expect(attempts.map(([attempt]) => attempt)).toEqual([1, 2]);
    expect(attempts.map(([, requestId]) => requestId)).toEqual([run.invocations[0].requestId, run.invocations[2].requestId]);
    const second = checkpointCalls(run.invocations[1].dataPlaneCalls).flatMap(updatesOf);
    expect(second.filter((u) => u.Id === rootId(1))).toEqual([]);
  });

  it('uses the default strategy (retries with a delay of 1 to 5 s) when none is given', async () => {
    let calls = 0;
    svc.registerHandler(
      'default',
      withDurableExecution(
        async (_input, ctx) =>
          ctx.step(async () => {
            calls += 1;
            if (calls === 1) throw new Error('first fails');
            return calls;
          }),
        { client: svc.client },
      ),
    );
    const run = await svc.run('default');
    expect(run.status).toBe('SUCCEEDED');
    const delay = run.history.find((e) => e.EventType === 'StepFailed')?.StepFailedDetails?.RetryDetails?.NextAttemptDelaySeconds;
    expect(delay).toBeGreaterThanOrEqual(1);
    expect(delay).toBeLessThanOrEqual(5);
    expect(run.history.filter((e) => e.EventType === 'StepStarted').every((e) => e.Name === undefined)).toBe(true);
  });

  it('AT_MOST_ONCE_PER_RETRY checkpoints START on its own before running the function', async () => {
    const startAcceptedBeforeRun: boolean[] = [];
    let ranAfterCalls = -1;
    svc.registerHandler(
      'atmost',
      withDurableExecution(
        async (_input, ctx) =>
          ctx.step(
            'once',
            async () => {
              ranAfterCalls = svc.calls.length;
              startAcceptedBeforeRun.push(svc.calls.some((c) => (c.input.Updates as Array<{ Action: string }> | undefined)?.some((u) => u.Action === 'START')));
              return 'done';
            },
            { semantics: StepSemantics.AtMostOncePerRetry },
          ),
        { client: svc.client },
      ),
    );
    const run = await svc.run('atmost');
    expect(run.status).toBe('SUCCEEDED');
    expect(startAcceptedBeforeRun).toEqual([true]);
    expect(ranAfterCalls).toBe(1);
    expect(updateSummary(run.invocations[0].dataPlaneCalls)).toEqual([['STEP:START:once'], ['STEP:SUCCEED:once']]);
  });

  it('AT_MOST_ONCE_PER_RETRY: an attempt interrupted after START counts as a failed attempt and is never silently re-run', async () => {
    let runs = 0;
    const interrupted: unknown[] = [];
    const started = deferred();
    const workflow = withDurableExecution(
      async (_input, ctx) =>
        ctx.step(
          'charge',
          async () => {
            runs += 1;
            if (runs === 1) {
              started.resolve();
              return new Promise<string>(() => undefined); // the invocation dies while this runs
            }
            return 'charged on a later attempt';
          },
          {
            semantics: StepSemantics.AtMostOncePerRetry,
            retryStrategy: (error, attempt) => {
              interrupted.push([error instanceof StepInterruptedError, attempt]);
              return { shouldRetry: attempt < 2, delay: Duration.seconds(3) };
            },
          },
        ),
      { client: svc.client },
    );
    let invocation = 0;
    svc.registerHandler('crashing', async (event, context) => {
      invocation += 1;
      if (invocation > 1) return workflow(event, context);
      // First invocation: the Lambda process dies once the step's START was recorded.
      void workflow(event, context);
      await started.promise;
      throw Object.assign(new Error('Runtime exited with error: exit status 1'), { name: 'Runtime.ExitError' });
    });
    const run = await svc.run('crashing');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toBe('charged on a later attempt');
    expect(runs).toBe(2);
    expect(interrupted).toEqual([[true, 1]]);
    expect(invocationOutcomes(run)).toEqual(['error', 'returned:PENDING', 'returned:SUCCEEDED']);
    const events = run.history.filter((e) => e.Id === rootId(1)).map((e) => e.EventType);
    expect(events).toEqual(['StepStarted', 'StepFailed', 'StepStarted', 'StepSucceeded']);
    const failed = run.history.find((e) => e.EventType === 'StepFailed');
    expect(failed?.StepFailedDetails?.Error?.Payload?.ErrorType).toBe('StepInterruptedError');
    expect(failed?.StepFailedDetails?.RetryDetails).toEqual({ CurrentAttempt: 1, NextAttemptDelaySeconds: 3 });
  });

  it('AT_MOST_ONCE_PER_RETRY without retries fails the interrupted step for good', async () => {
    const started = deferred();
    let runs = 0;
    const workflow = withDurableExecution(
      async (_input, ctx) =>
        ctx.step(
          'at_most_once_flaky_step',
          async () => {
            runs += 1;
            started.resolve();
            return new Promise<string>(() => undefined);
          },
          { semantics: StepSemantics.AtMostOncePerRetry, retryStrategy: RetryPresets.none() },
        ),
      { client: svc.client },
    );
    let invocation = 0;
    svc.registerHandler('crash-once', async (event, context) => {
      invocation += 1;
      if (invocation > 1) return workflow(event, context);
      void workflow(event, context);
      await started.promise;
      throw new Error('crash');
    });
    const run = await svc.run('crash-once');
    expect(run.status).toBe('FAILED');
    expect(runs).toBe(1);
    expect(run.error).toMatchObject({ ErrorType: 'StepError' });
    expect(run.history.map((e) => e.EventType)).toEqual([
      'ExecutionStarted',
      'StepStarted',
      'InvocationCompleted',
      'StepFailed',
      'InvocationCompleted',
      'ExecutionFailed',
    ]);
  });

  it('AT_LEAST_ONCE_PER_RETRY re-runs an interrupted attempt under the same attempt number', async () => {
    const attempts: number[] = [];
    const started = deferred();
    const workflow = withDurableExecution(
      async (_input, ctx) =>
        ctx.step('ship', async ({ attempt }) => {
          attempts.push(attempt);
          if (attempts.length === 1) {
            started.resolve();
            return new Promise<string>(() => undefined);
          }
          return 'shipped';
        }),
      { client: svc.client },
    );
    let invocation = 0;
    svc.registerHandler('rerun', async (event, context) => {
      invocation += 1;
      if (invocation > 1) return workflow(event, context);
      void workflow(event, context);
      await started.promise;
      // Let the START reach the service before the process "dies".
      while (!svc.calls.some((c) => c.command === 'CheckpointDurableExecution' && c.applied)) await new Promise((r) => setImmediate(r));
      throw new Error('crash');
    });
    const run = await svc.run('rerun');
    expect(run.status).toBe('SUCCEEDED');
    expect(attempts).toEqual([1, 1]);
    expect(run.history.filter((e) => e.Id === rootId(1)).map((e) => e.EventType)).toEqual(['StepStarted', 'StepSucceeded']);
  });
});
