import type { CheckpointQueue } from '../../runtime/invocation/checkpoint-queue';
import { Suspension } from '../../runtime/invocation/suspension';
import { Termination } from '../../runtime/invocation/termination';

/**
 * The polling cadence of protocol.md §3.1: while work keeps the invocation busy and it also waits
 * on the service, it polls with empty checkpoints first at the due time, then backing off from 1 s
 * to 10 s. The queue here only records when a poll was asked for (each answers at once, with no
 * news); time is jest's fake clock.
 */
describe('polling while work is running', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  /** Poll times to the nearest second (the fake clock counts each deferred evaluation as 1 ms). */
  const seconds = (times: number[]) => times.map((t) => Math.round(t / 1000));

  function setup() {
    const polls: number[] = [];
    const queue = {
      idle: true,
      poll: () => {
        polls.push(Date.now());
        return Promise.resolve();
      },
      flush: () => Promise.resolve(),
    } as unknown as CheckpointQueue;
    const termination = new Termination();
    const suspension = new Suspension(queue, termination);
    return { polls, termination, suspension };
  }

  it('polls at the due time, then after 1, 2, 4, 8 and 10 s', async () => {
    const { polls, termination, suspension } = setup();
    suspension.beginWork();
    suspension.addServiceWait(5_000);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(seconds(polls.slice(0, 8))).toEqual([5, 6, 8, 12, 20, 30, 40, 50]);
    expect(termination.terminated).toBe(false);
    suspension.stop();
  });

  it('does not poll before a distant due time', async () => {
    const { polls, suspension } = setup();
    suspension.beginWork();
    suspension.addServiceWait(3_600_000);
    await jest.advanceTimersByTimeAsync(3_601_500);
    expect(seconds(polls)).toEqual([3_600, 3_601]);
    suspension.stop();
  });

  it('does not poll in a loop when the due time is beyond what a timer can hold (30 days)', async () => {
    const { polls, suspension } = setup();
    suspension.beginWork();
    suspension.addServiceWait(30 * 86_400_000);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(polls).toEqual([]);
    suspension.stop();
  });

  it('backs off from 1 s at once for a wait without a due time (a callback)', async () => {
    const { polls, suspension } = setup();
    suspension.beginWork();
    suspension.addServiceWait(undefined);
    await jest.advanceTimersByTimeAsync(26_000);
    expect(seconds(polls)).toEqual([1, 3, 7, 15, 25]);
    suspension.stop();
  });

  it('never polls but suspends once no work is left', async () => {
    const { polls, termination, suspension } = setup();
    const endWork = suspension.beginWork();
    suspension.addServiceWait(5_000);
    await jest.advanceTimersByTimeAsync(5_500);
    expect(seconds(polls)).toEqual([5]);
    endWork();
    await jest.advanceTimersByTimeAsync(0);
    expect(termination.current).toEqual({ kind: 'suspend' });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(seconds(polls)).toEqual([5]);
  });
});
