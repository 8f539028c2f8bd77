/**
 * Comparison of one execution's outcome (status, result or error, history) with a requirement.
 *
 * Example:
 * ```ts
 * const diffs = compareOutcome(requirement, outcome, bindingsFromVariables(vars));
 * ```
 */
import type { ErrorObject, Event } from '@aws-sdk/client-lambda';
import { Bindings, Difference, matchValue } from './matcher';
import type { Requirement } from './requirement';

/** What a run produced, as read back through the service's public API. */
export interface ExecutionOutcome {
  readonly status: string;
  /** The execution's result as the service returns it: JSON text, or undefined when none. */
  readonly resultText?: string;
  readonly error?: ErrorObject;
  readonly history: readonly Event[];
}

/** Starts the bindings of a comparison from the generated variables. */
export function bindingsFromVariables(vars: Readonly<Record<string, string>>): Bindings {
  return new Map(Object.entries(vars));
}

/** The path under which an expected event's fields are reported. */
export function eventPath(eventId: number): string {
  return `history[EventId=${eventId}]`;
}

function parseResult(text: string | undefined): { value: unknown; problem?: string } {
  if (text === undefined || text === '') return { value: undefined };
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    return { value: text, problem: `the execution result is not JSON text (${(e as Error).message})` };
  }
}

/**
 * Every difference between the outcome and the requirement. History events are matched by EventId
 * first (binding ids and names), then the status, the result and the error.
 */
export function compareOutcome(req: Requirement, outcome: ExecutionOutcome, bindings: Bindings): Difference[] {
  const out: Difference[] = [];
  const byId = new Map<number, Event>();
  for (const ev of outcome.history) if (ev.EventId !== undefined) byId.set(ev.EventId, ev);
  for (const expected of req.expectedHistory) {
    const path = eventPath(expected.EventId);
    const actual = byId.get(expected.EventId);
    if (!actual) {
      out.push({
        path, expected: expected.EventType, actual: undefined,
        problem: `no event with this EventId (the history has ${outcome.history.length} events)`,
      });
      continue;
    }
    matchValue(expected, actual, path, bindings, out);
  }
  const er = req.expectedResult;
  if (er) {
    matchValue(er.ExecutionStatus, outcome.status, 'ExecutionStatus', bindings, out);
    if (er.hasResult) {
      const parsed = parseResult(outcome.resultText);
      if (parsed.problem) {
        out.push({ path: 'Result', expected: er.Result, actual: outcome.resultText, problem: parsed.problem });
      } else {
        matchValue(er.Result, parsed.value, 'Result', bindings, out);
      }
    }
    if (er.hasError) matchValue(er.Error, outcome.error, 'Error', bindings, out);
  }
  return out;
}
