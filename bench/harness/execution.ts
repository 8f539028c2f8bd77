/**
 * Runs one execution of a bundled workload on the local service and collects its figures. The
 * process layout is the same for both runtimes: the function is registered afresh before every
 * execution with `nodeBinary` set, so each execution gets its own new child process, which then
 * stays warm for that execution's later invocations (as a warm Lambda instance would). The peak
 * RSS is therefore that one process's.
 */
import * as fs from 'node:fs';
import type { ExecutionStatus } from '@aws-sdk/client-lambda';
import type { LocalDurableService } from '../../local';
import type { InvocationRecord } from '../workloads/instrument';
import { TrafficFigures, TrafficMeter } from './traffic';

/** What to run. */
export interface ExecutionSpec {
  /** Function name to register (re-registered for every execution). */
  readonly functionName: string;
  /** The bundle to host. */
  readonly bundleFile: string;
  /** The execution input. */
  readonly input: unknown;
  /** Where the instrumented handler writes its per-invocation records. */
  readonly metricsFile: string;
  /** Real-time limit of the execution in ms. */
  readonly timeoutMs: number;
}

/** The figures of one execution. */
export interface ExecutionFigures {
  readonly executionArn: string;
  readonly status: ExecutionStatus;
  readonly result: unknown;
  /** Real ms from the start of the execution to its end, as the bench process sees it. */
  readonly wallMs: number;
  /** Invocations recorded in the history. */
  readonly invocations: number;
  /** Operations the execution stored. */
  readonly operations: number;
  readonly traffic: TrafficFigures;
  /** Peak RSS of the function process in KiB. */
  readonly peakRssKb: number;
  /** CPU time of the function process over the whole execution (start-up and load included), ms. */
  readonly processCpuMs: number;
  /** One record per invocation, from the instrumented handler, in order. */
  readonly invocationRecords: readonly InvocationRecord[];
  /** The first invocation error in the history, if any (for diagnostics). */
  readonly firstInvocationError?: string;
}

/**
 * Registers the bundle, runs one execution to its end and measures it.
 *
 * @example
 * const figures = await runExecution(svc, meter, { functionName: 'ours-steps', bundleFile, input: { steps: 200 }, metricsFile, timeoutMs: 120_000 });
 */
export async function runExecution(svc: LocalDurableService, meter: TrafficMeter, spec: ExecutionSpec): Promise<ExecutionFigures> {
  fs.rmSync(spec.metricsFile, { force: true });
  await svc.registerFunction({
    name: spec.functionName,
    bundle: spec.bundleFile,
    handler: 'handler',
    // A child process per execution, not a shared worker thread: its peak RSS is the function's own.
    nodeBinary: process.execPath,
    timeout: 900,
    memorySize: 1024,
    environment: {
      BENCH_METRICS_FILE: spec.metricsFile,
      // Node 20 here; the AWS SDK's upgrade notice is noise in every fresh process.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  const started = process.hrtime.bigint();
  const run = await svc.run(`${spec.functionName}:live`, spec.input, { timeoutMs: spec.timeoutMs });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const invocationRecords = readRecords(spec.metricsFile);
  const firstError = run.invocations.find((invocation) => invocation.error !== undefined)?.error;
  return {
    executionArn: run.executionArn,
    status: run.status,
    result: run.result,
    wallMs,
    invocations: run.invocations.length,
    operations: run.operations.length,
    traffic: meter.of(run.executionArn),
    peakRssKb: Math.max(0, ...invocationRecords.map((record) => record.maxRssKb)),
    processCpuMs: invocationRecords.length === 0 ? 0 : invocationRecords[invocationRecords.length - 1].processCpuMs,
    invocationRecords,
    ...(firstError !== undefined ? { firstInvocationError: `${firstError.ErrorType}: ${firstError.ErrorMessage}` } : {}),
  };
}

function readRecords(file: string): InvocationRecord[] {
  if (!fs.existsSync(file)) {
    return [];
  }
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as InvocationRecord);
}
