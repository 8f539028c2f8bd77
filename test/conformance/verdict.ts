/**
 * Turns the differences of one requirement into its verdict: PASS, PARTIAL, DIVERGENT or FAIL.
 *
 * A difference is accepted only when it is declared, field by field, with the actual value it must
 * have and a one-line reason (see `divergences.ts`). A declared difference that does not occur is a
 * failure too, so declarations cannot outlive the behaviour they describe.
 *
 * Example:
 * ```ts
 * decideVerdict([], [], []).status;                      // 'PASS'
 * decideVerdict([], [], ['ExpectedLogs']).status;        // 'PARTIAL'
 * ```
 */
import { deepEqual, describeValue, Difference } from './matcher';

/** The outcome of one requirement. */
export type VerdictStatus = 'PASS' | 'PARTIAL' | 'DIVERGENT' | 'FAIL';

/** One deliberate, field-level difference from a recorded requirement. */
export interface DeclaredDivergence {
  /** The difference's path, as the comparison reports it (`history[EventId=7].EventType`). */
  readonly path: string;
  /** The value this project produces there (`undefined` = the field is absent). */
  readonly actual: unknown;
  /** Why, in one line. */
  readonly reason: string;
}

/** The verdict of one requirement with everything a report line needs. */
export interface Verdict {
  readonly status: VerdictStatus;
  /** Differences nobody declared, or problems that prevented the comparison. */
  readonly failures: readonly string[];
  /** Declared differences that did occur. */
  readonly divergences: readonly DeclaredDivergence[];
  /** Expectations the runner could not check. */
  readonly unchecked: readonly string[];
}

/** A one-line rendering of a difference: `path: expected X, got Y (problem)`. */
export function describeDifference(d: Difference): string {
  return `${d.path}: expected ${describeValue(d.expected)}, got ${describeValue(d.actual)} (${d.problem})`;
}

/**
 * Classifies a requirement from its differences, its declared divergences and what was left
 * unchecked.
 */
export function decideVerdict(
  differences: readonly Difference[],
  declared: readonly DeclaredDivergence[],
  unchecked: readonly string[],
): Verdict {
  const failures: string[] = [];
  const occurred = new Set<DeclaredDivergence>();
  for (const d of differences) {
    const decl = declared.find((v) => v.path === d.path && deepEqual(v.actual, d.actual));
    if (decl) occurred.add(decl);
    else failures.push(describeDifference(d));
  }
  for (const v of declared) {
    if (!occurred.has(v)) {
      failures.push(`declared divergence did not occur: ${v.path} = ${describeValue(v.actual)} (${v.reason}); remove the declaration`);
    }
  }
  const divergences = declared.filter((v) => occurred.has(v));
  let status: VerdictStatus;
  if (failures.length > 0) status = 'FAIL';
  else if (divergences.length > 0) status = 'DIVERGENT';
  else if (unchecked.length > 0) status = 'PARTIAL';
  else status = 'PASS';
  return { status, failures, divergences, unchecked };
}

/** A verdict for a requirement that could not be run at all. */
export function failedVerdict(problem: string, unchecked: readonly string[] = []): Verdict {
  return { status: 'FAIL', failures: [problem], divergences: [], unchecked };
}
