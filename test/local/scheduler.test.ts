import type { OperationUpdate } from '@aws-sdk/client-lambda';
import { RealClock, VirtualClock } from '../../local/clock';
import { DurableServiceCore, type DurableInvocationEvent, type InvocationOutcome } from '../../local/core';
import { ExecutionScheduler, SchedulerError, type Invoker } from '../../local/scheduler';

/** A workflow run directly against the core: wait(seconds) once, then succeed. */
function waitOnce(core: DurableServiceCore, seconds: number, log: string[] = []): Invoker {
  return async (target, event: DurableInvocationEvent) => {
    log.push(`start ${target.executionArn.slice(-4)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const wait = event.InitialExecutionState.Operations.find((o) => o.Id === 'w');
    log.push(`end ${target.executionArn.slice(-4)}`);
    if (!wait) {
      const update: OperationUpdate = { Id: 'w', Type: 'WAIT', Action: 'START', WaitOptions: { WaitSeconds: seconds } };
      core.checkpoint({ DurableExecutionArn: event.DurableExecutionArn, CheckpointToken: event.CheckpointToken, Updates: [update] });
      return { kind: 'returned', output: { Status: 'PENDING' } };
    }
    return { kind: 'returned', output: { Status: 'SUCCEEDED', Result: JSON.stringify(wait.Status) } };
  };
}

function setup(clock: VirtualClock | RealClock, invokerFor: (core: DurableServiceCore) => Invoker, extra: Partial<ConstructorParameters<typeof ExecutionScheduler>[0]> = {}) {
  const core = new DurableServiceCore({ clock });
  core.registerFunction({ functionName: 'fn', durableConfig: { executionTimeoutSeconds: 7 * 86400 } });
  const scheduler = new ExecutionScheduler({ core, clock, invoker: invokerFor(core), ...extra });
  const start = () => core.startExecution({ functionName: 'fn:$LATEST', invocationType: 'Event' }).executionArn;
  return { core, scheduler, start };
}

let scheduler: ExecutionScheduler | undefined;
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
});

describe('ExecutionScheduler', () => {
  it('drives executions to the end and skips idle time on a virtual clock', async () => {
    const clock = new VirtualClock();
    const env = setup(clock, (core) => waitOnce(core, 86_400));
    scheduler = env.scheduler;
    const arn = env.start();
    const final = await scheduler.waitForExecution(arn);
    expect(final).toMatchObject({ Status: 'SUCCEEDED', Result: '"SUCCEEDED"' });
    // The execution skipped its day on its own clock (or the whole service clock jumped).
    const skipped = clock.skippedMs + (env.core.executionNow(arn) - clock.now());
    expect(skipped).toBeGreaterThanOrEqual(86_400_000 - 1000);
    expect(scheduler.invocationCount(arn)).toBe(2);
  }, 10_000);

  it('runs several executions concurrently but never two invocations of one execution at once', async () => {
    const clock = new VirtualClock();
    const running = new Map<string, number>();
    let maxPerExecution = 0;
    let maxOverall = 0;
    const env = setup(clock, (core) => {
      const inner = waitOnce(core, 30);
      return async (target, event, ctx) => {
        const n = (running.get(target.executionArn) ?? 0) + 1;
        running.set(target.executionArn, n);
        maxPerExecution = Math.max(maxPerExecution, n);
        maxOverall = Math.max(maxOverall, [...running.values()].reduce((a, b) => a + b, 0));
        try {
          return await inner(target, event, ctx);
        } finally {
          running.set(target.executionArn, (running.get(target.executionArn) ?? 1) - 1);
        }
      };
    });
    scheduler = env.scheduler;
    const arns = [env.start(), env.start(), env.start()];
    const finals = await Promise.all(arns.map((a) => scheduler!.waitForExecution(a)));
    expect(finals.map((f) => f.Status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(maxPerExecution).toBe(1);
    expect(maxOverall).toBe(3);
  });

  it('does not skip time while an invocation runs; timers then fire at their real due time', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    let slowRuns = 0;
    const env = setup(clock, (core) => {
      const short = waitOnce(core, 1, log);
      return async (target, event, ctx) => {
        if (target.executionArn === slowArn && slowRuns++ === 0) {
          // A long first invocation of another execution keeps the scheduler busy for 1.3 s of real time.
          await new Promise((resolve) => setTimeout(resolve, 1300));
          return { kind: 'returned', output: { Status: 'SUCCEEDED' } };
        }
        return short(target, event, ctx);
      };
    });
    scheduler = env.scheduler;
    const slowArn = env.start();
    const fastArn = env.start();
    const fast = await scheduler.waitForExecution(fastArn);
    expect(fast.Status).toBe('SUCCEEDED');
    // The 1 s wait elapsed in real time, not by a jump, because the slow invocation was in flight.
    expect(clock.skippedMs).toBe(0);
    expect(env.core.getExecution({ DurableExecutionArn: slowArn }).Status).toBe('RUNNING');
    await scheduler.waitForExecution(slowArn);
  });

  it('keeps a held virtual clock from jumping until released', async () => {
    const clock = new VirtualClock();
    const env = setup(clock, (core) => waitOnce(core, 3600));
    scheduler = env.scheduler;
    const release = scheduler.holdClock();
    const arn = env.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(env.core.getExecution({ DurableExecutionArn: arn }).Status).toBe('RUNNING');
    expect(clock.skippedMs).toBe(0);
    release();
    expect((await scheduler.waitForExecution(arn)).Status).toBe('SUCCEEDED');
  });

  it('records an invoker rejection as an invocation error and retries', async () => {
    const clock = new VirtualClock();
    let n = 0;
    const env = setup(clock, () => async (): Promise<InvocationOutcome> => {
      if (n++ === 0) throw new RangeError('host crashed');
      return { kind: 'returned', output: { Status: 'SUCCEEDED' } };
    });
    scheduler = env.scheduler;
    const arn = env.start();
    await scheduler.waitForExecution(arn);
    const ic = env.core.getHistory({ DurableExecutionArn: arn }).Events?.filter((e) => e.EventType === 'InvocationCompleted');
    expect(ic?.[0].InvocationCompletedDetails?.Error?.Payload).toMatchObject({ ErrorType: 'RangeError', ErrorMessage: 'host crashed' });
    expect(ic).toHaveLength(2);
  });

  it('fails chained invokes it cannot perform, as function not found', async () => {
    const clock = new VirtualClock();
    const env = setup(clock, (core) => async (_t, event) => {
      const op = event.InitialExecutionState.Operations.find((o) => o.Id === 'c');
      if (!op) {
        core.checkpoint({
          DurableExecutionArn: event.DurableExecutionArn,
          CheckpointToken: event.CheckpointToken,
          Updates: [{ Id: 'c', Type: 'CHAINED_INVOKE', Action: 'START', ChainedInvokeOptions: { FunctionName: 'elsewhere' } }],
        });
        return { kind: 'returned', output: { Status: 'PENDING' } };
      }
      return { kind: 'returned', output: { Status: 'SUCCEEDED', Result: JSON.stringify(op.ChainedInvokeDetails?.Error?.ErrorType) } };
    });
    scheduler = env.scheduler;
    const final = await scheduler.waitForExecution(env.start());
    expect(final.Result).toBe('"ResourceNotFoundException"');
  });

  it('performs chained invokes through the given chainedInvoker', async () => {
    const clock = new VirtualClock();
    const env = setup(
      clock,
      (core) => async (_t, event) => {
        const op = event.InitialExecutionState.Operations.find((o) => o.Id === 'c');
        if (!op) {
          core.checkpoint({
            DurableExecutionArn: event.DurableExecutionArn,
            CheckpointToken: event.CheckpointToken,
            Updates: [{ Id: 'c', Type: 'CHAINED_INVOKE', Action: 'START', Payload: '2', ChainedInvokeOptions: { FunctionName: 'square' } }],
          });
          return { kind: 'returned', output: { Status: 'PENDING' } };
        }
        return { kind: 'returned', output: { Status: 'SUCCEEDED', Result: op.ChainedInvokeDetails?.Result } };
      },
      { chainedInvoker: async (req) => ({ status: 'SUCCEEDED', result: String(Number(req.payload) ** 2) }) },
    );
    scheduler = env.scheduler;
    expect((await scheduler.waitForExecution(env.start())).Result).toBe('4');
  });

  it('stop() rejects waiters, clears timers and waits for the invocation in flight', async () => {
    const clock = new RealClock();
    let finished = false;
    const env = setup(clock, (core) => async (target, event, ctx) => {
      const out = await waitOnce(core, 3600)(target, event, ctx);
      await new Promise((resolve) => setTimeout(resolve, 50));
      finished = true;
      return out;
    });
    const arn = env.start();
    const waiting = env.scheduler.waitForExecution(arn).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await env.scheduler.stop();
    expect(finished).toBe(true);
    expect(await waiting).toMatchObject({ name: 'SchedulerError', code: 'stopped' });
    await expect(env.scheduler.waitForExecution(arn)).rejects.toBeInstanceOf(SchedulerError);
    // The outcome was applied: the execution waits on its hour-long timer, which nothing drives now.
    expect(env.core.isInvocationRunning(arn)).toBe(false);
  });

  it('resolves at once for a finished execution and rejects for an unknown one', async () => {
    const clock = new VirtualClock();
    const env = setup(clock, () => async () => ({ kind: 'returned', output: { Status: 'SUCCEEDED' } }));
    scheduler = env.scheduler;
    const arn = env.start();
    await scheduler.waitForExecution(arn);
    expect((await scheduler.waitForExecution(arn)).Status).toBe('SUCCEEDED');
    await expect(scheduler.waitForExecution(arn.replace(/\/[^/]+$/, '/nope'))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('clocks', () => {
  it('a virtual clock moves with real time, jumps forward on demand and never goes back', async () => {
    const clock = new VirtualClock({ start: Date.UTC(2030, 0, 1) });
    const t0 = clock.now();
    expect(Math.abs(t0 - Date.UTC(2030, 0, 1))).toBeLessThan(1000);
    clock.advanceTo(t0 + 3_600_000);
    expect(clock.now()).toBeGreaterThanOrEqual(t0 + 3_600_000);
    clock.advanceTo(t0);
    expect(clock.now()).toBeGreaterThanOrEqual(t0 + 3_600_000);
    await clock.waitUntil(t0 + 7_200_000);
    expect(clock.now()).toBeGreaterThanOrEqual(t0 + 7_200_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(clock.now()).toBeGreaterThan(t0 + 7_200_000);
    expect(clock.skippedMs).toBeGreaterThanOrEqual(7_200_000 - 1000);
  });

  it('a real clock waits in real time and can be aborted', async () => {
    const clock = new RealClock();
    const target = clock.now() + 30;
    await clock.waitUntil(target);
    expect(clock.now()).toBeGreaterThanOrEqual(target);
    const abort = new AbortController();
    const pending = clock.waitUntil(clock.now() + 60_000, abort.signal);
    abort.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
