/**
 * The pieces of the replay gate that need no bundle: the event field shared with the runtime, and
 * the operations rebuilt from history events.
 */
import type { Event } from '@aws-sdk/client-lambda';
import { REPLAY_ONLY_EVENT_KEY } from '../../../local/replay';
import { recordedState } from '../../../local/replay/recorded-state';
import { REPLAY_ONLY_EVENT_KEY as RUNTIME_KEY } from '../../../runtime/invocation/event';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

test('the replay-only event field is the one the runtime reads', () => {
  expect(REPLAY_ONLY_EVENT_KEY).toBe(RUNTIME_KEY);
});

test('a history becomes the operations GetDurableExecutionState would return at its end', () => {
  const events: Event[] = [
    { EventType: 'ExecutionStarted', EventId: 1, EventTimestamp: at(0), Id: 'exec', ExecutionStartedDetails: { Input: { Payload: '{"a":1}' }, ExecutionTimeout: 60 } },
    { EventType: 'StepStarted', EventId: 2, EventTimestamp: at(1), Id: 's1', Name: 'charge', SubType: 'Step', StepStartedDetails: {} },
    { EventType: 'StepFailed', EventId: 3, EventTimestamp: at(2), Id: 's1', Name: 'charge', SubType: 'Step', StepFailedDetails: { Error: { Payload: { ErrorType: 'E' } }, RetryDetails: { CurrentAttempt: 1, NextAttemptDelaySeconds: 5 } } },
    { EventType: 'ContextStarted', EventId: 4, EventTimestamp: at(3), Id: 'm', Name: 'items', SubType: 'Map', ContextStartedDetails: {} },
    { EventType: 'StepSucceeded', EventId: 5, EventTimestamp: at(4), Id: 'm1', ParentId: 'm', SubType: 'Step', StepSucceededDetails: { Result: { Payload: '"x"', Truncated: true }, RetryDetails: { CurrentAttempt: 1 } } },
    { EventType: 'ContextSucceeded', EventId: 6, EventTimestamp: at(5), Id: 'm', Name: 'items', SubType: 'Map', ContextSucceededDetails: { Result: { Payload: '{"type":"MapResult","statuses":"S"}' } } },
    { EventType: 'WaitStarted', EventId: 7, EventTimestamp: at(6), Id: 'w', SubType: 'Wait', WaitStartedDetails: { Duration: 9, ScheduledEndTimestamp: at(15) } },
  ];
  const { operations, warnings } = recordedState(events);
  expect(operations.map((op) => [op.Id, op.Type, op.Status])).toEqual([
    ['exec', 'EXECUTION', 'STARTED'],
    ['s1', 'STEP', 'PENDING'],
    ['m', 'CONTEXT', 'SUCCEEDED'],
    ['m1', 'STEP', 'SUCCEEDED'],
    ['w', 'WAIT', 'STARTED'],
  ]);
  expect(operations[0].ExecutionDetails).toEqual({ InputPayload: '{"a":1}' });
  expect(operations[1].StepDetails).toEqual({ Attempt: 1, Error: { ErrorType: 'E' }, NextAttemptTimestamp: at(7) });
  // The compact summary means the map's items must be rebuilt from their operations.
  expect(operations[2].ContextDetails?.ReplayChildren).toBe(true);
  expect(operations[3]).toMatchObject({ ParentId: 'm', StepDetails: { Attempt: 1, Result: '"x"' } });
  expect(operations[4].WaitDetails).toEqual({ ScheduledEndTimestamp: at(15) });
  expect(warnings).toEqual([expect.stringContaining('event 5 (StepSucceeded of m1) holds a truncated payload')]);
});
