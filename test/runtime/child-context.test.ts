import { ChildContextError, Duration, Serdes, StepError, withDurableExecution } from '../../runtime';
import { InProcessDurableService } from '../../local/testing';
import { childId, eventTypes, operation, rootId } from './support';

describe('runInChildContext', () => {
  let svc: InProcessDurableService;
  beforeEach(() => {
    svc = new InProcessDurableService();
  });
  afterEach(() => svc.close());

  it('nests three deep with ids from the formula and ParentId on every operation', async () => {
    svc.registerHandler(
      'nested',
      withDurableExecution(
        async (_input, ctx) => {
          await ctx.step('before', async () => 'b');
          return ctx.runInChildContext('outer', async (outer) => {
            await outer.step('outer-step', async () => 1);
            return outer.runInChildContext('middle', async (middle) =>
              middle.runInChildContext('inner', async (inner) => {
                const x = await inner.step('inner-step-1', async () => 2);
                const y = await inner.step(async () => 3);
                return x + y;
              }),
            );
          });
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('nested');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toBe(5);
    const outer = rootId(2);
    const outerStep = childId(outer, 1);
    const middle = childId(outer, 2);
    const inner = childId(middle, 1);
    const innerStep1 = childId(inner, 1);
    const innerStep2 = childId(inner, 2);
    expect(operation(run, rootId(1))).toMatchObject({ Name: 'before', Type: 'STEP' });
    expect(operation(run, rootId(1)).ParentId).toBeUndefined();
    expect(operation(run, outer)).toMatchObject({ Name: 'outer', Type: 'CONTEXT', SubType: 'RunInChildContext' });
    expect(operation(run, outer).ParentId).toBeUndefined();
    expect(operation(run, outerStep)).toMatchObject({ Name: 'outer-step', ParentId: outer });
    expect(operation(run, middle)).toMatchObject({ Name: 'middle', ParentId: outer, Type: 'CONTEXT' });
    expect(operation(run, inner)).toMatchObject({ Name: 'inner', ParentId: middle, Type: 'CONTEXT' });
    expect(operation(run, innerStep1)).toMatchObject({ Name: 'inner-step-1', ParentId: inner });
    expect(operation(run, innerStep2)).toMatchObject({ ParentId: inner, Type: 'STEP' });
    expect(operation(run, innerStep2).Name).toBeUndefined();
    expect(operation(run, inner).ContextDetails?.Result).toBe('5');
    expect(run.operations).toHaveLength(1 + 7);
  });

  it('replays a completed child from its stored result without running its body', async () => {
    let bodyRuns = 0;
    const seen: unknown[] = [];
    svc.registerHandler(
      'replayed',
      withDurableExecution(
        async (_input, ctx) => {
          const value = await ctx.runInChildContext('child', async (child) => {
            bodyRuns += 1;
            return { at: new Date(0), n: await child.step(async () => 7) };
          });
          seen.push(value);
          await ctx.wait(Duration.seconds(2));
          return value;
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('replayed');
    expect(run.status).toBe('SUCCEEDED');
    expect(bodyRuns).toBe(1);
    expect(seen).toEqual([
      { at: '1970-01-01T00:00:00.000Z', n: 7 },
      { at: '1970-01-01T00:00:00.000Z', n: 7 },
    ]);
  });

  it('records a result over 256 KB with ReplayChildren and rebuilds it by replaying the children', async () => {
    let bodyRuns = 0;
    let stepRuns = 0;
    const lengths: number[] = [];
    svc.registerHandler(
      'large',
      withDurableExecution(
        async (input: string, ctx) => {
          const large = await ctx.runInChildContext('large-result', async (child) => {
            bodyRuns += 1;
            const small = await child.step(async () => {
              stepRuns += 1;
              return input;
            });
            return small.repeat(40_000);
          });
          lengths.push(large.length);
          await ctx.wait(Duration.seconds(1));
          return { length: large.length, same: large === input.repeat(40_000) };
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('large', 'abcdefgh');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual({ length: 320_000, same: true });
    expect(bodyRuns).toBe(2);
    expect(stepRuns).toBe(1);
    expect(lengths).toEqual([320_000, 320_000]);
    const ctxOp = operation(run, rootId(1));
    expect(ctxOp.ContextDetails?.ReplayChildren).toBe(true);
    expect(ctxOp.ContextDetails?.Result).toBeUndefined();
    expect(eventTypes(run, true)).toEqual(['ContextStarted', 'StepStarted', 'StepSucceeded', 'ContextSucceeded', 'WaitStarted', 'WaitSucceeded']);
  });

  it('fails with a ChildContextError carrying the original type and message, also on replay', async () => {
    const caught: ChildContextError[] = [];
    let bodyRuns = 0;
    svc.registerHandler(
      'failing',
      withDurableExecution(
        async (_input, ctx) => {
          try {
            await ctx.runInChildContext('throwing', async () => {
              bodyRuns += 1;
              throw new RangeError('out of range');
            });
          } catch (error) {
            caught.push(error as ChildContextError);
          }
          await ctx.wait(Duration.seconds(1));
          return 'recovered';
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('failing');
    expect(run.status).toBe('SUCCEEDED');
    expect(bodyRuns).toBe(1);
    expect(caught).toHaveLength(2);
    for (const error of caught) {
      expect(error).toBeInstanceOf(ChildContextError);
      expect(error.errorType).toBe('RangeError');
      expect(error.message).toBe('out of range');
      expect((error.cause as Error).name).toBe('RangeError');
    }
    expect(eventTypes(run, true)).toEqual(['ContextStarted', 'ContextFailed', 'WaitStarted', 'WaitSucceeded']);
  });

  it('applies subType, errorMapping and a custom serdes', async () => {
    class CheckoutFailed extends Error {
      override name = 'CheckoutFailed';
    }
    const upper: Serdes<string> = {
      serialize: (value) => JSON.stringify(value.toUpperCase()),
      deserialize: (data) => `read:${JSON.parse(data ?? '""') as string}`,
    };
    svc.registerHandler(
      'configured',
      withDurableExecution(
        async (_input, ctx) => {
          const value = await ctx.runInChildContext('custom', async () => 'abc', { subType: 'Checkout', serdes: upper });
          try {
            await ctx.runInChildContext(
              async (child) => {
                await child.step(async () => {
                  throw new Error('declined');
                }, { retryStrategy: () => ({ shouldRetry: false }) });
              },
              { errorMapping: (error) => new CheckoutFailed(`checkout: ${(error as Error).message}`) },
            );
          } catch (error) {
            return { value, type: (error as ChildContextError).errorType, message: (error as Error).message };
          }
          return { value };
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('configured');
    expect(run.result).toEqual({ value: 'read:ABC', type: 'CheckoutFailed', message: 'checkout: declined' });
    expect(operation(run, rootId(1))).toMatchObject({ SubType: 'Checkout', ContextDetails: { Result: '"ABC"' } });
    expect(operation(run, rootId(2)).Name).toBeUndefined();
    expect(operation(run, childId(rootId(2), 1)).StepDetails?.Error?.ErrorType).toBe('Error');
  });

  it('lets a step error inside a child propagate as the child error with the step error as cause', async () => {
    svc.registerHandler(
      'propagate',
      withDurableExecution(
        async (_input, ctx) =>
          ctx.runInChildContext('wrapper', async (child) =>
            child.step('boom', async () => {
              throw new SyntaxError('bad input');
            }, { retryStrategy: () => ({ shouldRetry: false }) }),
          ),
        { client: svc.client },
      ),
    );
    const run = await svc.run('propagate');
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatchObject({ ErrorType: 'ChildContextError', ErrorMessage: 'bad input' });
    const contextError = operation(run, rootId(1)).ContextDetails?.Error;
    expect(contextError?.ErrorType).toBe(StepError.name);
  });
});
