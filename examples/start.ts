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
 * invocation in a new process; `--ui` then keeps the service running and serves the execution
 * viewer on loopback until Ctrl-C.
 *
 * @example
 * // npm start
 * // npm start -- --real-clock
 * // npm start -- --ui
 */
import { formatReport, formatSummaryTable } from '../integ/assertions';
import type { ScenarioReport } from '../integ/assertions/scenario';
import { runScenariosLocally } from '../integ/local-backend/run-locally';
import { exitWith } from '../local/exit-code';
import { formatTimeline } from '../local/timeline';
import { startViewer } from '../local/viewer';

const OPTIONS = new Set(['--real-clock', '--fresh-process', '--ui']);

async function main(): Promise<number> {
  const args = new Set(process.argv.slice(2));
  const unknown = [...args].filter((arg) => !OPTIONS.has(arg));
  if (unknown.length > 0) {
    console.error(`Unknown option(s): ${unknown.join(' ')}. Use --real-clock, --fresh-process and/or --ui.`);
    return 2;
  }
  const started = Date.now();
  const { reports } = await runScenariosLocally({
    clock: args.has('--real-clock') ? 'real' : 'virtual',
    freshProcessPerInvocation: args.has('--fresh-process'),
    onProgress: (message) => console.log(message),
    beforeStop: args.has('--ui')
      ? async (service, finished) => {
          printReports(finished);
          const viewer = await startViewer({ source: service.viewerSource(), title: 'Parallel scenarios (local service)' });
          console.log(`\nExecution viewer: ${viewer.url}  (Ctrl-C to stop)`);
          await untilInterrupted();
          await viewer.close();
        }
      : undefined,
  });

  if (!args.has('--ui')) printReports(reports);
  const failed = reports.filter((report) => !report.passed);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    failed.length === 0
      ? `All ${reports.length} scenarios passed every check (${seconds} s).`
      : `${failed.length} of ${reports.length} scenarios failed: ${failed.map((report) => report.scenario).join(', ')} (${seconds} s).`,
  );
  return failed.length === 0 ? 0 : 1;
}

/** The summary table, then each scenario's timeline (and its report when it failed). */
function printReports(reports: readonly ScenarioReport[]): void {
  console.log(`\n${formatSummaryTable(reports)}\n`);
  for (const report of reports) {
    console.log(`── ${report.scenario} (${report.status ?? 'not started'}) ──`);
    console.log(report.history.length > 0 ? formatTimeline(report.history) : '(no history)');
    if (!report.passed) {
      console.log(`\n${formatReport(report, { withHistory: true })}`);
    }
    console.log('');
  }
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

void exitWith(main());
