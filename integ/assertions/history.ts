/**
 * Queries over a durable execution's history events (protocol.md §5), as the
 * `GetDurableExecutionHistory` API returns them.
 *
 * @example
 * const started = eventsOf(history, 'ContextStarted', { subType: 'ParallelBranch' });
 * const names = started.map((e) => e.Name);
 * const payload = resultPayload(eventsOf(history, 'ExecutionSucceeded')[0]);
 */
import type { ErrorObject, Event, EventType } from '@aws-sdk/client-lambda';

/** Narrows events by operation fields; every given field must match. */
export interface EventFilter {
  readonly name?: string;
  readonly subType?: string;
  readonly parentId?: string;
  readonly id?: string;
}

/** The execution-level terminal event types. */
export const TERMINAL_EXECUTION_EVENTS: readonly EventType[] = [
  'ExecutionSucceeded',
  'ExecutionFailed',
  'ExecutionTimedOut',
  'ExecutionStopped',
];

/** The events of one type (optionally narrowed), in history order. */
export function eventsOf(history: readonly Event[], type: EventType, filter: EventFilter = {}): Event[] {
  return history.filter(
    (event) =>
      event.EventType === type &&
      (filter.name === undefined || event.Name === filter.name) &&
      (filter.subType === undefined || event.SubType === filter.subType) &&
      (filter.parentId === undefined || event.ParentId === filter.parentId) &&
      (filter.id === undefined || event.Id === filter.id),
  );
}

/**
 * How many events of a type (optionally narrowed) the history holds.
 *
 * @example
 * countOf(history, 'ContextFailed', { name: 'boom' }); // 1
 */
export function countOf(history: readonly Event[], type: EventType, filter: EventFilter = {}): number {
  return eventsOf(history, type, filter).length;
}

/**
 * The Names of the given events, in order (events without a Name are skipped).
 *
 * @example
 * namesOf(eventsOf(history, 'ContextStarted')); // ['fanout', 'alpha', 'beta', 'gamma']
 */
export function namesOf(events: readonly Event[]): string[] {
  return events.flatMap((event) => (event.Name === undefined ? [] : [event.Name]));
}

/** The `<EventType>Details` member of an event, whatever its type. */
function detailsOf(event: Event): Record<string, unknown> | undefined {
  const details: unknown = (event as Record<string, unknown>)[`${event.EventType}Details`];
  return typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : undefined;
}

/**
 * The raw `Result.Payload` text of a *Succeeded event, if it carries one.
 *
 * @example
 * resultText(eventsOf(history, 'StepSucceeded')[0]); // '"3f2a…"'
 */
export function resultText(event: Event | undefined): string | undefined {
  const result = event ? detailsOf(event)?.Result : undefined;
  if (typeof result !== 'object' || result === null) {
    return undefined;
  }
  const payload = (result as Record<string, unknown>).Payload;
  return typeof payload === 'string' ? payload : undefined;
}

/**
 * The parsed `Result.Payload` of a *Succeeded event; `undefined` when absent or not JSON.
 *
 * @example
 * resultPayload(eventsOf(history, 'ExecutionSucceeded')[0]); // ['alpha-o-1', 'beta-o-1', 'gamma-o-1']
 */
export function resultPayload(event: Event | undefined): unknown {
  return parseJson(resultText(event));
}

/**
 * The `Error.Payload` error object of a *Failed event.
 *
 * @example
 * errorOf(eventsOf(history, 'ContextFailed', { name: 'boom' })[0])?.ErrorMessage; // 'intentional partial failure'
 */
export function errorOf(event: Event | undefined): ErrorObject | undefined {
  const error = event ? detailsOf(event)?.Error : undefined;
  if (typeof error !== 'object' || error === null) {
    return undefined;
  }
  const payload = (error as Record<string, unknown>).Payload;
  return typeof payload === 'object' && payload !== null ? (payload as ErrorObject) : undefined;
}

/**
 * Parses JSON text, returning `undefined` for absent or malformed text instead of throwing.
 *
 * @example
 * parseJson('{"a":1}'); // { a: 1 }
 * parseJson('not json'); // undefined
 */
export function parseJson(text: string | undefined): unknown {
  if (text === undefined) {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The number of invocations the execution took (one InvocationCompleted per invocation).
 *
 * @example
 * invocationCount(history); // 2 for an execution that suspended once
 */
export function invocationCount(history: readonly Event[]): number {
  return countOf(history, 'InvocationCompleted');
}

/**
 * The number of operations the workflow created: distinct operation Ids among the
 * non-execution, non-invocation events (the EXECUTION operation itself is not counted).
 *
 * @example
 * operationCount(history); // 4 for a parallel with three branches
 */
export function operationCount(history: readonly Event[]): number {
  const ids = new Set<string>();
  for (const event of history) {
    const type = event.EventType ?? '';
    if (event.Id !== undefined && !type.startsWith('Execution') && type !== 'InvocationCompleted') {
      ids.add(event.Id);
    }
  }
  return ids.size;
}

/**
 * The largest number of branches of a batch that were open at the same time, replaying the
 * history's ContextStarted / Context{Succeeded,Failed} events for the batch's direct children.
 *
 * @example
 * maxOpenChildren(history, throttledId); // 2 with maxConcurrency: 2
 */
export function maxOpenChildren(history: readonly Event[], parentId: string): number {
  let open = 0;
  let max = 0;
  for (const event of history) {
    if (event.ParentId !== parentId) {
      continue;
    }
    if (event.EventType === 'ContextStarted') {
      open += 1;
      max = Math.max(max, open);
    } else if (event.EventType === 'ContextSucceeded' || event.EventType === 'ContextFailed') {
      open -= 1;
    }
  }
  return max;
}

/**
 * One line per event, for logs of failing runs.
 *
 * @example
 * // "  3 ContextStarted      ParallelBranch  alpha  id=1-1 parent=1"
 */
export function formatHistory(history: readonly Event[]): string {
  return history
    .map((event) => {
      const parts = [
        String(event.EventId ?? '?').padStart(3),
        (event.EventType ?? '?').padEnd(20),
        (event.SubType ?? '').padEnd(15),
        (event.Name ?? '').padEnd(12),
      ];
      if (event.Id !== undefined) {
        parts.push(`id=${event.Id.slice(0, 8)}`);
      }
      if (event.ParentId !== undefined) {
        parts.push(`parent=${event.ParentId.slice(0, 8)}`);
      }
      const error = errorOf(event);
      const result = resultText(event);
      if (error) {
        parts.push(`error=${error.ErrorType ?? ''}: ${error.ErrorMessage ?? ''}`);
      } else if (result !== undefined) {
        parts.push(`result=${result.length > 80 ? `${result.slice(0, 77)}...` : result}`);
      }
      return parts.join(' ').trimEnd();
    })
    .join('\n');
}
