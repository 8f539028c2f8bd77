import type { Event } from '@aws-sdk/client-lambda';
import { begin, history, makeCore, serviceError, step, wait } from './helpers';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

/** protocol.md §5 example: a step that fails twice (delays 2 s and 4 s), then succeeds; then wait(5). */
function runExample() {
  const { core, clock } = makeCore();
  const d1 = begin(core, '{"order":42}');
  const charge = (Action: 'START' | 'RETRY' | 'SUCCEED', extra = {}) => step('step-1', Action, { Name: 'charge', ...extra });
  const err = (n: number) => ({ ErrorType: 'CardDeclined', ErrorMessage: `attempt ${n}` });
  d1.cp([charge('START')]);
  d1.cp([charge('RETRY', { Error: err(1), StepOptions: { NextAttemptDelaySeconds: 2 } })]);
  d1.end({ Status: 'PENDING' });
  clock.advance(2);
  core.fireDueTimers();
  const d2 = d1.next();
  d2.cp([charge('START')]);
  d2.cp([charge('RETRY', { Error: err(2), StepOptions: { NextAttemptDelaySeconds: 4 } })]);
  d2.end({ Status: 'PENDING' });
  clock.advance(4);
  core.fireDueTimers();
  const d3 = d2.next();
  d3.cp([charge('START')]);
  d3.cp([charge('SUCCEED', { Payload: '"charged"' }), wait('wait-1', 5)]);
  d3.end({ Status: 'PENDING' });
  clock.advance(5);
  core.fireDueTimers();
  const d4 = d3.next();
  d4.end({ Status: 'SUCCEEDED', Result: '"done"' });
  return { core, arn: d1.arn, requestIds: [d1, d2, d3, d4].map((d) => d.start.requestId) };
}

describe('history (§5)', () => {
  it('matches the protocol example event for event, with sequential EventIds', () => {
    const { core, arn, requestIds } = runExample();
    const execId = arn.split('/').at(-1);
    const h = history(core, arn);
    expect(h.map((e) => e.EventId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    const shape = h.map(({ EventId: _id, EventTimestamp: _ts, ...rest }) => rest);
    const ic = (i: number): Event => ({
      EventType: 'InvocationCompleted',
      InvocationCompletedDetails: { StartTimestamp: expect.anything(), EndTimestamp: expect.anything(), RequestId: requestIds[i] },
    });
    const s = { Id: 'step-1', Name: 'charge', SubType: 'Step' };
    expect(shape).toEqual([
      { EventType: 'ExecutionStarted', Id: execId, Name: expect.any(String), ExecutionStartedDetails: { Input: { Payload: '{"order":42}', Truncated: false }, ExecutionTimeout: 86400 } },
      { EventType: 'StepStarted', ...s, StepStartedDetails: {} },
      { EventType: 'StepFailed', ...s, StepFailedDetails: { Error: { Payload: { ErrorType: 'CardDeclined', ErrorMessage: 'attempt 1' }, Truncated: false }, RetryDetails: { CurrentAttempt: 1, NextAttemptDelaySeconds: 2 } } },
      ic(0),
      { EventType: 'StepStarted', ...s, StepStartedDetails: {} },
      { EventType: 'StepFailed', ...s, StepFailedDetails: { Error: { Payload: { ErrorType: 'CardDeclined', ErrorMessage: 'attempt 2' }, Truncated: false }, RetryDetails: { CurrentAttempt: 2, NextAttemptDelaySeconds: 4 } } },
      ic(1),
      { EventType: 'StepStarted', ...s, StepStartedDetails: {} },
      { EventType: 'StepSucceeded', ...s, StepSucceededDetails: { Result: { Payload: '"charged"', Truncated: false }, RetryDetails: { CurrentAttempt: 3 } } },
      { EventType: 'WaitStarted', Id: 'wait-1', SubType: 'Wait', WaitStartedDetails: { Duration: 5, ScheduledEndTimestamp: new Date(T0 + 11_000) } },
      ic(2),
      { EventType: 'WaitSucceeded', Id: 'wait-1', SubType: 'Wait', WaitSucceededDetails: { Duration: 5 } },
      ic(3),
      { EventType: 'ExecutionSucceeded', Id: execId, Name: expect.any(String), ExecutionSucceededDetails: { Result: { Payload: '"done"', Truncated: false } } },
    ]);
    expect(h.map((e) => (e.EventTimestamp as Date).getTime() - T0)).toEqual([0, 0, 0, 0, 2000, 2000, 2000, 6000, 6000, 6000, 6000, 11000, 11000, 11000]);
  });

  it('pages with MaxItems and NextMarker (the next EventId), forwards and in reverse', () => {
    const { core, arn } = runExample();
    const page1 = core.getHistory({ DurableExecutionArn: arn, MaxItems: 5 });
    expect(page1.Events?.map((e) => e.EventId)).toEqual([1, 2, 3, 4, 5]);
    expect(page1.NextMarker).toBe('6');
    const page3 = core.getHistory({ DurableExecutionArn: arn, MaxItems: 5, Marker: '11' });
    expect(page3.Events?.map((e) => e.EventId)).toEqual([11, 12, 13, 14]);
    expect(page3.NextMarker).toBeUndefined();
    const rev = core.getHistory({ DurableExecutionArn: arn, MaxItems: 6, ReverseOrder: true });
    expect(rev.Events?.map((e) => e.EventId)).toEqual([14, 13, 12, 11, 10, 9]);
    expect(rev.NextMarker).toBe('8');
    const rev2 = core.getHistory({ DurableExecutionArn: arn, MaxItems: 100, ReverseOrder: true, Marker: rev.NextMarker });
    expect(rev2.Events?.map((e) => e.EventId)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(rev2.NextMarker).toBeUndefined();
    // A tailing reader may ask from just past the end.
    expect(core.getHistory({ DurableExecutionArn: arn, Marker: '15' }).Events).toEqual([]);
  });

  it('defaults MaxItems to 100 (also for 0) and rejects values outside 0-1000 and bad markers', () => {
    const { core } = makeCore();
    const d = begin(core);
    d.cp(Array.from({ length: 150 }, (_, i) => step(`s${i}`, 'SUCCEED')));
    expect(core.getHistory({ DurableExecutionArn: d.arn }).Events).toHaveLength(100);
    expect(core.getHistory({ DurableExecutionArn: d.arn, MaxItems: 0 }).NextMarker).toBe('101');
    expect(core.getHistory({ DurableExecutionArn: d.arn, MaxItems: 1000 }).Events).toHaveLength(151);
    for (const MaxItems of [-1, 1001, 2.5]) {
      expect(serviceError(() => core.getHistory({ DurableExecutionArn: d.arn, MaxItems })).message).toBe(
        `MaxItems must be an integer from 0 to 1000; got ${MaxItems}.`,
      );
    }
    for (const Marker of ['abc', '0', '153']) {
      expect(serviceError(() => core.getHistory({ DurableExecutionArn: d.arn, Marker })).name).toBe('InvalidParameterValueException');
    }
  });

  it('IncludeExecutionData=false drops every Payload but keeps the shapes', () => {
    const { core, arn } = runExample();
    const events = core.getHistory({ DurableExecutionArn: arn, IncludeExecutionData: false, MaxItems: 100 }).Events ?? [];
    expect(events[0].ExecutionStartedDetails).toEqual({ Input: { Truncated: false }, ExecutionTimeout: 86400 });
    expect(events[2].StepFailedDetails).toEqual({ Error: { Truncated: false }, RetryDetails: { CurrentAttempt: 1, NextAttemptDelaySeconds: 2 } });
    expect(events[8].StepSucceededDetails).toEqual({ Result: { Truncated: false }, RetryDetails: { CurrentAttempt: 3 } });
    expect(events[13].ExecutionSucceededDetails).toEqual({ Result: { Truncated: false } });
    expect(JSON.stringify(events)).not.toContain('Payload');
  });

  it('returns copies: mutating a returned event changes nothing stored', () => {
    const { core, arn } = runExample();
    const first = core.getHistory({ DurableExecutionArn: arn }).Events?.[0];
    (first?.ExecutionStartedDetails?.Input as { Payload?: string }).Payload = 'changed';
    expect(core.getHistory({ DurableExecutionArn: arn }).Events?.[0].ExecutionStartedDetails?.Input?.Payload).toBe('{"order":42}');
  });
});
