import { Duration, StepError, ValidationError, withDurableExecution, type DurableContext } from '../../runtime';
import { InProcessDurableService } from '../../local/testing';
import { checkpointCalls, operation, rootId, updateSummary, updatesOf } from './support';

describe('ctx.promise combinators', () => {
  let svc: InProcessDurableService;
  beforeEach(() => {
    svc = new InProcessDurableService();
  });
  afterEach(() => svc.close());

  function register(workflow: (ctx: DurableContext) => Promise<unknown>): void {
    svc.registerHandler('flow', withDurableExecution(async (_input, ctx) => workflow(ctx), { client: svc.client }));
  }

  it('all: resolves with every value and records its decision as one STEP after the operations', async () => {
    register(async (ctx) => ctx.promise.all('both', [ctx.step('a', async () => 1), ctx.step('b', async () => 2)]));
    const run = await svc.run('flow');
    expect(run.result).toEqual([1, 2]);
    expect(operation(run, rootId(3))).toMatchObject({ Type: 'STEP', SubType: 'Step', Name: 'both', Status: 'SUCCEEDED' });
    expect(updateSummary(run.invocations[0].dataPlaneCalls).flat()).toEqual(
      expect.arrayContaining(['STEP:START:both', 'STEP:SUCCEED:both']),
    );
  });

  it('race: the recorded winner stays the winner on replay, whatever finishes first then', async () => {
    const order: string[] = [];
    let invocation = 0;
    register(async (ctx) => {
      invocation += 1;
      // First invocation: the step wins while the wait is pending. On replay both are recorded and
      // the wait (listed first) would settle first if the race were run again.
      const winner = await ctx.promise.race('first', [
        ctx.wait('slow', Duration.minutes(10)),
        ctx.step('fast', async () => 'step'),
      ]);
      order.push(`${invocation}:${String(winner)}`);
      await ctx.wait('after', Duration.hours(1));
      return winner;
    });
    const run = await svc.run('flow');
    expect(run.result).toBe('step');
    // Invocations 2 and 3 run after the slow wait completed: both inputs are recorded as done and
    // the wait, listed first, would win a fresh race.
    expect(order).toEqual(['1:step', '2:step', '3:step']);
    const completions = run.history.flatMap((e, i) => (e.EventType === 'InvocationCompleted' ? [i] : []));
    expect(run.history.findIndex((e) => e.EventType === 'WaitSucceeded' && e.Name === 'slow')).toBeLessThan(completions[1]);
    const updates = checkpointCalls(run.invocations[0].dataPlaneCalls).flatMap(updatesOf);
    // Only an operation's first update names it; its decision may come in a later one.
    const decisionId = updates.find((u) => u.Name === 'first')?.Id;
    const decision = updates.find((u) => u.Id === decisionId && u.Action === 'SUCCEED');
    expect(decision?.Payload).toBe('{"index":1}');
  });

  it('race: a recorded rejection is replayed as the same error', async () => {
    let attempts = 0;
    register(async (ctx) => {
      const outcome = await ctx.promise
        .race([
          ctx.step(
            'fails',
            async () => {
              attempts += 1;
              throw new Error('nope');
            },
            { retryStrategy: () => ({ shouldRetry: false }) },
          ),
          ctx.wait(Duration.minutes(5)),
        ])
        .catch((e: StepError) => `${e.constructor.name}:${e.message}`);
      await ctx.wait(Duration.minutes(10));
      return outcome;
    });
    const run = await svc.run('flow');
    expect(run.result).toBe('StepError:nope');
    expect(attempts).toBe(1);
    expect(operation(run, rootId(3))).toMatchObject({ Type: 'STEP', Status: 'FAILED', StepDetails: { Error: { ErrorData: '{"index":0}' } } });
  });

  it('any and allSettled', async () => {
    register(async (ctx) => {
      const failing = () => ctx.step(async () => Promise.reject(new Error('bad')), { retryStrategy: () => ({ shouldRetry: false }) });
      const any = await ctx.promise.any([failing(), ctx.step(async () => 'ok')]);
      const settled = await ctx.promise.allSettled([failing(), ctx.step(async () => 7)]);
      const none = await ctx.promise.any([failing()]).catch((e: AggregateError) => `${e.name}:${e.errors.length}`);
      return { any, settled: settled.map((s) => s.status), none };
    });
    const run = await svc.run('flow');
    expect(run.result).toEqual({ any: 'ok', settled: ['rejected', 'fulfilled'], none: 'AggregateError:1' });
  });

  it('refuses promises that are not durable operations of this context, before checkpointing', async () => {
    register(async (ctx) => {
      const plain = await ctx.promise.all([Promise.resolve(1)]).catch((e: unknown) => e);
      const derived = await ctx.promise.all([ctx.step('derived', async () => 1).then((n) => n + 1)]).catch((e: unknown) => e);
      const foreign = await ctx
        .runInChildContext('child', async (child) => child.promise.all([ctx.step('outer', async () => 1)]))
        .catch((e: unknown) => e);
      return {
        plain: plain instanceof ValidationError && /input #0 is not the promise of a durable operation/.test(plain.message),
        derived: derived instanceof ValidationError,
        foreign: /another context/.test(String((foreign as Error).message)),
      };
    });
    const run = await svc.run('flow');
    expect(run.result).toEqual({ plain: true, derived: true, foreign: true });
    expect(
      checkpointCalls(run.invocations[0].dataPlaneCalls)
        .flatMap(updatesOf)
        .filter((u) => u.Type === 'STEP' && u.SubType === 'Step' && u.Name === undefined),
    ).toEqual([]);
  });
});
