/**
 * Per-function counts of the durable execution metrics Lambda publishes to CloudWatch
 * (https://docs.aws.amazon.com/lambda/latest/dg/durable-monitoring.html), named exactly as the
 * CloudWatch metrics so that an alarm's condition reads the same locally.
 */
import type { StatusChangeStatus } from './status-events';

/**
 * The statistics of one metric over a run, named as CloudWatch names them.
 *
 * @example
 * metrics.DurableExecutionOperations.maximum >= 2400; // the operations alarm would fire
 */
export interface MetricStatistics {
  readonly sampleCount: number;
  readonly sum: number;
  /** 0 when there are no samples. */
  readonly minimum: number;
  /** 0 when there are no samples. */
  readonly maximum: number;
  /** 0 when there are no samples. */
  readonly average: number;
}

/**
 * The durable execution metrics of one function since the service started. Counters are the
 * `Sum` statistic; per-execution figures (recorded when an execution ends) carry every statistic.
 *
 * @example
 * const m = svc.metrics('orders');
 * expect(m.DurableExecutionFailed).toBe(0);
 */
export interface LocalFunctionMetrics {
  readonly functionName: string;
  readonly DurableExecutionStarted: number;
  readonly DurableExecutionSucceeded: number;
  readonly DurableExecutionFailed: number;
  readonly DurableExecutionTimedOut: number;
  readonly DurableExecutionStopped: number;
  /** Wall-clock ms each ended execution spent RUNNING (service clock). */
  readonly DurableExecutionDuration: MetricStatistics;
  /** Operations of each ended execution (the 3,000 limit counts them). */
  readonly DurableExecutionOperations: MetricStatistics;
  /** Bytes each ended execution persisted (the 100 MB limit counts them). */
  readonly DurableExecutionStorageWrittenBytes: MetricStatistics;
  /** Executions RUNNING now (`current`) and the most at any one time (`maximum`). */
  readonly ApproximateRunningDurableExecutions: { readonly current: number; readonly maximum: number };
}

/** Accumulates one metric's samples. */
class Samples {
  private count = 0;
  private total = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;

  add(value: number): void {
    this.count++;
    this.total += value;
    this.min = Math.min(this.min, value);
    this.max = Math.max(this.max, value);
  }

  statistics(): MetricStatistics {
    const any = this.count > 0;
    return {
      sampleCount: this.count,
      sum: this.total,
      minimum: any ? this.min : 0,
      maximum: any ? this.max : 0,
      average: any ? this.total / this.count : 0,
    };
  }
}

/** How an ended execution contributes to the metrics. */
export interface EndedExecution {
  readonly status: Exclude<StatusChangeStatus, 'RUNNING'>;
  readonly durationMs: number;
  readonly operations: number;
  readonly storageWrittenBytes: number;
}

/** The running metrics of one function. */
export class FunctionMetricsRecorder {
  private started = 0;
  private readonly ended = { SUCCEEDED: 0, FAILED: 0, TIMED_OUT: 0, STOPPED: 0 };
  private readonly duration = new Samples();
  private readonly operations = new Samples();
  private readonly storage = new Samples();
  private running = 0;
  private peakRunning = 0;

  constructor(private readonly functionName: string) {}

  recordStart(): void {
    this.started++;
    this.running++;
    this.peakRunning = Math.max(this.peakRunning, this.running);
  }

  recordEnd(end: EndedExecution): void {
    this.ended[end.status]++;
    this.running = Math.max(0, this.running - 1);
    this.duration.add(end.durationMs);
    this.operations.add(end.operations);
    this.storage.add(end.storageWrittenBytes);
  }

  snapshot(): LocalFunctionMetrics {
    return {
      functionName: this.functionName,
      DurableExecutionStarted: this.started,
      DurableExecutionSucceeded: this.ended.SUCCEEDED,
      DurableExecutionFailed: this.ended.FAILED,
      DurableExecutionTimedOut: this.ended.TIMED_OUT,
      DurableExecutionStopped: this.ended.STOPPED,
      DurableExecutionDuration: this.duration.statistics(),
      DurableExecutionOperations: this.operations.statistics(),
      DurableExecutionStorageWrittenBytes: this.storage.statistics(),
      ApproximateRunningDurableExecutions: { current: this.running, maximum: this.peakRunning },
    };
  }
}

/**
 * The metrics as a few readable lines, e.g. for the end of a CLI run.
 *
 * @example
 * process.stdout.write(formatMetrics(svc.metrics()));
 */
export function formatMetrics(all: readonly LocalFunctionMetrics[]): string {
  const lines = ['Metrics:'];
  if (all.length === 0) {
    lines.push('  (no executions)');
  }
  for (const m of all) {
    lines.push(
      `  ${m.functionName}: started ${m.DurableExecutionStarted}, succeeded ${m.DurableExecutionSucceeded}, `
        + `failed ${m.DurableExecutionFailed}, timed out ${m.DurableExecutionTimedOut}, stopped ${m.DurableExecutionStopped}, `
        + `running ${m.ApproximateRunningDurableExecutions.current}`,
      `    max per execution: ${m.DurableExecutionOperations.maximum} of 3000 operations, `
        + `${m.DurableExecutionStorageWrittenBytes.maximum} bytes written of 100 MB, `
        + `${m.DurableExecutionDuration.maximum} ms running`,
    );
  }
  return `${lines.join('\n')}\n`;
}
