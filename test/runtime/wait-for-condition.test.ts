import {
  Duration,
  ValidationError,
  WaitForConditionError,
  WaitStrategies,
  withDurableExecution,
  type Serdes,
} from '../../runtime';
import { InProcessDurableService } from '../../local/testing';
import { checkpointCalls, invocationOutcomes, operation, rootId, updateSummary, updatesOf } from './support';

describe('ctx.waitForCondition', () => {
  let svc: InProcessDurableService;
  beforeEach(() => {
    svc = new InProcessDurableService();
  });
  afterEach(() => svc.close());

  it('polls across invocations, keeping the state in the checkpoint: START, RETRY{state, delay} …, SUCCEED{state}', async () => {
    const seen: Array<{ state: number; attempt: number }> = [];
    svc.registerHandler(
      'poll',
      withDurableExecution(
        async (_input, ctx) =>
          ctx.waitForCondition(
            'count',
            async (state: number, { attempt }) => {
              seen.push({ state, attempt });
              return state + 1;
            },
            { initialState: 10, waitStrategy: (state) => (state < 13 ? { shouldContinue: true, delay: Duration.seconds(7) } : { shouldContinue: false }) },
          ),
        { client: svc.client },
      ),
    );
    const run = await svc.run('poll');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toBe(13);
    // Each check ran once, in its own invocation, with the state the previous one checkpointed.
    expect(seen).toEqual([
      { state: 10, attempt: 1 },
      { state: 11, attempt: 2 },
      { state: 12, attempt: 3 },
    ]);
    expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:PENDING', 'returned:SUCCEEDED']);
    expect(run.invocations.map((inv) => updateSummary(inv.dataPlaneCalls).flat())).toEqual([
      ['STEP:START:count', 'STEP:RETRY:count'],
      // The service knows the operation's name from then on: later updates leave it out.
      ['STEP:START', 'STEP:RETRY'],
      ['STEP:START', 'STEP:SUCCEED'],
    ]);
    const retry = checkpointCalls(run.invocations[0].dataPlaneCalls).flatMap(updatesOf).find((u) => u.Action === 'RETRY');
    expect(retry).toMatchObject({ Payload: '11', StepOptions: { NextAttemptDelaySeconds: 7 } });
    expect(retry?.Error).toBeUndefined();
    expect(operation(run, rootId(1))).toMatchObject({ Type: 'STEP', SubType: 'WaitForCondition', Status: 'SUCCEEDED', StepDetails: { Result: '13' } });
    expect(run.history.filter((e) => e.EventType === 'StepSucceeded').map((e) => e.StepSucceededDetails?.Result?.Payload)).toEqual(['11', '12', '13']);
  });

  it('returns the recorded state on replay without checking again', async () => {
    let checks = 0;
    svc.registerHandler(
      'poll',
      withDurableExecution(
        async (_input, ctx) => {
          const state = await ctx.waitForCondition(
            async (s: { ready: boolean }) => {
              checks += 1;
              return { ready: checks >= 2 || s.ready };
            },
            { initialState: { ready: false }, waitStrategy: WaitStrategies.fixed({ delay: Duration.seconds(1), until: (s) => s.ready }) },
          );
          await ctx.wait(Duration.minutes(1));
          return state;
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('poll');
    expect(run.result).toEqual({ ready: true });
    expect(checks).toBe(2);
    expect(updateSummary(run.invocations[2].dataPlaneCalls)).toEqual([]);
  });

  it('fails with a WaitForConditionError when the check throws (no retry of the check)', async () => {
    let checks = 0;
    svc.registerHandler(
      'poll',
      withDurableExecution(
        async (_input, ctx) =>
          ctx.waitForCondition(
            async (): Promise<number> => {
              checks += 1;
              throw new TypeError('status endpoint returned garbage');
            },
            { initialState: 0, waitStrategy: () => ({ shouldContinue: true, delay: Duration.seconds(1) }) },
          ),
        { client: svc.client },
      ),
    );
    const run = await svc.run('poll');
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatchObject({ ErrorType: 'WaitForConditionError', ErrorMessage: 'status endpoint returned garbage' });
    expect(checks).toBe(1);
    expect(operation(run, rootId(1))).toMatchObject({ Status: 'FAILED', StepDetails: { Error: { ErrorType: 'TypeError' } } });
  });

  it('a preset gives up with a WaitForConditionError naming the attempts when they run out', async () => {
    svc.registerHandler(
      'poll',
      withDurableExecution(
        async (_input, ctx) =>
          ctx
            .waitForCondition(async (n: number) => n + 1, {
              initialState: 0,
              waitStrategy: WaitStrategies.exponential({ until: () => false, maxAttempts: 3, initialDelay: Duration.seconds(2) }),
            })
            .catch((e: WaitForConditionError) => ({ type: e.constructor.name, message: e.message })),
        { client: svc.client },
      ),
    );
    const run = await svc.run('poll');
    expect(run.result).toEqual({ type: 'WaitForConditionError', message: expect.stringMatching(/not met after 3 checks .*maxAttempts 3/) });
    const delays = run.history.filter((e) => e.EventType === 'StepSucceeded').map((e) => e.StepSucceededDetails?.RetryDetails?.NextAttemptDelaySeconds);
    expect(delays).toEqual([2, 3]); // 2 s, then 2 × 1.5 = 3 s
  });

  it('keeps the state through a custom serdes', async () => {
    const reversed: Serdes<string> = {
      serialize: (value) => [...value].reverse().join(''),
      deserialize: (text) => [...(text ?? '')].reverse().join(''),
    };
    svc.registerHandler(
      'poll',
      withDurableExecution(
        async (_input, ctx) =>
          ctx.waitForCondition(async (s: string) => `${s}ab`, {
            initialState: '',
            serdes: reversed,
            waitStrategy: WaitStrategies.fixed({ delay: Duration.seconds(1), until: (s) => s.length >= 4 }),
          }),
        { client: svc.client },
      ),
    );
    const run = await svc.run('poll');
    expect(run.result).toBe('abab');
    expect(run.history.filter((e) => e.EventType === 'StepSucceeded').map((e) => e.StepSucceededDetails?.Result?.Payload)).toEqual(['ba', 'baba']);
  });

  it.each([
    ['no check function', { initialState: 0, waitStrategy: () => ({ shouldContinue: false }) }, 'not a function', /needs a check function/],
    ['no initialState', { waitStrategy: () => ({ shouldContinue: false }) }, undefined, /initialState is missing/],
    ['no waitStrategy', { initialState: 0 }, undefined, /waitStrategy must be a function/],
  ])('refuses %s with a ValidationError before checkpointing anything', async (_what, config, check, message) => {
    svc.registerHandler(
      'poll',
      withDurableExecution(
        async (_input, ctx) => {
          const fn = (check ?? (async (n: number) => n)) as never;
          const error = await ctx.waitForCondition(fn, config as never).then(
            () => undefined,
            (e: unknown) => e,
          );
          return { validation: error instanceof ValidationError, message: (error as Error).message };
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('poll');
    expect(run.result).toMatchObject({ validation: true, message: expect.stringMatching(message) });
    expect(checkpointCalls(run.invocations[0].dataPlaneCalls)).toEqual([]);
  });

  it('presets validate their options', () => {
    expect(() => WaitStrategies.fixed({ until: () => true, maxAttempts: 0 })).toThrow(/maxAttempts must be an integer >= 1/);
    expect(() => WaitStrategies.exponential({ until: () => true, backoffRate: 0.5 })).toThrow(/backoffRate must be a number >= 1/);
    expect(() => WaitStrategies.fixed({} as never)).toThrow(/needs \{ until/);
  });
});
