/**
 * `npm start`: the six parallel scenarios on the local durable-execution service.
 *
 * Synthesizes the integ app (bundling every scenario with the DurableFunction construct), takes
 * each scenario's bundle from the cloud assembly, registers it on an embedded local service
 * running on a virtual clock, starts one execution per scenario through the `live` alias and
 * checks it with the same assertion modules the deployed integ test uses. Prints a summary table
 * and each scenario's operation timeline; exits with 1 when any check fails.
 *
 * Options: `--real-clock` runs durable waits in real time; `--fresh-process` runs every
 * invocation in a new process.
 *
 * @example
 * // npm start
 * // npm start -- --real-clock
 */
import { formatReport, formatSummaryTable } from '../integ/assertions';
import { runScenariosLocally } from '../integ/local-backend/run-locally';
import { exitWith } from '../local/exit-code';
import { formatTimeline } from '../local/timeline';

async function main(): Promise<number> {
  const args = new Set(process.argv.slice(2));
  const unknown = [...args].filter((arg) => arg !== '--real-clock' && arg !== '--fresh-process');
  if (unknown.length > 0) {
    console.error(`Unknown option(s): ${unknown.join(' ')}. Use --real-clock and/or --fresh-process.`);
    return 2;
  }
  const started = Date.now();
  const { reports } = await runScenariosLocally({
    clock: args.has('--real-clock') ? 'real' : 'virtual',
    freshProcessPerInvocation: args.has('--fresh-process'),
    onProgress: (message) => console.log(message),
  });

  console.log(`\n${formatSummaryTable(reports)}\n`);
  for (const report of reports) {
    console.log(`── ${report.scenario} (${report.status ?? 'not started'}) ──`);
    console.log(report.history.length > 0 ? formatTimeline(report.history) : '(no history)');
    if (!report.passed) {
      console.log(`\n${formatReport(report, { withHistory: true })}`);
    }
    console.log('');
  }
  const failed = reports.filter((report) => !report.passed);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    failed.length === 0
      ? `All ${reports.length} scenarios passed every check (${seconds} s).`
      : `${failed.length} of ${reports.length} scenarios failed: ${failed.map((report) => report.scenario).join(', ')} (${seconds} s).`,
  );
  return failed.length === 0 ? 0 : 1;
}

void exitWith(main());
