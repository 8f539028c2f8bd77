/**
 * `npm run soak`: a long soak of the local service and the runtime under injected faults.
 *
 *   npm run soak                       # 600 executions, seed 1
 *   npm run soak -- --executions 100 --seed 42 --fault-rate 0.2 --crash-rate 0.1 --map-size 50
 *
 * Prints the executions, the faults by kind and four counts that must all be zero: lost, wrong and
 * duplicated effects, and spurious failed invocations (failed invocations no fault explains).
 * Exits 1 when any of them is not.
 */
import { formatSoakReport, runSoak } from './run-soak';

function numberArg(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`--${name} needs a number >= 0; got ${JSON.stringify(args[at + 1])}.`);
  }
  return value;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    console.log('usage: npm run soak -- [--executions N] [--seed N] [--fault-rate P] [--crash-rate P] [--map-size N] [--concurrency N]');
    return;
  }
  const executions = Math.floor(numberArg(args, 'executions', 600));
  const seed = Math.floor(numberArg(args, 'seed', 1));
  const started = Date.now();
  let lastPrinted = 0;
  console.log(`soak: ${executions} executions of 5 workflows, seed ${seed}`);
  const report = await runSoak({
    executions,
    seed,
    faultRate: numberArg(args, 'fault-rate', 0.15),
    crashRate: numberArg(args, 'crash-rate', 0.1),
    mapSize: Math.floor(numberArg(args, 'map-size', 50)),
    concurrency: Math.floor(numberArg(args, 'concurrency', 20)),
    onProgress: (done, total) => {
      if (done === total || Date.now() - lastPrinted > 2000) {
        lastPrinted = Date.now();
        console.log(`  ${done}/${total} executions finished (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      }
    },
  });
  console.log(formatSoakReport(report));
  console.log(`took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (report.lost + report.wrong + report.duplicated + report.spuriousFailedInvocations > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
