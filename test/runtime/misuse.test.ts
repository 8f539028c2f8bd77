import {
  ContextClosedError,
  StepError,
  ValidationError,
  withDurableExecution,
  type DurableContext,
  type LogRecord,
} from '../../runtime';
import { InProcessDurableService } from '../../local/testing';
import { eventTypes } from './support';

describe('misuse fails at once, with an error that names it', () => {
  let svc: InProcessDurableService;
  beforeEach(() => {
    svc = new InProcessDurableService();
  });
  afterEach(() => svc.close());

  it('a durable operation inside a step fails the step on its first attempt, without retries', async () => {
    svc.registerHandler(
      'nested',
      withDurableExecution(async (_input, ctx) => ctx.step('outer', async () => ctx.wait({ seconds: 1 })), { client: svc.client }),
    );
    const run = await svc.run('nested');
    expect(run.status).toBe('FAILED');
    const outer = run.operations.find((op) => op.Name === 'outer');
    expect(outer?.Status).toBe('FAILED');
    expect(outer?.StepDetails?.Attempt).toBe(1);
    expect(outer?.StepDetails?.Error?.ErrorType).toBe('DurableOperationInStepError');
    expect(eventTypes(run, true).filter((t) => t.startsWith('Step'))).toEqual(['StepStarted', 'StepFailed']);
    expect(run.invocations).toHaveLength(1);
  });

  it('a durable operation after an await inside a step is refused, also after earlier steps ran and finished', async () => {
    svc.registerHandler(
      'nested-later',
      withDurableExecution(
        async (_input, ctx) => {
          const first = await ctx.step('first', async () => 1);
          const second = await ctx.step('second', async () => first + 1);
          return ctx.step('outer', async () => {
            await new Promise((resolve) => setTimeout(resolve, 1));
            return ctx.step('inner', async () => second);
          });
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('nested-later');
    expect(run.status).toBe('FAILED');
    expect(run.operations.filter((op) => op.Type === 'STEP').map((op) => [op.Name, op.Status])).toEqual([
      ['first', 'SUCCEEDED'],
      ['second', 'SUCCEEDED'],
      ['outer', 'FAILED'],
    ]);
    expect(run.operations.find((op) => op.Name === 'outer')?.StepDetails?.Error?.ErrorType).toBe('DurableOperationInStepError');
  });

  it('a child context used after its function returned fails the execution on the first run, naming the context', async () => {
    let caught: unknown;
    svc.registerHandler(
      'leaky',
      withDurableExecution(
        async (_input, ctx) => {
          let saved: DurableContext | undefined;
          await ctx.runInChildContext('inner', async (child) => {
            saved = child;
            return 1;
          });
          try {
            await (saved as DurableContext).step('late', async () => 2);
          } catch (error) {
            caught = error;
          }
          // Even swallowed, the misuse fails the execution: its replay could not work.
          return 'done';
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('leaky');
    expect(caught).toBeInstanceOf(ContextClosedError);
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as Error).message).toMatch(/child context "inner" after its function had returned/);
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatchObject({ ErrorType: 'ContextClosedError' });
    expect(run.invocations).toHaveLength(1);
    expect(run.operations.some((op) => op.Name === 'late')).toBe(false);
  });

  it('a non-Error thrown value is recorded with its data and a readable message, and survives replay', async () => {
    const seen: unknown[] = [];
    svc.registerHandler(
      'non-error',
      withDurableExecution(
        async (_input, ctx) => {
          try {
            await ctx.step(
              'throws-object',
              async () => {
                throw { code: 'E42', retryable: false };
              },
              { retryStrategy: () => ({ shouldRetry: false }) },
            );
          } catch (error) {
            seen.push(error);
          }
          await ctx.wait({ seconds: 5 }); // a second invocation rebuilds the error from the record
          return 'ok';
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('non-error');
    expect(run.status).toBe('SUCCEEDED');
    const recorded = run.operations.find((op) => op.Name === 'throws-object')?.StepDetails?.Error;
    expect(recorded?.ErrorType).toBe('NonErrorThrown');
    expect(recorded?.ErrorMessage).toMatch(/not an Error was thrown: \{"code":"E42","retryable":false\}/);
    expect(JSON.parse(recorded?.ErrorData as string)).toEqual({ data: { code: 'E42', retryable: false } });
    expect(seen).toHaveLength(2);
    for (const error of seen) {
      expect(error).toBeInstanceOf(StepError);
      expect((error as Error).message).not.toBe('Unknown error');
      expect(((error as Error).cause as { code?: string }).code).toBe('E42');
    }
  });

  it('a step that is never awaited is reported once through the replay-aware logger', async () => {
    const warnings: LogRecord[] = [];
    svc.registerHandler(
      'fire-and-forget',
      withDurableExecution(
        async (_input, ctx) => {
          void ctx.step('forgotten', async () => 1);
          await ctx.step('awaited', async () => 2);
          const both = [ctx.step('a', async () => 'a'), ctx.step('b', async () => 'b')];
          await Promise.all(both);
          await ctx.wait({ seconds: 1 });
          return 'done';
        },
        { client: svc.client, logger: { sink: (record) => record.level === 'WARN' && warnings.push(record) } },
      ),
    );
    const run = await svc.run('fire-and-forget');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.invocations.length).toBeGreaterThan(1);
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^step "forgotten" was started but never awaited/)]);
    expect(warnings[0].data).toEqual({ operationId: run.operations.find((op) => op.Name === 'forgotten')?.Id });
  });

  it.each([
    ['parallel', (ctx: DurableContext) => ctx.parallel([async () => 1, async () => 2], { completionConfig: { minSuccessful: 3 } })],
    ['map', (ctx: DurableContext) => ctx.map([1], async (_c, item) => item, { completionConfig: { minSuccessful: 2 } })],
  ])('a %s whose minSuccessful exceeds its branch count is a ValidationError before anything runs', async (kind, call) => {
    let caught: unknown;
    svc.registerHandler(
      `min-${kind}`,
      withDurableExecution(
        async (_input, ctx) => {
          try {
            await call(ctx);
          } catch (error) {
            caught = error;
          }
          return 'checked';
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run(`min-${kind}`);
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as Error).message).toMatch(/minSuccessful is \d but there (is|are) only \d/);
    expect(run.operations.filter((op) => op.Type !== 'EXECUTION')).toEqual([]);
  });

  it.each([
    ['a Map', () => new Map([['a', 1]]), /is a Map/],
    ['a Set inside an object', () => ({ tags: new Set(['x']) }), /field "tags" is a Set/],
  ])('a step result holding %s is an error pointing at a custom serdes, not a silent {}', async (_title, make, pattern) => {
    svc.registerHandler(
      'lossy',
      withDurableExecution(async (_input, ctx) => ctx.step('lossy', async () => make()), { client: svc.client }),
    );
    const run = await svc.run('lossy');
    expect(run.status).toBe('FAILED');
    const error = run.operations.find((op) => op.Name === 'lossy')?.StepDetails?.Error;
    expect(error?.ErrorType).toBe('SerdesError');
    expect(error?.ErrorMessage).toMatch(pattern);
    expect(error?.ErrorMessage).toMatch(/custom serdes/);
  });

  it.each([
    ['synchronously', (value: number) => value as unknown as string],
    ['asynchronously', async (value: number) => value as unknown as string],
  ])('a serdes that returns no string %s fails the step and the child context with a SerdesError naming the operation', async (_how, serialize) => {
    const serdes = { serialize, deserialize: (data: string | undefined) => Number(data) };
    svc.registerHandler(
      'not-a-string',
      withDurableExecution(
        async (_input, ctx) => {
          const errors: string[] = [];
          await ctx.step('s', async () => 1, { serdes }).catch((error: Error) => errors.push(`${error.name}: ${error.message}`));
          await ctx.runInChildContext('c', async () => 2, { serdes }).catch((error: Error) => errors.push(`${error.name}: ${error.message}`));
          return errors;
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('not-a-string');
    const ids = ['s', 'c'].map((name) => run.operations.find((op) => op.Name === name)?.Id);
    expect(run.result).toEqual([
      expect.stringMatching(new RegExp(`^StepError: .*step "s" \\(operation ${ids[0]}\\) returned a number from serialize`)),
      expect.stringMatching(new RegExp(`^ChildContextError: .*child context "c" \\(operation ${ids[1]}\\) returned a number from serialize`)),
    ]);
  });

  it('a custom serdes carries a Map through', async () => {
    svc.registerHandler(
      'map-serdes',
      withDurableExecution(
        async (_input, ctx) => {
          const stored = await ctx.step('m', async () => new Map([['a', 1]]), {
            serdes: {
              serialize: (m) => JSON.stringify([...m]),
              deserialize: (s) => new Map(JSON.parse(s as string) as Array<[string, number]>),
            },
          });
          return stored.get('a');
        },
        { client: svc.client },
      ),
    );
    expect((await svc.run('map-serdes')).result).toBe(1);
  });

  it('a workflow result over the 6 MiB limit fails with an error naming the result, its size, the limit and the fix', async () => {
    svc.registerHandler(
      'huge',
      withDurableExecution(async () => 'x'.repeat(6 * 1024 * 1024 + 10), { client: svc.client }),
    );
    const run = await svc.run('huge');
    expect(run.status).toBe('FAILED');
    expect(run.error?.ErrorType).toBe('SerdesError');
    expect(run.error?.ErrorMessage).toMatch(/workflow's result is 6291468 bytes/);
    expect(run.error?.ErrorMessage).toMatch(/at most 6291456 bytes/);
    expect(run.error?.ErrorMessage).toMatch(/return a reference/);
    expect(run.error?.ErrorMessage).not.toMatch(/Payload size exceeds/);
  });
});
