import { TimerQueue } from '../../../local/core/timers';

describe('TimerQueue', () => {
  it('yields due timers by due time, then by arming order', () => {
    const q = new TimerQueue();
    q.arm('wait', 'a', 'w2', 200);
    q.arm('wait', 'a', 'w1', 100);
    q.arm('step-retry', 'b', 's', 100);
    q.arm('execution-timeout', 'a', '', 300);
    expect(q.nextDueAt()).toBe(100);
    const fired: string[] = [];
    for (let t = q.takeNextDue(250); t; t = q.takeNextDue(250)) fired.push(`${t.executionArn}/${t.operationId}`);
    expect(fired).toEqual(['a/w1', 'b/s', 'a/w2']);
    expect(q.nextDueAt()).toBe(300);
    expect(q.size).toBe(1);
  });

  it('re-arming replaces a timer and disarmed timers never fire', () => {
    const q = new TimerQueue();
    q.arm('callback-heartbeat', 'a', 'cb', 100);
    q.arm('callback-heartbeat', 'a', 'cb', 500);
    q.arm('wait', 'a', 'w', 50);
    q.disarm('wait', 'a', 'w');
    expect(q.nextDueAt()).toBe(500);
    expect(q.takeNextDue(499)).toBeUndefined();
    expect(q.takeNextDue(500)).toMatchObject({ kind: 'callback-heartbeat', dueAt: 500 });
    expect(q.nextDueAt()).toBeUndefined();
  });

  it('disarms every timer of an execution', () => {
    const q = new TimerQueue();
    for (let i = 0; i < 50; i++) q.arm('wait', i % 2 ? 'odd' : 'even', `w${i}`, 1000 - i);
    q.disarmExecution('odd');
    const fired: number[] = [];
    for (let t = q.takeNextDue(Infinity); t; t = q.takeNextDue(Infinity)) fired.push(t.dueAt);
    expect(fired).toHaveLength(25);
    expect(fired).toEqual([...fired].sort((a, b) => a - b));
    expect(q.size).toBe(0);
  });
});
