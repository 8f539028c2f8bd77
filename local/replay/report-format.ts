/**
 * The replay gate's report in words, one block per history.
 */
import { describe, type ReplayReport } from './replay-engine';

/**
 * One history's verdict, e.g.
 *
 *     ✘ histories/order-2.json (order-2): DIVERGENT
 *       operation #3 of the root context: recorded STEP "charge" (Step), new code asks for STEP "charge-card" (Step)
 *       at src/orders.ts:14:13
 *
 *     ✘ histories/order-3.json (order-3): DIVERGENT
 *       operation #4 of the root context: recorded STEP "notify" (Step), never reached by the new code; instead it completed (SUCCEEDED)
 *
 * @example
 * process.stdout.write(formatReplayReport(report));
 */
export function formatReplayReport(report: ReplayReport): string {
  const head = `${report.source} (${report.executionName}, recorded ${report.recordedStatus}, ${report.recordedOperations} operations)`;
  const lines: string[] = [];
  if (report.verdict === 'compatible') {
    lines.push(`✔ ${head}: compatible`);
    if (report.appended.length > 0) {
      lines.push(`  new operations after the recorded end (the new code's future): ${report.appended.map((op) => describe(op) + (op.parent ? ` in ${op.parent}` : '')).join(', ')}`);
    }
  } else if (report.verdict === 'divergent' && report.divergence) {
    const d = report.divergence;
    lines.push(`✘ ${head}: DIVERGENT (NonDeterministicError)`);
    if (d.field === 'NeverReached') {
      const more = (d.unreachedCount ?? 1) > 1 ? ` (${d.unreachedCount} recorded operations not reached)` : '';
      lines.push(`  ${d.where}: recorded ${describe(d.recorded)}, never reached by the new code; instead ${d.instead ?? 'it ended'}${more}`);
    } else if (d.field === 'FunctionName') {
      lines.push(`  ${d.where}: recorded ${describe(d.recorded)} invoking ${JSON.stringify(d.recorded.target)}, new code invokes ${JSON.stringify(d.requested.target)}`);
    } else {
      lines.push(`  ${d.where}: recorded ${describe(d.recorded)}, new code asks for ${describe(d.requested)}`);
    }
    if (d.location) lines.push(`  at ${d.location}`);
  } else {
    lines.push(`✘ ${head}: FAILED on replay`);
    lines.push(`  ${report.error?.ErrorType ?? 'Error'}: ${report.error?.ErrorMessage ?? '(no message)'}`);
  }
  for (const warning of report.warnings) lines.push(`  warning: ${warning}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Every history's verdict and a last line with the totals.
 *
 * @example
 * console.log(formatReplayReports(await replayHistories(options)));
 */
export function formatReplayReports(reports: readonly ReplayReport[]): string {
  const compatible = reports.filter((r) => r.verdict === 'compatible').length;
  const divergent = reports.filter((r) => r.verdict === 'divergent').length;
  const failed = reports.length - compatible - divergent;
  return `${reports.map(formatReplayReport).join('')}\n${reports.length} histories: ${compatible} compatible, ${divergent} divergent, ${failed} failed on replay.\n`;
}
