/**
 * The pieces of the replay gate that need no bundle: the event field shared with the runtime, and
 * the operations rebuilt from history events.
 */
import type { Event } from '@aws-sdk/client-lambda';
import { REPLAY_ONLY_EVENT_KEY } from '../../../local/replay';
import { recordedState } from '../../../local/replay/recorded-state';
import { firstUnreached, REPLAY_TRACE_OUTPUT_KEY } from '../../../local/replay/unreached';
import { REPLAY_ONLY_EVENT_KEY as RUNTIME_KEY } from '../../../runtime/invocation/event';
import { REPLAY_TRACE_OUTPUT_KEY as RUNTIME_TRACE_KEY } from '../../../runtime/invocation/replay-trace';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

test('the replay-only event field is the one the runtime reads, the trace field the one it writes', () => {
  expect(REPLAY_ONLY_EVENT_KEY).toBe(RUNTIME_KEY);
  expect(REPLAY_TRACE_OUTPUT_KEY).toBe(RUNTIME_TRACE_KEY);
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
  const { operations, warnings, inferredReplayChildren } = recordedState(events);
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
  // A compact summary is known to mean a rebuild: not an inference.
  expect(inferredReplayChildren).toEqual([]);
});

test('a context that succeeded without a result is rebuilt, but what it recorded need not be reached', () => {
  const events: Event[] = [
    { EventType: 'ExecutionStarted', EventId: 1, EventTimestamp: at(0), Id: 'exec', ExecutionStartedDetails: { Input: { Payload: '{}' }, ExecutionTimeout: 60 } },
    { EventType: 'ContextStarted', EventId: 2, EventTimestamp: at(1), Id: 'c', Name: 'audit', SubType: 'RunInChildContext', ContextStartedDetails: {} },
    { EventType: 'StepStarted', EventId: 3, EventTimestamp: at(1), Id: 'c1', ParentId: 'c', Name: 'log', SubType: 'Step', StepStartedDetails: {} },
    { EventType: 'StepSucceeded', EventId: 4, EventTimestamp: at(1), Id: 'c1', ParentId: 'c', Name: 'log', SubType: 'Step', StepSucceededDetails: { Result: undefined, RetryDetails: { CurrentAttempt: 1 } } },
    { EventType: 'ContextSucceeded', EventId: 5, EventTimestamp: at(2), Id: 'c', Name: 'audit', SubType: 'RunInChildContext', ContextSucceededDetails: { Result: undefined } },
    { EventType: 'StepStarted', EventId: 6, EventTimestamp: at(3), Id: 's', Name: 'notify', SubType: 'Step', StepStartedDetails: {} },
  ];
  const { operations, inferredReplayChildren } = recordedState(events);
  expect(operations[1].ContextDetails?.ReplayChildren).toBe(true);
  expect(inferredReplayChildren).toEqual(['c']);
  const lenient = new Set(inferredReplayChildren);
  // Reached the context but not its step: excused. Not reaching the step after it is not.
  expect(firstUnreached(operations, { visited: ['c', 's'], answered: [], invokeTargets: {} }, lenient)).toBeUndefined();
  expect(firstUnreached(operations, { visited: ['c'], answered: [], invokeTargets: {} }, lenient)).toMatchObject({ operation: { Id: 's' }, position: 2, count: 1 });
  // A context answered from its record excuses everything under it; an unreached context is reported before its children.
  expect(firstUnreached(operations, { visited: ['s'], answered: ['c'], invokeTargets: {} }, new Set())).toBeUndefined();
  expect(firstUnreached(operations, { visited: ['s'], answered: [], invokeTargets: {} }, lenient)).toMatchObject({ operation: { Id: 'c' }, position: 1, count: 2 });
});
