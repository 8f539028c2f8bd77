/**
 * `npm run bench`: runs every workload on this package's runtime and on the official AWS runtime
 * (`@aws/durable-execution-sdk-js`), in one run, on the local durable-execution service with its
 * virtual clock, then prints a markdown table (ours, official, ratio) and writes the raw numbers
 * to `bench/results/<date>-<machine>.json` (and the table next to it as `.md`; a later run of the
 * same day gets `-b`, `-c`, …).
 *
 * Both runtimes run the same workflows, bundled by the same esbuild call, against the same service,
 * each execution in a fresh function process; executions of the two runtimes alternate so that a
 * change in machine load hits both alike. Every execution's result is checked against the
 * expected value, so both runtimes are shown to compute the same thing; any mismatch or failed
 * execution stops the run with exit code 1.
 *
 * Options: `--only steps-200,map-1000` (workload ids; `startup` for bundle size and cold start,
 * `test-loop` for the workflow-test loop), `--reps N` (executions per workload and runtime,
 * overriding the catalog), `--cold-starts N` (default 10), `--test-loop-rounds N` (default 5),
 * `--out FILE` (results file), `--no-write`.
 *
 * @example
 * npm run bench
 * npm run bench -- --only steps-200,startup --reps 3
 */
import { isDeepStrictEqual, parseArgs } from 'node:util';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalDurableService } from '../local';
import { bundleWorkload } from './harness/bundle';
import { measureStartup, StartupFigures } from './harness/cold-start';
import { ExecutionFigures, runExecution } from './harness/execution';
import { describeMachine, machineSlug } from './harness/machine';
import { freeResultsFile } from './harness/results-file';
import { bytesFloor } from './harness/bytes-floor';
import { protocolMinimum } from './harness/protocol-minimum';
import { BenchmarkResults, formatTable, summarizeRuntime, WorkloadResult } from './harness/report';
import { measureTestLoop, TestLoopResult } from './harness/test-loop';
import { TrafficMeter } from './harness/traffic';
import { formatViewerBench } from './harness/viewer';
import { RUNTIMES, RuntimeName, Workload, WORKLOADS } from './workloads/catalog';
import { formatConcurrentWaits, measureConcurrentWaits, type ConcurrentWaitsFigures } from './workloads/concurrent-waits';

const LAYOUT =
  'Local durable service (virtual clock) in the bench process; each execution registers its function afresh with ' +
  'nodeBinary set, so it runs in its own new child process, reused for that execution\'s later invocations. ' +
  'Bundles: esbuild, CommonJS, node20, minified with names kept, @aws-sdk/* external (resolved from node_modules); ' +
  'the startup rows add SDK-bundled shapes (ours: the construct\'s bundler; official: esbuild\'s defaults, as NodejsFunction). ' +
  'Executions of the two runtimes alternate (ABBA) within each workload and each round of cold starts.';

/** A failed check: the run stops and says why. */
class BenchmarkFailure extends Error {
  override readonly name = 'BenchmarkFailure';
}

interface Options {
  readonly only: ReadonlySet<string> | undefined;
  readonly reps: number | undefined;
  readonly coldStarts: number;
  readonly testLoopRounds: number;
  readonly out: string | undefined;
  readonly write: boolean;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      reps: { type: 'string' },
      'cold-starts': { type: 'string' },
      'test-loop-rounds': { type: 'string' },
      out: { type: 'string' },
      'no-write': { type: 'boolean' },
    },
  });
  const positive = (text: string | undefined, option: string): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) {
      throw new BenchmarkFailure(`--${option} must be a positive integer; got '${text}'.`);
    }
    return n;
  };
  const only = values.only === undefined ? undefined : new Set(values.only.split(',').map((id) => id.trim()));
  const known = new Set([...WORKLOADS.map((w) => w.id), 'startup', 'test-loop', 'concurrent-waits', 'viewer']);
  for (const id of only ?? []) {
    if (!known.has(id)) {
      throw new BenchmarkFailure(`--only: unknown workload '${id}'; choose from ${[...known].join(', ')}.`);
    }
  }
  return {
    only,
    reps: positive(values.reps, 'reps'),
    coldStarts: positive(values['cold-starts'], 'cold-starts') ?? 10,
    testLoopRounds: positive(values['test-loop-rounds'], 'test-loop-rounds') ?? 5,
    out: values.out,
    write: values['no-write'] !== true,
  };
}

/** Handler output, kept only to explain a failure. */
class OutputTail {
  private lines: string[] = [];
  readonly sink = (stream: 'stdout' | 'stderr', text: string): void => {
    this.lines.push(...text.split('\n').filter((line) => line !== '').map((line) => `[${stream}] ${line}`));
    if (this.lines.length > 400) this.lines = this.lines.slice(-200);
  };
  tail(): string {
    return this.lines.slice(-40).join('\n');
  }
}

const progress = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

async function main(): Promise<void> {
  const options = parseOptions();
  const startedAt = new Date();
  const machine = describeMachine();
  progress(`bench: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}`);
  const buildDir = path.join(__dirname, '.build');
  fs.rmSync(buildDir, { recursive: true, force: true });
  fs.mkdirSync(buildDir, { recursive: true });

  const meter = new TrafficMeter();
  const output = new OutputTail();
  const svc = await LocalDurableService.start({ handlerOutput: output.sink, onRequest: meter.observer });
  const workloads: WorkloadResult[] = [];
  const startup: Partial<Record<RuntimeName, StartupFigures>> = {};
  let testLoop: TestLoopResult | undefined;
  let concurrentWaits: ConcurrentWaitsFigures | undefined;
  try {
    for (const workload of WORKLOADS.filter((w) => options.only === undefined || options.only.has(w.id))) {
      workloads.push(await runWorkload(svc, meter, output, workload, options.reps ?? workload.repetitions, buildDir));
    }
    if (options.only === undefined || options.only.has('concurrent-waits')) {
      progress('concurrent-waits: 100 concurrent executions, each with a 1-hour wait');
      concurrentWaits = await measureConcurrentWaits(svc, buildDir, 100, progress);
    }
    if (options.only === undefined || options.only.has('startup')) {
      progress('startup: bundle size and cold start of a one-step workflow');
      Object.assign(startup, await measureStartup(svc, buildDir, options.coldStarts, progress));
    }
    if (options.only === undefined || options.only.has('test-loop')) {
      progress(`test-loop: five workflow tests per run, ${options.testLoopRounds} runs per mode, each in a fresh process`);
      testLoop = await measureTestLoop(buildDir, options.testLoopRounds, progress);
    }
  } finally {
    await svc.stop();
  }

  const table = formatTable(workloads, startup, testLoop) + (concurrentWaits ? `\n\n${formatConcurrentWaits(concurrentWaits)}` : '');
  const results: BenchmarkResults = {
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
    machine,
    loadAverageAtEnd: os.loadavg().map((load) => Math.round(load * 100) / 100),
    layout: LAYOUT,
    workloads,
    startup,
    ...(testLoop !== undefined ? { testLoop } : {}),
    table,
  };
  process.stdout.write(`\n${table}\n\n`);
  if (options.only === undefined || options.only.has('viewer')) process.stdout.write(await formatViewerBench(progress));
  progress(`bench: done in ${results.durationSeconds} s; load at end ${results.loadAverageAtEnd.join(' ')}`);
  if (options.write) {
    const file = options.out ?? freeResultsFile(path.join(__dirname, 'results'), `${startedAt.toISOString().slice(0, 10)}-${machineSlug(machine)}`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    fs.writeFileSync(file.replace(/\.json$/, '.md'), `${describeRun(results)}\n\n${table}\n`);
    progress(`bench: raw numbers in ${path.relative(process.cwd(), file)}`);
  }
  fs.rmSync(buildDir, { recursive: true, force: true });
}

async function runWorkload(
  svc: LocalDurableService,
  meter: TrafficMeter,
  output: OutputTail,
  workload: Workload,
  repetitions: number,
  buildDir: string,
): Promise<WorkloadResult> {
  const minimum = protocolMinimum(workload);
  progress(`${workload.id}: ${workload.title}, ${repetitions} execution(s) per runtime; protocol minimum ${minimum.calls} checkpoint calls (${minimum.derivation})`);
  const floor = bytesFloor(workload);
  if (floor !== undefined) {
    progress(`${workload.id}: bytes floor ${floor.bytes.toLocaleString('en-US')} B (${floor.derivation})`);
  }
  const bundles = {} as Record<RuntimeName, string>;
  for (const runtime of RUNTIMES) {
    const built = await bundleWorkload(`bench/workloads/${runtime}/${workload.entry}.ts`, path.join(buildDir, `${runtime}-${workload.entry}.js`), 'external');
    bundles[runtime] = built.file;
  }
  const executions: Record<RuntimeName, ExecutionFigures[]> = { ours: [], official: [] };
  for (let rep = 0; rep < repetitions; rep++) {
    // ABBA order: neither runtime always goes first.
    const order = rep % 2 === 0 ? RUNTIMES : [...RUNTIMES].reverse();
    for (const runtime of order) {
      const figures = await runExecution(svc, meter, {
        functionName: `${runtime}-${workload.id}`,
        bundleFile: bundles[runtime],
        input: workload.input,
        metricsFile: path.join(buildDir, `${runtime}-${workload.id}.jsonl`),
        timeoutMs: 10 * 60 * 1000,
      });
      check(workload, runtime, figures, output);
      executions[runtime].push(figures);
      const t = figures.traffic;
      progress(
        `  ${runtime.padEnd(8)} #${rep + 1}: ${figures.wallMs.toFixed(0)} ms, ${t.checkpointCalls} checkpoints, ` +
          `${t.requestBodyBytes} B sent, ${figures.invocations} invocation(s), peak RSS ${(figures.peakRssKb / 1024).toFixed(0)} MiB`,
      );
    }
  }
  return {
    id: workload.id,
    title: workload.title,
    input: workload.input,
    repetitions,
    summaries: { ours: summarizeRuntime(workload, executions.ours), official: summarizeRuntime(workload, executions.official) },
    protocolMinimum: minimum,
    ...(floor === undefined ? {} : { bytesFloor: floor }),
    executions: {
      ours: executions.ours.map(({ result: _result, ...rest }) => rest),
      official: executions.official.map(({ result: _result, ...rest }) => rest),
    },
  };
}

/** Both runtimes must produce the expected result, and every invocation must be measured. */
function check(workload: Workload, runtime: RuntimeName, figures: ExecutionFigures, output: OutputTail): void {
  const problems: string[] = [];
  if (figures.status !== 'SUCCEEDED') {
    problems.push(`status ${figures.status}`);
  } else if (!isDeepStrictEqual(figures.result, workload.expected)) {
    problems.push(`result ${JSON.stringify(figures.result).slice(0, 200)} differs from the expected ${JSON.stringify(workload.expected).slice(0, 200)}`);
  }
  if (figures.invocationRecords.length !== figures.invocations) {
    problems.push(`${figures.invocations} invocations in the history but ${figures.invocationRecords.length} measured`);
  }
  const statuses = figures.invocationRecords.map((record) => record.status);
  if (statuses.slice(0, -1).some((status) => status !== 'PENDING') || statuses[statuses.length - 1] !== 'SUCCEEDED') {
    problems.push(`invocations returned ${statuses.join(', ')}; expected PENDING for all but the last, which SUCCEEDED`);
  }
  if (figures.firstInvocationError !== undefined) {
    problems.push(`an invocation failed: ${figures.firstInvocationError}`);
  }
  if (problems.length > 0) {
    throw new BenchmarkFailure(
      `${workload.id} on the ${runtime} runtime is wrong: ${problems.join('; ')} (execution ${figures.executionArn}).\nLast handler output:\n${output.tail()}`,
    );
  }
}

function describeRun(results: BenchmarkResults): string {
  const m = results.machine;
  return [
    `Run ${results.startedAt} on ${m.cpuModel} (${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}), Node ${m.node}, ` +
      `official runtime ${m.versions.officialRuntime}, @aws-sdk/client-lambda ${m.versions.clientLambda}, commit ${m.versions.repositoryCommit}.`,
    `Load average at start ${m.loadAverageAtStart.join(' ')}, at end ${results.loadAverageAtEnd.join(' ')}; ${results.durationSeconds} s in all.`,
    results.layout,
  ].join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`\nbench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
