/**
 * Text renderings of scenario reports for terminals and CI logs.
 *
 * @example
 * console.log(formatSummaryTable(reports));
 * for (const r of reports.filter((r) => !r.passed)) console.log(formatReport(r, { withHistory: true }));
 */
import { formatHistory } from './history';
import type { ScenarioReport } from './scenario';

/** How much of a report to print. */
export interface FormatReportOptions {
  /** Append the full history, one line per event. Default false. */
  readonly withHistory?: boolean;
}

/**
 * A fixed-width table: scenario, status, invocations, operations, checks passed.
 *
 * @example
 * // scenario            status     invocations  operations  checks
 * // happy-path          SUCCEEDED            1           4  13/13
 */
export function formatSummaryTable(reports: readonly ScenarioReport[]): string {
  const rows = [
    ['scenario', 'status', 'invocations', 'operations', 'checks', ''],
    ...reports.map((report) => [
      report.scenario,
      report.status ?? 'NOT STARTED',
      String(report.invocationCount),
      String(report.operationCount),
      `${report.checks.filter((check) => check.passed).length}/${report.checks.length}`,
      report.passed ? 'PASS' : 'FAIL',
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const numeric = new Set([2, 3]);
  return rows
    .map((row) =>
      row
        .map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** One report: identity, outcome, every check with its details and, optionally, the history. */
export function formatReport(report: ScenarioReport, options: FormatReportOptions = {}): string {
  const lines = [
    `${report.passed ? 'PASS' : 'FAIL'} ${report.scenario} (${report.functionName}, execution ${report.executionName})`,
    `  arn: ${report.executionArn ?? '-'}`,
    `  status: ${report.status ?? '-'}; ${report.invocationCount} invocation(s), ${report.operationCount} operation(s), ` +
      `${report.history.length} event(s) in ${report.historyPages} page(s)` +
      (report.durableDurationMs === undefined ? '' : `, ${report.durableDurationMs} ms of service time`),
  ];
  if (report.error) {
    lines.push(`  error: ${report.error.ErrorType ?? ''}: ${report.error.ErrorMessage ?? ''}`);
  } else if (report.result !== undefined) {
    lines.push(`  result: ${JSON.stringify(report.result)}`);
  }
  for (const check of report.checks) {
    lines.push(`  ${check.passed ? 'ok  ' : 'FAIL'} ${check.name} — ${check.details}`);
  }
  if (options.withHistory) {
    lines.push('  history:', ...formatHistory(report.history).split('\n').map((line) => `    ${line}`));
  }
  return lines.join('\n');
}
