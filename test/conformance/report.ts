/**
 * Text rendering of conformance results: one headline per requirement, its details indented under
 * it, and a closing `N passed, N failed` line.
 *
 * Example:
 * ```ts
 * process.stdout.write(formatReport(reports));
 * // PASS       1.1   Step basic (succeeds on first attempt)
 * // …
 * // 38 passed, 0 failed, 4 divergent, 3 partial
 * ```
 */
import type { Verdict } from './verdict';

/** The result of one requirement, ready to print. */
export interface RequirementReport {
  readonly id: string;
  /** The requirement file, relative to the requirements folder. */
  readonly file: string;
  readonly description: string;
  readonly optional: boolean;
  readonly verdict: Verdict;
}

/** How many differences a FAIL line shows before summarising the rest. */
export const MAX_SHOWN_DIFFERENCES = 5;

/** The detail lines of one requirement (without indentation). */
export function detailLines(r: RequirementReport, maxDifferences = MAX_SHOWN_DIFFERENCES): string[] {
  const v = r.verdict;
  const lines: string[] = [];
  if (v.status === 'FAIL') {
    lines.push(...v.failures.slice(0, maxDifferences));
    if (v.failures.length > maxDifferences) lines.push(`… and ${v.failures.length - maxDifferences} more differences`);
  }
  for (const d of v.divergences) {
    lines.push(`divergent: ${d.path} = ${d.actual === undefined ? 'absent' : JSON.stringify(d.actual)}: ${d.reason}`);
  }
  for (const u of v.unchecked) lines.push(`not checked: ${u}`);
  return lines;
}

/** The headline of one requirement: status, id, description. */
export function headline(r: RequirementReport): string {
  const optional = r.optional ? ' [optional]' : '';
  return `${r.verdict.status.padEnd(10)} ${r.id.padEnd(5)} ${r.description}${optional} (${r.file})`;
}

/** Counts per status, and the closing line (`N passed, N failed, …`). */
export function summaryLine(reports: readonly RequirementReport[]): string {
  const count = (s: string): number => reports.filter((r) => r.verdict.status === s).length;
  return `${count('PASS')} passed, ${count('FAIL')} failed, ${count('DIVERGENT')} divergent, ${count('PARTIAL')} partial`;
}

/** The whole report: every requirement with its details, then the closing line. */
export function formatReport(reports: readonly RequirementReport[], maxDifferences = MAX_SHOWN_DIFFERENCES): string {
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(headline(r));
    for (const d of detailLines(r, maxDifferences)) lines.push(`           - ${d}`);
  }
  lines.push(summaryLine(reports));
  return `${lines.join('\n')}\n`;
}
