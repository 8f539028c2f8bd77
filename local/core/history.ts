/**
 * The history of one execution: events with sequential EventIds, exactly one details member each,
 * named after the event type (protocol.md §5).
 */
import type { ErrorObject, Event, EventError, EventResult, EventType } from '@aws-sdk/client-lambda';
import { deepCopy } from './clone';

/** The details member type of an event type, e.g. `StepFailedDetails` for `StepFailed`. */
export type DetailsOf<T extends EventType> = NonNullable<Event[`${T}Details` & keyof Event]>;

/** The operation fields an event copies (§5.1). */
export interface EventSubject {
  readonly Id?: string;
  readonly ParentId?: string;
  readonly Name?: string;
  readonly SubType?: string;
}

/**
 * `EventResult` for a payload; the member stays present (required by the model) when the payload is
 * absent. `Truncated` is always written (§5.1); this service stores payloads whole, so it is false.
 */
export function eventResult(payload: string | undefined): EventResult {
  return payload === undefined ? { Truncated: false } : { Payload: payload, Truncated: false };
}

/** `EventError` for an error object (`{Truncated: false}` when there is none). */
export function eventError(error: ErrorObject | undefined): EventError {
  return error === undefined ? { Truncated: false } : { Payload: deepCopy(error), Truncated: false };
}

/**
 * Writes `Truncated: false` on every Input / Result / Error shape of an event's details that does
 * not say already, whichever code built the details (§5.1: the service writes it on all of them).
 */
function markUntruncated(details: unknown): void {
  if (!details || typeof details !== 'object') return;
  for (const member of DATA_MEMBERS) {
    const shape = (details as Record<string, unknown>)[member];
    if (shape && typeof shape === 'object' && (shape as { Truncated?: unknown }).Truncated === undefined) {
      (shape as { Truncated?: boolean }).Truncated = false;
    }
  }
}

/**
 * The append-only event list of one execution.
 *
 * @example
 * const log = new HistoryLog();
 * log.append('StepStarted', now, op, {});
 */
export class HistoryLog {
  private readonly events: Event[] = [];

  /** Appends an event with the next EventId. */
  append<T extends EventType>(type: T, at: number, subject: EventSubject | undefined, details: DetailsOf<T>): Event {
    const event: Event = { EventType: type, EventId: this.events.length + 1, EventTimestamp: new Date(at) };
    if (subject?.Id !== undefined) event.Id = subject.Id;
    if (subject?.ParentId !== undefined) event.ParentId = subject.ParentId;
    if (subject?.Name !== undefined) event.Name = subject.Name;
    if (subject?.SubType !== undefined) event.SubType = subject.SubType;
    markUntruncated(details);
    (event as Record<string, unknown>)[`${type}Details`] = details;
    this.events.push(event);
    return event;
  }

  /** Number of events (= the last EventId). */
  get length(): number {
    return this.events.length;
  }

  /** A copy of the event with that EventId (1-based). */
  at(eventId: number): Event {
    return deepCopy(this.events[eventId - 1]);
  }

  /** Copies of every event, oldest first. */
  all(): Event[] {
    return deepCopy(this.events);
  }
}

const DATA_MEMBERS = ['Input', 'Result', 'Error'] as const;

/**
 * Removes every `Payload` of the event's Input / Result / Error shapes in place
 * (`IncludeExecutionData=false`, §5.1), keeping the shapes themselves.
 */
export function stripExecutionData(event: Event): Event {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('Details') && value && typeof value === 'object') {
      for (const member of DATA_MEMBERS) {
        const shape = (value as Record<string, unknown>)[member];
        if (shape && typeof shape === 'object') {
          delete (shape as Record<string, unknown>).Payload;
        }
      }
    }
  }
  return event;
}
