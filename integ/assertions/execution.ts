/**
 * Starting a durable execution and reading it back, through `@aws-sdk/client-lambda` only, so the
 * same code runs against the local service and against AWS.
 *
 * @example
 * const started = await startExecution(client, 'orders:live', 'run-1', { orderId: 'o-1' });
 * const observation = await observeExecution(client, started.executionArn, { timeoutMs: 60_000 });
 */
import {
  GetDurableExecutionCommand,
  GetDurableExecutionHistoryCommand,
  InvokeCommand,
  type ErrorObject,
  type Event,
  type ExecutionStatus,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { TERMINAL_EXECUTION_EVENTS, parseJson } from './history';

/** Tuning for reading an execution back. */
export interface ObserveOptions {
  /** Wall-clock pause between GetDurableExecution polls. Default 1,000 ms. */
  readonly pollIntervalMs?: number;
  /** Give up waiting for a terminal status after this long (wall clock). Default 300,000 ms. */
  readonly timeoutMs?: number;
  /** `MaxItems` per GetDurableExecutionHistory page. Default 25, so a scenario's history spans pages. */
  readonly historyPageSize?: number;
}

/** What Invoke returned when the execution was started. */
export interface StartedExecution {
  readonly executionArn: string;
  readonly statusCode?: number;
  readonly executedVersion?: string;
}

/** The execution as GetDurableExecution reported it, with payloads parsed. */
export interface ExecutionSummary {
  readonly status?: ExecutionStatus;
  readonly executionName?: string;
  readonly functionArn?: string;
  readonly version?: string;
  /** The raw result text; `result` is its parsed JSON. */
  readonly resultText?: string;
  readonly result?: unknown;
  readonly error?: ErrorObject;
  readonly startTimestamp?: Date;
  readonly endTimestamp?: Date;
}

/** Everything read back about one finished (or timed-out-waiting) execution. */
export interface ExecutionObservation {
  readonly executionArn: string;
  readonly execution: ExecutionSummary;
  /** Every history event, oldest first, gathered across pages. */
  readonly history: Event[];
  /** How many GetDurableExecutionHistory pages the last complete read took. */
  readonly historyPages: number;
  /** False when the execution was still RUNNING when the wait gave up. */
  readonly finished: boolean;
}

/** Thrown when Invoke did not start an execution. */
export class ExecutionStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecutionStartError';
  }
}

const DEFAULT_POLL_INTERVAL_MS = 1_000;
const DEFAULT_TIMEOUT_MS = 300_000;
const DEFAULT_HISTORY_PAGE_SIZE = 25;
/** History can lag the status briefly on a real service; re-read this many times for the terminal event. */
const HISTORY_SETTLE_ATTEMPTS = 5;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts an execution asynchronously (`InvocationType: 'Event'`) under a DurableExecutionName.
 * `functionName` must be qualified (`name:alias` or `name:version`): durable functions refuse
 * unqualified invocations.
 *
 * @example
 * const { executionArn } = await startExecution(client, 'orders:live', 'run-1', { orderId: 'o-1' });
 */
export async function startExecution(
  client: LambdaClient,
  functionName: string,
  executionName: string,
  input: unknown,
): Promise<StartedExecution> {
  const response = await client.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'Event',
      DurableExecutionName: executionName,
      Payload: new TextEncoder().encode(JSON.stringify(input)),
    }),
  );
  if (!response.DurableExecutionArn) {
    throw new ExecutionStartError(
      `Invoke of ${functionName} returned status ${response.StatusCode} without a DurableExecutionArn; is it a durable function invoked through a version or alias?`,
    );
  }
  return {
    executionArn: response.DurableExecutionArn,
    statusCode: response.StatusCode,
    executedVersion: response.ExecutedVersion,
  };
}

/**
 * Reads the execution once and parses its payloads.
 *
 * @example
 * (await describeExecution(client, arn)).status; // 'RUNNING'
 */
export async function describeExecution(client: LambdaClient, executionArn: string): Promise<ExecutionSummary> {
  const response = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: executionArn }));
  return {
    status: response.Status,
    executionName: response.DurableExecutionName,
    functionArn: response.FunctionArn,
    version: response.Version,
    resultText: response.Result,
    result: parseJson(response.Result),
    error: response.Error,
    startTimestamp: response.StartTimestamp,
    endTimestamp: response.EndTimestamp,
  };
}

/** A paused execution has not ended: it runs on once resumed (protocol.md §9.3). */
function isUnfinished(status: string | undefined): boolean {
  return status === 'RUNNING' || status === 'PAUSING' || status === 'PAUSED';
}

/**
 * Polls GetDurableExecution until the execution has ended (not RUNNING, PAUSING or PAUSED) or the
 * timeout passes.
 *
 * @example
 * const summary = await waitForExecutionEnd(client, arn, { pollIntervalMs: 50, timeoutMs: 10_000 });
 */
export async function waitForExecutionEnd(
  client: LambdaClient,
  executionArn: string,
  options: ObserveOptions = {},
): Promise<ExecutionSummary> {
  const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  for (;;) {
    const summary = await describeExecution(client, executionArn);
    if (!isUnfinished(summary.status) || Date.now() >= deadline) {
      return summary;
    }
    await sleep(interval);
  }
}

/**
 * Reads the whole history, oldest first, following NextMarker across pages.
 *
 * @example
 * const { events, pages } = await readHistory(client, arn, 10);
 */
export async function readHistory(
  client: LambdaClient,
  executionArn: string,
  pageSize: number = DEFAULT_HISTORY_PAGE_SIZE,
): Promise<{ events: Event[]; pages: number }> {
  const events: Event[] = [];
  let marker: string | undefined;
  let pages = 0;
  do {
    const page = await client.send(
      new GetDurableExecutionHistoryCommand({
        DurableExecutionArn: executionArn,
        IncludeExecutionData: true,
        MaxItems: pageSize,
        Marker: marker,
      }),
    );
    pages += 1;
    events.push(...(page.Events ?? []));
    marker = page.NextMarker;
  } while (marker);
  return { events, pages };
}

/**
 * Waits for the execution to end, then reads its history. When the status is terminal but the
 * history does not show the terminal event yet, re-reads it a few times before settling.
 *
 * @example
 * const { execution, history } = await observeExecution(client, arn, { timeoutMs: 60_000 });
 */
export async function observeExecution(
  client: LambdaClient,
  executionArn: string,
  options: ObserveOptions = {},
): Promise<ExecutionObservation> {
  const execution = await waitForExecutionEnd(client, executionArn, options);
  const finished = execution.status !== undefined && !isUnfinished(execution.status);
  let read = await readHistory(client, executionArn, options.historyPageSize);
  for (let attempt = 1; finished && attempt < HISTORY_SETTLE_ATTEMPTS && !hasTerminalEvent(read.events); attempt++) {
    await sleep(options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
    read = await readHistory(client, executionArn, options.historyPageSize);
  }
  return { executionArn, execution, history: read.events, historyPages: read.pages, finished };
}

function hasTerminalEvent(events: readonly Event[]): boolean {
  return events.some((event) => event.EventType !== undefined && TERMINAL_EXECUTION_EVENTS.includes(event.EventType));
}
