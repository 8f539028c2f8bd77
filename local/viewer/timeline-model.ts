/**
 * What the execution viewer draws, derived from an execution's history events alone (protocol.md
 * §5), so that a local run, a saved history file and a deployed function look the same.
 *
 * @example
 * const model = buildTimelineModel(execution, events);
 * model.rows.find((row) => row.name === 'charge')?.attempts.length; // 3
 */
import type { ErrorObject, Event } from '@aws-sdk/client-lambda';

/** An execution as the viewer lists it. */
export interface ExecutionSummaryView {
  readonly arn: string;
  readonly name: string;
  readonly functionArn?: string;
  readonly status: string;
  /** Epoch milliseconds. */
  readonly startedAt?: number;
  readonly endedAt?: number;
  /** Where it comes from: `local` (the local service), `file` (a saved history) or `aws`. */
  readonly source: 'local' | 'file' | 'aws';
  /** True when its times are the local service's virtual clock. */
  readonly virtualClock: boolean;
}

/** One attempt of a step (or the single run of another operation). */
export interface AttemptView {
  readonly number: number;
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly outcome: 'running' | 'succeeded' | 'failed' | 'retrying';
  /** The delay before the next attempt, when this attempt failed and is retried. */
  readonly nextAttemptDelaySeconds?: number;
  readonly error?: ErrorObject;
}

/** A stretch of time the operation spent waiting (a durable wait, a callback, a retry delay). */
export interface SpanView {
  readonly kind: 'wait' | 'callback' | 'retry-delay';
  readonly startedAt: number;
  readonly endedAt: number;
}

/** A point of a batch's running-branches curve: from `at` on, `running` branches were running. */
export interface ConcurrencyPoint {
  readonly at: number;
  readonly running: number;
}

/** One operation, as a row of the timeline. */
export interface OperationRow {
  readonly id: string;
  readonly parentId?: string;
  /** 0 for top-level operations. */
  readonly depth: number;
  readonly name?: string;
  readonly type: string;
  readonly subType?: string;
  /**
   * The latest status. `STARTED` operations that were still open when the execution ended are
   * marked `abandoned` (for example the losing branches of a first-successful parallel).
   */
  readonly status: string;
  readonly abandoned: boolean;
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly attempts: readonly AttemptView[];
  readonly spans: readonly SpanView[];
  readonly input?: string;
  readonly result?: string;
  readonly error?: ErrorObject;
  readonly callbackId?: string;
  /** For a parallel or map: how many of its branches were running over time, and the most at once. */
  readonly concurrency?: readonly ConcurrencyPoint[];
  readonly maxRunning?: number;
  /** The ids of the history events of this operation. */
  readonly eventIds: readonly number[];
}

/** One invocation of the function, as a band across the top. */
export interface InvocationBand {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly requestId?: string;
  readonly error?: ErrorObject;
}

/** Everything the viewer draws for one execution. */
export interface TimelineModel {
  readonly execution: ExecutionSummaryView & { readonly input?: string; readonly result?: string; readonly error?: ErrorObject };
  readonly invocations: readonly InvocationBand[];
  readonly rows: readonly OperationRow[];
  /** The drawn range, epoch milliseconds. */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly eventCount: number;
}

interface MutableRow {
  id: string;
  parentId?: string;
  name?: string;
  type: string;
  subType?: string;
  status: string;
  startedAt: number;
  endedAt?: number;
  attempts: AttemptView[];
  spans: SpanView[];
  input?: string;
  result?: string;
  error?: ErrorObject;
  callbackId?: string;
  eventIds: number[];
  openSpan?: { kind: SpanView['kind']; startedAt: number; plannedEnd?: number };
}

const TYPE_BY_PREFIX: ReadonlyArray<readonly [string, string]> = [
  ['ChainedInvoke', 'CHAINED_INVOKE'],
  ['Execution', 'EXECUTION'],
  ['Context', 'CONTEXT'],
  ['Step', 'STEP'],
  ['Wait', 'WAIT'],
  ['Callback', 'CALLBACK'],
];

const STATUS_BY_SUFFIX: ReadonlyArray<readonly [string, string]> = [
  ['Started', 'STARTED'],
  ['Succeeded', 'SUCCEEDED'],
  ['Failed', 'FAILED'],
  ['TimedOut', 'TIMED_OUT'],
  ['Cancelled', 'CANCELLED'],
  ['Stopped', 'STOPPED'],
];

const BATCH_SUBTYPES: ReadonlySet<string> = new Set(['Parallel', 'Map']);

/**
 * Builds the timeline of one execution from its history events (oldest first).
 *
 * @param now the time to draw open operations to while the execution runs (epoch ms).
 * @example
 * buildTimelineModel({ arn, name: 'order-1', status: 'SUCCEEDED', source: 'local', virtualClock: true }, events);
 */
export function buildTimelineModel(summary: ExecutionSummaryView, events: readonly Event[], now: number = Date.now()): TimelineModel {
  const rows = new Map<string, MutableRow>();
  const invocations: InvocationBand[] = [];
  let executionId: string | undefined;
  let input: string | undefined;
  let result: string | undefined;
  let error: ErrorObject | undefined;
  let firstAt: number | undefined;
  let lastAt: number | undefined;

  for (const event of events) {
    const at = time(event.EventTimestamp);
    if (at !== undefined) {
      firstAt = firstAt === undefined ? at : Math.min(firstAt, at);
      lastAt = lastAt === undefined ? at : Math.max(lastAt, at);
    }
    const kind = event.EventType ?? '';
    if (kind === 'InvocationCompleted') {
      const details = event.InvocationCompletedDetails;
      const startedAt = time(details?.StartTimestamp) ?? at ?? 0;
      invocations.push({
        startedAt,
        endedAt: time(details?.EndTimestamp) ?? at ?? startedAt,
        requestId: details?.RequestId,
        error: details?.Error?.Payload,
      });
      continue;
    }
    const type = typeOf(kind);
    if (type === 'EXECUTION') {
      executionId ??= event.Id;
      input ??= event.ExecutionStartedDetails?.Input?.Payload;
      result ??= event.ExecutionSucceededDetails?.Result?.Payload;
      error ??=
        event.ExecutionFailedDetails?.Error?.Payload ??
        event.ExecutionTimedOutDetails?.Error?.Payload ??
        event.ExecutionStoppedDetails?.Error?.Payload;
      continue;
    }
    if (!type || !event.Id || at === undefined) continue;
    let row = rows.get(event.Id);
    if (!row) {
      row = {
        id: event.Id,
        parentId: event.ParentId,
        name: event.Name,
        type,
        subType: event.SubType,
        status: 'STARTED',
        startedAt: at,
        attempts: [],
        spans: [],
        eventIds: [],
      };
      rows.set(event.Id, row);
    }
    if (event.EventId !== undefined) row.eventIds.push(event.EventId);
    applyEvent(row, kind, event, at);
  }

  const drawnStart = summary.startedAt ?? firstAt ?? now;
  const executionOpen = summary.status === 'RUNNING' || summary.status === 'PAUSING' || summary.status === 'PAUSED';
  const drawnEnd = executionOpen ? Math.max(now, lastAt ?? drawnStart) : summary.endedAt ?? lastAt ?? drawnStart;
  const ordered = [...rows.values()];
  const depthOf = depthFunction(rows, executionId);
  const finished: OperationRow[] = ordered.map((row) => finishRow(row, ordered, depthOf(row), executionOpen, drawnEnd));

  return {
    execution: { ...summary, input, result, error },
    invocations,
    rows: finished,
    startedAt: drawnStart,
    endedAt: Math.max(drawnEnd, drawnStart),
    eventCount: events.length,
  };
}

function applyEvent(row: MutableRow, kind: string, event: Event, at: number): void {
  const status = statusOf(kind);
  if (row.type === 'STEP') applyStepEvent(row, kind, event, at);
  if (kind === 'WaitStarted') {
    const planned = time(event.WaitStartedDetails?.ScheduledEndTimestamp);
    row.openSpan = { kind: 'wait', startedAt: at, plannedEnd: planned };
  } else if (kind === 'CallbackStarted') {
    row.callbackId = event.CallbackStartedDetails?.CallbackId;
    row.openSpan = { kind: 'callback', startedAt: at };
  } else if (kind === 'ChainedInvokeStarted') {
    row.input = event.ChainedInvokeStartedDetails?.Input?.Payload;
  }
  if (status === 'STARTED') return;
  if (row.openSpan && row.openSpan.kind !== 'retry-delay') {
    row.spans.push({ kind: row.openSpan.kind, startedAt: row.openSpan.startedAt, endedAt: at });
    row.openSpan = undefined;
  }
  if (row.status === 'PENDING') return; // a step waiting for its retry stays open
  row.status = status;
  row.endedAt = at;
  row.result = resultOf(event) ?? row.result;
  row.error = errorOf(event) ?? row.error;
}

function applyStepEvent(row: MutableRow, kind: string, event: Event, at: number): void {
  const attempts = row.attempts;
  const last = attempts[attempts.length - 1];
  if (kind === 'StepStarted') {
    if (row.openSpan?.kind === 'retry-delay') {
      row.spans.push({ kind: 'retry-delay', startedAt: row.openSpan.startedAt, endedAt: at });
      row.openSpan = undefined;
    }
    attempts.push({ number: attempts.length + 1, startedAt: at, outcome: 'running' });
    row.status = 'STARTED';
    row.endedAt = undefined;
    return;
  }
  const retry = kind === 'StepFailed' ? event.StepFailedDetails?.RetryDetails : event.StepSucceededDetails?.RetryDetails;
  const delay = retry?.NextAttemptDelaySeconds;
  const failedError = kind === 'StepFailed' ? event.StepFailedDetails?.Error?.Payload : undefined;
  const ended: AttemptView = {
    number: retry?.CurrentAttempt ?? (last && last.outcome === 'running' ? last.number : attempts.length + 1),
    startedAt: last && last.outcome === 'running' ? last.startedAt : at,
    endedAt: at,
    outcome: delay !== undefined ? 'retrying' : kind === 'StepSucceeded' ? 'succeeded' : 'failed',
    nextAttemptDelaySeconds: delay,
    error: failedError,
  };
  if (last && last.outcome === 'running') attempts[attempts.length - 1] = ended;
  else attempts.push(ended);
  if (delay !== undefined) {
    // A retry: the step stays open, waiting `delay` seconds for its next attempt.
    row.status = 'PENDING';
    row.error = failedError ?? row.error;
    row.result = kind === 'StepSucceeded' ? event.StepSucceededDetails?.Result?.Payload : row.result;
    row.openSpan = { kind: 'retry-delay', startedAt: at, plannedEnd: at + delay * 1000 };
  } else {
    row.status = 'CLOSING';
  }
}

function finishRow(
  row: MutableRow,
  all: readonly MutableRow[],
  depth: number,
  executionOpen: boolean,
  drawnEnd: number,
): OperationRow {
  const spans = [...row.spans];
  if (row.openSpan) {
    const end = row.openSpan.plannedEnd !== undefined && !executionOpen ? Math.min(row.openSpan.plannedEnd, drawnEnd) : drawnEnd;
    spans.push({ kind: row.openSpan.kind, startedAt: row.openSpan.startedAt, endedAt: Math.max(end, row.openSpan.startedAt) });
  }
  const open = row.endedAt === undefined;
  const base: OperationRow = {
    id: row.id,
    parentId: row.parentId,
    depth,
    name: row.name,
    type: row.type,
    subType: row.subType,
    status: row.status === 'CLOSING' ? 'STARTED' : row.status,
    abandoned: open && !executionOpen,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    attempts: row.attempts,
    spans,
    input: row.input,
    result: row.result,
    error: row.error,
    callbackId: row.callbackId,
    eventIds: row.eventIds,
  };
  if (!row.subType || !BATCH_SUBTYPES.has(row.subType)) return base;
  const children = all.filter((candidate) => candidate.parentId === row.id);
  const concurrency = runningCurve(children, drawnEnd);
  return { ...base, concurrency, maxRunning: concurrency.reduce((max, point) => Math.max(max, point.running), 0) };
}

/** How many of a batch's branches ran at each moment: +1 at a branch's start, −1 at its end. */
function runningCurve(children: readonly MutableRow[], drawnEnd: number): ConcurrencyPoint[] {
  const changes: Array<{ at: number; delta: number }> = [];
  for (const child of children) {
    changes.push({ at: child.startedAt, delta: 1 });
    changes.push({ at: child.endedAt ?? drawnEnd, delta: -1 });
  }
  // Ends before starts at the same instant: a branch that ends as the next starts never overlaps it.
  changes.sort((a, b) => a.at - b.at || a.delta - b.delta);
  const points: ConcurrencyPoint[] = [];
  let running = 0;
  for (const change of changes) {
    running += change.delta;
    const last = points[points.length - 1];
    if (last && last.at === change.at) points[points.length - 1] = { at: change.at, running };
    else points.push({ at: change.at, running });
  }
  return points;
}

function depthFunction(rows: ReadonlyMap<string, MutableRow>, executionId: string | undefined): (row: MutableRow) => number {
  const cache = new Map<string, number>();
  const depth = (row: MutableRow, guard: number): number => {
    const known = cache.get(row.id);
    if (known !== undefined) return known;
    const parent = row.parentId && row.parentId !== executionId ? rows.get(row.parentId) : undefined;
    const value = parent && guard < 1000 ? depth(parent, guard + 1) + 1 : 0;
    cache.set(row.id, value);
    return value;
  };
  return (row) => depth(row, 0);
}

function typeOf(kind: string): string | undefined {
  return TYPE_BY_PREFIX.find(([prefix]) => kind.startsWith(prefix))?.[1];
}

function statusOf(kind: string): string {
  return STATUS_BY_SUFFIX.find(([suffix]) => kind.endsWith(suffix))?.[1] ?? 'STARTED';
}

function resultOf(event: Event): string | undefined {
  return (
    event.ContextSucceededDetails?.Result?.Payload ??
    event.StepSucceededDetails?.Result?.Payload ??
    event.CallbackSucceededDetails?.Result?.Payload ??
    event.ChainedInvokeSucceededDetails?.Result?.Payload
  );
}

function errorOf(event: Event): ErrorObject | undefined {
  return (
    event.ContextFailedDetails?.Error?.Payload ??
    event.StepFailedDetails?.Error?.Payload ??
    event.CallbackFailedDetails?.Error?.Payload ??
    event.CallbackTimedOutDetails?.Error?.Payload ??
    event.ChainedInvokeFailedDetails?.Error?.Payload ??
    event.ChainedInvokeTimedOutDetails?.Error?.Payload ??
    event.ChainedInvokeStoppedDetails?.Error?.Payload ??
    event.WaitCancelledDetails?.Error?.Payload
  );
}

function time(value: Date | string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}
