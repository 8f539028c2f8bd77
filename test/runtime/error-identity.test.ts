import { ChildContextError, Duration, ParallelError, StepError, withDurableExecution, type DurableContext } from '../../runtime';
import { InProcessDurableService } from '../../local/testing';
import { checkpointCalls, operation, rootId, sha256, updatesOf } from './support';

/** A long text as its length and digest, so a failing comparison stays readable. */
function digest(text: string | undefined): string | undefined {
  return text === undefined ? undefined : `${text.length} chars, sha256 ${sha256(text).slice(0, 12)}`;
}

/** What a workflow can observe of an error, compared between the first run and the replay. */
function shape(error: unknown): Record<string, unknown> {
  const e = error as Error & { errorType?: string; errorData?: string };
  const cause = e.cause as (Error & { code?: string; cause?: Error }) | undefined;
  return {
    class: e.constructor.name,
    name: e.name,
    errorType: e.errorType,
    message: digest(e.message),
    causeName: cause?.name,
    causeMessage: digest(cause?.message),
    causeCode: cause?.code,
    causeCause: cause?.cause?.message,
  };
}

class BigError extends Error {
  override name = 'BigError';
  constructor(
    message: string,
    readonly code: string,
    cause?: Error,
  ) {
    super(message, cause ? { cause } : undefined);
  }
}

describe('errors whose update must be truncated to stay under 32 KB keep one identity on first run and replay', () => {
  let svc: InProcessDurableService;
  beforeEach(() => {
    svc = new InProcessDurableService();
  });
  afterEach(() => svc.close());

  const runTwice = async (name: string, failing: (ctx: DurableContext) => Promise<unknown>) => {
    const seen: Array<Record<string, unknown>> = [];
    svc.registerHandler(
      name,
      withDurableExecution(
        async (_input, ctx) => {
          try {
            await failing(ctx);
          } catch (error) {
            seen.push(shape(error));
          }
          await ctx.wait(Duration.seconds(1));
          return 'done';
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run(name);
    expect(run.status).toBe('SUCCEEDED');
    expect(seen).toHaveLength(2);
    return { run, first: seen[0], replay: seen[1] };
  };

  it('a step', async () => {
    const { run, first, replay } = await runTwice('step', (ctx) =>
      ctx.step(
        'huge',
        async () => {
          throw new BigError('m'.repeat(40_000), 'E42', new Error('root cause'));
        },
        { retryStrategy: () => ({ shouldRetry: false }) },
      ),
    );
    expect(first.class).toBe(StepError.name);
    expect(first.errorType).toBe('BigError');
    expect(replay).toEqual(first);
    const fail = checkpointCalls(run.invocations[0].dataPlaneCalls).flatMap(updatesOf).find((u) => u.Action === 'FAIL');
    expect(Buffer.byteLength(JSON.stringify(fail))).toBeLessThan(32_768);
    expect(first.message).toBe(digest(fail?.Error?.ErrorMessage));
  });

  it('a child context', async () => {
    const { first, replay } = await runTwice('child', (ctx) =>
      ctx.runInChildContext('huge', async () => {
        throw new BigError('c'.repeat(40_000), 'E7');
      }),
    );
    expect(first.class).toBe(ChildContextError.name);
    expect(Number.parseInt(first.message as string, 10)).toBeLessThan(32_768);
    expect(replay).toEqual(first);
  });

  it('a parallel whose first failure has a message too long for the closing update', async () => {
    const seen: unknown[] = [];
    svc.registerHandler(
      'parallel',
      withDurableExecution(
        async (_input, ctx) => {
          try {
            await ctx.parallel('huge', [
              async () => 'fine',
              async (): Promise<string> => {
                throw new BigError('p'.repeat(40_000), 'E9');
              },
            ]);
          } catch (error) {
            const e = error as ParallelError;
            seen.push({
              ...shape(e),
              reason: e.result.completionReason,
              statuses: e.result.all.map((item) => item.status),
              results: e.result.getResults(),
              errors: e.result.getErrors().map(shape),
            });
          }
          await ctx.wait(Duration.seconds(1));
          return 'done';
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('parallel');
    expect(run.status).toBe('SUCCEEDED');
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({ class: ParallelError.name, reason: 'FAILURE_TOLERANCE_EXCEEDED', results: ['fine'] });
    expect(seen[1]).toEqual(seen[0]);
    const parent = operation(run, rootId(1));
    expect(parent.Status).toBe('FAILED');
    // The summary in ErrorData survives whole; the message is what gets shortened.
    expect(() => JSON.parse(parent.ContextDetails?.Error?.ErrorData ?? '')).not.toThrow();
  });
});
