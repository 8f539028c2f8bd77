/**
 * Turns measured executions into per-runtime summaries and the markdown table: one row per
 * workload and figure, with this package's value, the official runtime's, and their ratio.
 */
import type { RuntimeName, Workload } from '../workloads/catalog';
import type { StartupFigures } from './cold-start';
import type { ExecutionFigures } from './execution';
import type { MachineInfo } from './machine';
import type { BytesFloor } from './bytes-floor';
import type { ProtocolMinimum } from './protocol-minimum';
import type { TestLoopResult } from './test-loop';
import { summarize, Summary } from './stats';

/** One runtime's figures for one workload: medians over its executions, raw values kept. */
export interface RuntimeSummary {
  readonly wallMs: Summary;
  /** Sum of the handler's own time over all invocations of an execution. */
  readonly handlerMs: Summary;
  /** Handler time of every replaying invocation (workloads that measure replay). */
  readonly replayInvocationMs?: Summary;
  readonly checkpointCalls: Summary;
  readonly getStateCalls: Summary;
  readonly requestBodyBytes: Summary;
  readonly requestHeaderBytes: Summary;
  readonly responseBodyBytes: Summary;
  readonly peakRssKb: Summary;
  readonly processCpuMs: Summary;
  readonly invocations: Summary;
  readonly operations: Summary;
}

/** Everything measured for one workload. */
export interface WorkloadResult {
  readonly id: string;
  readonly title: string;
  readonly input: unknown;
  readonly repetitions: number;
  readonly summaries: Record<RuntimeName, RuntimeSummary>;
  /** The fewest checkpoint calls the protocol allows for this workload, and why. */
  readonly protocolMinimum: ProtocolMinimum;
  /** The fewest request-body bytes the protocol allows (sequential workloads only), and why. */
  readonly bytesFloor?: BytesFloor;
  /** Every execution, without its (checked, identical) result value. */
  readonly executions: Record<RuntimeName, ReadonlyArray<Omit<ExecutionFigures, 'result'>>>;
}

/** The content of a results file. */
export interface BenchmarkResults {
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: MachineInfo;
  /** 1, 5 and 15 minute load averages when the run ended. */
  readonly loadAverageAtEnd: readonly number[];
  readonly layout: string;
  readonly workloads: readonly WorkloadResult[];
  readonly startup: Partial<Record<RuntimeName, StartupFigures>>;
  /** The workflow-test loop, when it ran. */
  readonly testLoop?: TestLoopResult;
  readonly table: string;
}

/**
 * Summarises the executions of one runtime.
 *
 * @example
 * const summary = summarizeRuntime(workload, executions);
 * summary.wallMs.median;
 */
export function summarizeRuntime(workload: Workload, executions: readonly ExecutionFigures[]): RuntimeSummary {
  const of = (pick: (e: ExecutionFigures) => number): Summary => summarize(executions.map(pick));
  const replays = executions.flatMap((e) => e.invocationRecords.slice(1).map((record) => record.durationMs));
  return {
    wallMs: of((e) => e.wallMs),
    handlerMs: of((e) => e.invocationRecords.reduce((total, record) => total + record.durationMs, 0)),
    ...(workload.measuresReplay === true && replays.length > 0 ? { replayInvocationMs: summarize(replays) } : {}),
    checkpointCalls: of((e) => e.traffic.checkpointCalls),
    getStateCalls: of((e) => e.traffic.getStateCalls),
    requestBodyBytes: of((e) => e.traffic.requestBodyBytes),
    requestHeaderBytes: of((e) => e.traffic.requestHeaderBytes),
    responseBodyBytes: of((e) => e.traffic.responseBodyBytes),
    peakRssKb: of((e) => e.peakRssKb),
    processCpuMs: of((e) => e.processCpuMs),
    invocations: of((e) => e.invocations),
    operations: of((e) => e.operations),
  };
}

interface Row {
  readonly workload: string;
  readonly figure: string;
  readonly ours: number;
  readonly official: number;
  readonly format: (value: number) => string;
  /** Only on the checkpoint-calls row and the bytes row: the protocol's minimum, as printed. */
  readonly minimum?: string;
}

const integer = (value: number): string => Math.round(value).toLocaleString('en-US');
const ms = (value: number): string => `${value < 100 ? value.toFixed(1) : integer(value)} ms`;
const kib = (value: number): string => `${(value / 1024).toFixed(1)} KiB`;
const mib = (kb: number): string => `${(kb / 1024).toFixed(0)} MiB`;

/**
 * The markdown table of a run (figures are medians).
 *
 * @example
 * console.log(formatTable(workloads, startup));
 */
export function formatTable(
  workloads: readonly WorkloadResult[],
  startup: Partial<Record<RuntimeName, StartupFigures>>,
  testLoop?: TestLoopResult,
): string {
  const rows: Row[] = [];
  for (const w of workloads) {
    const o = w.summaries.ours;
    const a = w.summaries.official;
    const reps = `median of ${w.repetitions}`;
    const name = w.title;
    rows.push({ workload: name, figure: `wall time, whole execution (${reps})`, ours: o.wallMs.median, official: a.wallMs.median, format: ms });
    if (o.replayInvocationMs !== undefined && a.replayInvocationMs !== undefined) {
      rows.push({
        workload: '',
        figure: `replay invocation, handler start → PENDING/SUCCEEDED (median of ${o.replayInvocationMs.values.length})`,
        ours: o.replayInvocationMs.median,
        official: a.replayInvocationMs.median,
        format: ms,
      });
    }
    rows.push({ workload: '', figure: 'CPU time of the function process', ours: o.processCpuMs.median, official: a.processCpuMs.median, format: ms });
    rows.push({
      workload: '',
      figure: 'checkpoint calls',
      ours: o.checkpointCalls.median,
      official: a.checkpointCalls.median,
      format: integer,
      minimum: integer(w.protocolMinimum.calls),
    });
    rows.push({
      workload: '',
      figure: 'bytes sent (request bodies)',
      ours: o.requestBodyBytes.median,
      official: a.requestBodyBytes.median,
      format: kib,
      minimum: w.bytesFloor === undefined ? undefined : kib(w.bytesFloor.bytes),
    });
    rows.push({ workload: '', figure: 'peak RSS of the function process', ours: o.peakRssKb.median, official: a.peakRssKb.median, format: mib });
    rows.push({ workload: '', figure: 'invocations', ours: o.invocations.median, official: a.invocations.median, format: integer });
  }
  const ours = startup.ours;
  const official = startup.official;
  if (ours !== undefined && official !== undefined) {
    let label = 'minimal workflow (1 step)';
    const shape = {
      bundled: 'default shape, AWS SDK bundled (ours: construct bundler; official: NodejsFunction defaults)',
      'bundled-esm': 'AWS SDK bundled from its ES modules by a plain esbuild call (mainFields module, main)',
      external: 'AWS SDK external',
    } as const;
    for (const sdk of ['bundled', 'bundled-esm', 'external'] as const) {
      const os = ours.sizes.find((s) => s.sdk === sdk);
      const as = official.sizes.find((s) => s.sdk === sdk);
      if (os !== undefined && as !== undefined) {
        rows.push({ workload: label, figure: `bundle, minified, ${shape[sdk]}`, ours: os.minifiedBytes, official: as.minifiedBytes, format: kib });
        rows.push({ workload: '', figure: `bundle, minified + gzip, ${shape[sdk]}`, ours: os.gzipBytes, official: as.gzipBytes, format: kib });
        label = '';
      }
    }
    for (const sdk of ['bundled', 'bundled-esm', 'external'] as const) {
      const oc = ours.coldStarts.find((c) => c.sdk === sdk);
      const ac = official.coldStarts.find((c) => c.sdk === sdk);
      if (oc !== undefined && ac !== undefined) {
        rows.push({
          workload: '',
          figure: `cold start: load + first invocation, ${shape[sdk]} (median of ${oc.totalMs.values.length})`,
          ours: oc.totalMs.median,
          official: ac.totalMs.median,
          format: ms,
        });
        rows.push({ workload: '', figure: `cold start CPU time, ${shape[sdk]}`, ours: oc.cpuMs.median, official: ac.cpuMs.median, format: ms });
      }
    }
  }
  if (testLoop !== undefined) {
    const { ours: inProcess, official: runner, 'ours-http': http } = testLoop.modes;
    const runs = `median of ${testLoop.rounds} runs`;
    rows.push({
      workload: `workflow tests (${testLoop.tests.length}): ours in-process vs official LocalDurableTestRunner`,
      figure: `whole run, process start → last test done (${runs})`,
      ours: inProcess.totalMs.median,
      official: runner.totalMs.median,
      format: ms,
    });
    rows.push({ workload: '', figure: 'set-up: packages loaded, service ready', ours: inProcess.setupMs.median, official: runner.setupMs.median, format: ms });
    for (const test of testLoop.tests) {
      rows.push({ workload: '', figure: `test \`${test.id}\`: ${test.title}`, ours: inProcess.tests[test.id].median, official: runner.tests[test.id].median, format: ms });
    }
    rows.push({
      workload: 'workflow tests: ours over the local HTTP service with the deployed bundle vs official LocalDurableTestRunner',
      figure: `whole run (${runs})`,
      ours: http.totalMs.median,
      official: runner.totalMs.median,
      format: ms,
    });
    for (const test of testLoop.tests) {
      rows.push({ workload: '', figure: `test \`${test.id}\``, ours: http.tests[test.id].median, official: runner.tests[test.id].median, format: ms });
    }
  }
  const lines = ['| Workload | Figure | ours | official | ours / official | protocol minimum |', '|---|---|--:|--:|--:|--:|'];
  for (const row of rows) {
    const ratio = row.official === 0 ? (row.ours === 0 ? '1.00×' : '–') : `${(row.ours / row.official).toFixed(2)}×`;
    const minimum = row.minimum ?? '';
    lines.push(`| ${row.workload} | ${row.figure} | ${row.format(row.ours)} | ${row.format(row.official)} | ${ratio} | ${minimum} |`);
  }
  return lines.join('\n');
}
