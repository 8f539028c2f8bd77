import type { Event, OperationUpdate } from '@aws-sdk/client-lambda';
import { VirtualClock } from '../../local/clock';
import { DurableServiceCore, type DurableInvocationEvent, type InvocationOutcome } from '../../local/core';
import { ExecutionScheduler, type Invoker } from '../../local/scheduler';

const HOUR = 3600;

/**
 * Executions named `busy-*` keep their first invocation in flight until `release` is called;
 * the others wait(HOUR) once (or open a callback, for `callback-*`), then succeed.
 */
function workflows(core: DurableServiceCore) {
  let release!: () => void;
  const busy = new Promise<void>((resolve) => {
    release = resolve;
  });
  const invoker: Invoker = async (target, event: DurableInvocationEvent): Promise<InvocationOutcome> => {
    const name = target.executionArn.split('/').at(-2) ?? '';
    const ops = event.InitialExecutionState.Operations;
    const cp = (update: OperationUpdate) =>
      core.checkpoint({ DurableExecutionArn: event.DurableExecutionArn, CheckpointToken: event.CheckpointToken, Updates: [update] });
    if (name.startsWith('busy')) {
      await busy;
      return { kind: 'returned', output: { Status: 'SUCCEEDED', Result: '"busy done"' } };
    }
    if (name.startsWith('callback')) {
      const cb = ops.find((o) => o.Id === 'cb');
      if (!cb) {
        cp({ Id: 'cb', Type: 'CALLBACK', SubType: 'Callback', Action: 'START', CallbackOptions: { TimeoutSeconds: 600 } });
        return { kind: 'returned', output: { Status: 'PENDING' } };
      }
      return { kind: 'returned', output: { Status: 'SUCCEEDED', Result: JSON.stringify(cb.Status) } };
    }
    const wait = ops.find((o) => o.Id === 'w');
    if (!wait) {
      cp({ Id: 'w', Type: 'WAIT', SubType: 'Wait', Action: 'START', WaitOptions: { WaitSeconds: HOUR } });
      return { kind: 'returned', output: { Status: 'PENDING' } };
    }
    return { kind: 'returned', output: { Status: 'SUCCEEDED', Result: JSON.stringify(wait.Status) } };
  };
  return { invoker, release: () => release() };
}

function setup() {
  const clock = new VirtualClock();
  const core = new DurableServiceCore({ clock });
  core.registerFunction({ functionName: 'fn', durableConfig: { executionTimeoutSeconds: 7 * 86400 } });
  const { invoker, release } = workflows(core);
  const scheduler = new ExecutionScheduler({ core, clock, invoker });
  const start = (name: string) =>
    core.startExecution({ functionName: 'fn:$LATEST', executionName: name, invocationType: 'Event' }).executionArn;
  const history = (arn: string): Event[] => core.getHistory({ DurableExecutionArn: arn, MaxItems: 1000 }).Events ?? [];
  return { clock, core, scheduler, start, release, history };
}

function timestamps(events: Event[]): number[] {
  return events.map((e) => (e.EventTimestamp as Date).getTime());
}

let scheduler: ExecutionScheduler | undefined;
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
});

describe('virtual time per execution', () => {
  it('a durable wait costs no real time while another execution has an invocation in flight', async () => {
    const env = setup();
    scheduler = env.scheduler;
    const busy = env.start('busy-1');
    const waiters = ['wait-1', 'wait-2', 'wait-3'].map(env.start);
    const realStart = Date.now();
    // The busy invocation never ends before the waiters do, so the service clock can never jump.
    const finals = await Promise.all(waiters.map((arn) => env.scheduler.waitForExecution(arn)));
    expect(finals.map((f) => f.Status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(Date.now() - realStart).toBeLessThan(HOUR * 1000);
    expect(env.core.isInvocationRunning(busy)).toBe(true);
    expect(env.clock.skippedMs).toBe(0);
    for (const arn of waiters) {
      const events = env.history(arn);
      const ts = timestamps(events);
      expect(ts).toEqual([...ts].sort((a, b) => a - b)); // non-decreasing
      const started = events.find((e) => e.EventType === 'WaitStarted');
      const succeeded = events.find((e) => e.EventType === 'WaitSucceeded');
      expect((succeeded?.EventTimestamp as Date).getTime() - (started?.EventTimestamp as Date).getTime()).toBeGreaterThanOrEqual(HOUR * 1000);
      expect(succeeded?.WaitSucceededDetails?.Duration).toBe(HOUR);
    }
    // The busy execution's own time did not move with them.
    expect(env.core.executionNow(busy) - env.clock.now()).toBe(0);
    env.release();
    expect((await env.scheduler.waitForExecution(busy)).Status).toBe('SUCCEEDED');
  });

  it('an execution waiting on an open callback is not skipped: its timeout does not fire early', async () => {
    const env = setup();
    scheduler = env.scheduler;
    env.start('busy-1');
    const cb = env.start('callback-1');
    const waiter = env.start('wait-1');
    expect((await env.scheduler.waitForExecution(waiter)).Status).toBe('SUCCEEDED');
    const callback = env.core.getOperations(cb).find((o) => o.Id === 'cb');
    expect(callback?.Status).toBe('STARTED');
    expect(env.core.executionNow(cb) - env.clock.now()).toBe(0);
    env.core.sendCallbackSuccess(callback?.CallbackDetails?.CallbackId as string, '"ok"');
    expect((await env.scheduler.waitForExecution(cb)).Result).toBe('"SUCCEEDED"');
    env.release();
  });

  it('a held clock stops the per-execution skip as well', async () => {
    const env = setup();
    scheduler = env.scheduler;
    const release = env.scheduler.holdClock();
    const waiter = env.start('wait-1');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(env.core.getOperations(waiter).find((o) => o.Id === 'w')?.Status).toBe('STARTED');
    release();
    expect((await env.scheduler.waitForExecution(waiter)).Status).toBe('SUCCEEDED');
    env.release();
  });
});
