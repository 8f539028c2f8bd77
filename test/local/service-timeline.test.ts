import type { Event } from '@aws-sdk/client-lambda';
import { formatDuration, formatTimeline, summarizeOperations } from '../../local/timeline';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
let nextId = 1;

function event(type: string, atMs: number, fields: Partial<Event> = {}): Event {
  return { EventId: nextId++, EventType: type as Event['EventType'], EventTimestamp: new Date(T0 + atMs), ...fields };
}

/** A history as the service records it: a step retried twice, a wait, a child context with a step inside, a parallel. */
function history(): Event[] {
  nextId = 1;
  return [
    event('ExecutionStarted', 0, { Id: 'exec', Name: 'order-1', ExecutionStartedDetails: { Input: { Payload: '{}' }, ExecutionTimeout: 3600 } }),
    event('StepStarted', 10, { Id: 's1', Name: 'charge', SubType: 'Step' }),
    event('StepFailed', 20, {
      Id: 's1',
      Name: 'charge',
      SubType: 'Step',
      StepFailedDetails: { Error: { Payload: { ErrorMessage: 'declined' } }, RetryDetails: { CurrentAttempt: 1, NextAttemptDelaySeconds: 5 } },
    }),
    event('InvocationCompleted', 30, { InvocationCompletedDetails: { StartTimestamp: new Date(T0), EndTimestamp: new Date(T0 + 30), RequestId: 'r1' } }),
    event('StepStarted', 5030, { Id: 's1', Name: 'charge', SubType: 'Step' }),
    event('StepSucceeded', 5040, { Id: 's1', Name: 'charge', SubType: 'Step', StepSucceededDetails: { Result: { Payload: '"ok"' }, RetryDetails: { CurrentAttempt: 2 } } }),
    event('ContextStarted', 5050, { Id: 'c1', Name: 'ship', SubType: 'RunInChildContext', ContextStartedDetails: {} }),
    event('WaitStarted', 5060, { Id: 'w1', SubType: 'Wait', WaitStartedDetails: { Duration: 3600, ScheduledEndTimestamp: new Date(T0 + 3_605_060) } }),
    event('StepStarted', 5070, { Id: 'c1s1', ParentId: 'c1', Name: 'label', SubType: 'Step' }),
    event('InvocationCompleted', 5080, {
      InvocationCompletedDetails: {
        StartTimestamp: new Date(T0 + 5025),
        EndTimestamp: new Date(T0 + 5080),
        RequestId: 'r2',
        Error: { Payload: { ErrorType: 'Sandbox.Timedout' } },
      },
    }),
    event('WaitSucceeded', 3_605_060, { Id: 'w1', SubType: 'Wait', WaitSucceededDetails: { Duration: 3600 } }),
  ];
}

describe('summarizeOperations', () => {
  it('folds events into operations in tree order with depth, status, attempts and results', () => {
    const summaries = summarizeOperations(history());
    expect(summaries.map((s) => [s.id, s.type, s.status, s.depth, s.attempts])).toEqual([
      ['exec', 'EXECUTION', 'STARTED', 0, 0],
      ['s1', 'STEP', 'SUCCEEDED', 1, 2],
      ['c1', 'CONTEXT', 'STARTED', 1, 0],
      ['c1s1', 'STEP', 'STARTED', 2, 0],
      ['w1', 'WAIT', 'SUCCEEDED', 1, 0],
    ]);
    expect(summaries[1].result).toBe('"ok"');
    expect(summaries[1].endedAt).toEqual(new Date(T0 + 5040));
    expect(summaries[3].endedAt).toBeUndefined();
  });

  it('shows a step between attempts as PENDING', () => {
    const summaries = summarizeOperations(history().slice(0, 4));
    expect(summaries[1]).toMatchObject({ status: 'PENDING', attempts: 1, error: { ErrorMessage: 'declined' } });
  });
});

describe('formatTimeline', () => {
  it('prints one aligned line per operation, indented under its parent, and an invocation count', () => {
    expect(formatTimeline(history()).split('\n')).toEqual([
      '+0ms   EXECUTION "order-1"                 STARTED                running',
      '+10ms    STEP/Step "charge"                SUCCEEDED  attempts 2  5s',
      '+5.1s    CONTEXT/RunInChildContext "ship"  STARTED                running',
      '+5.1s      STEP/Step "label"               STARTED    attempts 0  running',
      '+5.1s    WAIT/Wait                         SUCCEEDED              1h 0m',
      '2 invocations (1 failed)',
    ]);
  });

  it('says so when there is nothing to show', () => {
    expect(formatTimeline([])).toBe('(no operations)');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [999, '999ms'],
    [1500, '1.5s'],
    [30_040, '30s'],
    [125_000, '2m 5s'],
    [3_600_000, '1h 0m'],
    [3_602_000, '1h 0m 2s'],
    [90_000_000, '1d 1h'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
