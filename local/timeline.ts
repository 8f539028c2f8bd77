/**
 * A readable account of what an execution did, built from its history events: one entry per
 * operation in start order, nested under its parent context, with its type, name, status,
 * attempts and (service-clock) duration, plus the spans it spent paused. Used by the CLI and by
 * `LocalDurableService.run`.
 */
import type { ErrorObject, Event, OperationStatus, OperationType } from '@aws-sdk/client-lambda';

/**
 * One operation as the history tells it.
 *
 * @example
 * summarizeOperations(events).find((op) => op.name === 'charge')?.attempts; // 3
 */
export interface OperationSummary {
  readonly id: string;
  readonly parentId?: string;
  readonly name?: string;
  readonly type: OperationType;
  readonly subType?: string;
  /** The latest status; a step between attempts is `PENDING`. */
  readonly status: OperationStatus;
  readonly startedAt: Date;
  readonly endedAt?: Date;
  /** Attempts that ended (steps only; 0 for others). */
  readonly attempts: number;
  /** Nesting depth: 0 for the execution, 1 for top-level operations. */
  readonly depth: number;
  /** The result payload (JSON text) of a succeeded operation, when the history carries it. */
  readonly result?: string;
  readonly error?: ErrorObject;
}

interface MutableSummary {
  id: string;
  parentId?: string;
  name?: string;
  type: OperationType;
  subType?: string;
  status: OperationStatus;
  startedAt: Date;
  endedAt?: Date;
  attempts: number;
  result?: string;
  error?: ErrorObject;
}

type Transition = { readonly type: OperationType; readonly status: OperationStatus };

const TRANSITIONS: Readonly<Record<string, Transition>> = {
  ExecutionStarted: { type: 'EXECUTION', status: 'STARTED' },
  ExecutionSucceeded: { type: 'EXECUTION', status: 'SUCCEEDED' },
  ExecutionFailed: { type: 'EXECUTION', status: 'FAILED' },
  ExecutionTimedOut: { type: 'EXECUTION', status: 'TIMED_OUT' },
  ExecutionStopped: { type: 'EXECUTION', status: 'STOPPED' },
  ContextStarted: { type: 'CONTEXT', status: 'STARTED' },
  ContextSucceeded: { type: 'CONTEXT', status: 'SUCCEEDED' },
  ContextFailed: { type: 'CONTEXT', status: 'FAILED' },
  StepStarted: { type: 'STEP', status: 'STARTED' },
  StepSucceeded: { type: 'STEP', status: 'SUCCEEDED' },
  StepFailed: { type: 'STEP', status: 'FAILED' },
  WaitStarted: { type: 'WAIT', status: 'STARTED' },
  WaitSucceeded: { type: 'WAIT', status: 'SUCCEEDED' },
  WaitCancelled: { type: 'WAIT', status: 'CANCELLED' },
  CallbackStarted: { type: 'CALLBACK', status: 'STARTED' },
  CallbackSucceeded: { type: 'CALLBACK', status: 'SUCCEEDED' },
  CallbackFailed: { type: 'CALLBACK', status: 'FAILED' },
  CallbackTimedOut: { type: 'CALLBACK', status: 'TIMED_OUT' },
  ChainedInvokeStarted: { type: 'CHAINED_INVOKE', status: 'STARTED' },
  ChainedInvokeSucceeded: { type: 'CHAINED_INVOKE', status: 'SUCCEEDED' },
  ChainedInvokeFailed: { type: 'CHAINED_INVOKE', status: 'FAILED' },
  ChainedInvokeTimedOut: { type: 'CHAINED_INVOKE', status: 'TIMED_OUT' },
  ChainedInvokeStopped: { type: 'CHAINED_INVOKE', status: 'STOPPED' },
};

/**
 * Folds history events into one summary per operation, in the order the operations started.
 * `InvocationCompleted` events describe invocations, not operations, and are skipped.
 *
 * @example
 * const { Events } = await client.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn }));
 * summarizeOperations(Events ?? []);
 */
export function summarizeOperations(events: readonly Event[]): OperationSummary[] {
  const byId = new Map<string, MutableSummary>();
  for (const event of events) {
    const transition = TRANSITIONS[event.EventType ?? ''];
    if (transition === undefined || event.Id === undefined) {
      continue;
    }
    const at = event.EventTimestamp ?? new Date(0);
    let summary = byId.get(event.Id);
    if (summary === undefined) {
      summary = {
        id: event.Id,
        parentId: event.ParentId,
        name: event.Name,
        type: transition.type,
        subType: event.SubType,
        status: transition.status,
        startedAt: at,
        attempts: 0,
      };
      byId.set(event.Id, summary);
    }
    applyEvent(summary, event, transition, at);
  }
  const summaries = [...byId.values()];
  const depthOf = (summary: MutableSummary, seen = new Set<string>()): number => {
    if (summary.type === 'EXECUTION') {
      return 0;
    }
    const parent = summary.parentId === undefined ? undefined : byId.get(summary.parentId);
    if (parent === undefined || seen.has(parent.id)) {
      return 1;
    }
    seen.add(parent.id);
    return depthOf(parent, seen) + 1;
  };
  return orderByParent(summaries).map((summary) => ({ ...summary, depth: depthOf(summary) }));
}

function applyEvent(summary: MutableSummary, event: Event, transition: Transition, at: Date): void {
  summary.status = transition.status;
  summary.name = summary.name ?? event.Name;
  summary.subType = summary.subType ?? event.SubType;
  const terminal = transition.status !== 'STARTED';
  if (terminal) {
    summary.endedAt = at;
  }
  const retry = event.StepSucceededDetails?.RetryDetails ?? event.StepFailedDetails?.RetryDetails;
  if (retry?.CurrentAttempt !== undefined) {
    summary.attempts = retry.CurrentAttempt;
  } else if (event.EventType === 'StepSucceeded' || event.EventType === 'StepFailed') {
    summary.attempts += 1;
  }
  if (retry?.NextAttemptDelaySeconds !== undefined) {
    // A RETRY update: the step waits for its next attempt rather than having ended.
    summary.status = 'PENDING';
    summary.endedAt = undefined;
  }
  if (event.EventType === 'StepStarted' && summary.status === 'STARTED') {
    summary.endedAt = undefined;
  }
  const result =
    event.ExecutionSucceededDetails?.Result ??
    event.ContextSucceededDetails?.Result ??
    event.StepSucceededDetails?.Result ??
    event.CallbackSucceededDetails?.Result ??
    event.ChainedInvokeSucceededDetails?.Result;
  if (result?.Payload !== undefined) {
    summary.result = result.Payload;
  }
  const error =
    event.ExecutionFailedDetails?.Error ??
    event.ExecutionTimedOutDetails?.Error ??
    event.ExecutionStoppedDetails?.Error ??
    event.ContextFailedDetails?.Error ??
    event.StepFailedDetails?.Error ??
    event.WaitCancelledDetails?.Error ??
    event.CallbackFailedDetails?.Error ??
    event.CallbackTimedOutDetails?.Error ??
    event.ChainedInvokeFailedDetails?.Error ??
    event.ChainedInvokeTimedOutDetails?.Error ??
    event.ChainedInvokeStoppedDetails?.Error;
  if (error?.Payload !== undefined) {
    summary.error = error.Payload;
  }
}

/**
 * One stretch of time the execution spent PAUSED (§9.4), from its `ExecutionPaused` event to its
 * `ExecutionResumed` event, or to the end of the execution when it ended paused (stopped, timed out).
 *
 * @example
 * summarizePauses(events).map((p) => p.reason); // ['deploy']
 */
export interface PausedSpan {
  readonly pausedAt: Date;
  /** When it ran again; absent while still paused or when it ended paused. */
  readonly resumedAt?: Date;
  /** When the execution ended while paused. */
  readonly endedAt?: Date;
  readonly timeoutPaused: boolean;
  readonly reason?: string;
}

const EXECUTION_ENDS = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionStopped']);

/**
 * The paused spans of an execution, oldest first.
 *
 * @example
 * for (const span of summarizePauses(events)) console.log(span.pausedAt, span.resumedAt);
 */
export function summarizePauses(events: readonly Event[]): PausedSpan[] {
  const spans: PausedSpan[] = [];
  let open: { pausedAt: Date; timeoutPaused: boolean; reason?: string } | undefined;
  for (const event of events) {
    const at = event.EventTimestamp ?? new Date(0);
    if (event.EventType === 'ExecutionPaused') {
      const details = event.ExecutionPausedDetails;
      open = {
        pausedAt: at,
        timeoutPaused: details?.ExecutionTimeoutPaused !== false,
        ...(details?.Reason?.Payload !== undefined ? { reason: details.Reason.Payload } : {}),
      };
    } else if (open && event.EventType === 'ExecutionResumed') {
      spans.push({ ...open, resumedAt: at });
      open = undefined;
    } else if (open && EXECUTION_ENDS.has(event.EventType ?? '')) {
      spans.push({ ...open, endedAt: at });
      open = undefined;
    }
  }
  if (open) spans.push(open);
  return spans;
}

/** One line per paused span: `paused  +<offset>  <duration or state>  [timeout running]  "<reason>"`. */
function pauseLines(events: readonly Event[], origin: Date): string[] {
  return summarizePauses(events).map((span) => {
    const until = span.resumedAt ?? span.endedAt;
    const length = until === undefined ? 'still paused' : `${formatDuration(until.getTime() - span.pausedAt.getTime())}${span.endedAt ? ' (ended paused)' : ''}`;
    return [
      'paused',
      `+${formatDuration(span.pausedAt.getTime() - origin.getTime())}`,
      length,
      span.timeoutPaused ? '' : 'timeout running',
      span.reason !== undefined ? JSON.stringify(span.reason) : '',
    ]
      .filter((cell) => cell !== '')
      .join('  ');
  });
}

/** Start order, but each operation directly after its parent's subtree so far (a tree walk). */
function orderByParent(summaries: MutableSummary[]): MutableSummary[] {
  const ids = new Set(summaries.map((s) => s.id));
  const children = new Map<string | undefined, MutableSummary[]>();
  for (const summary of summaries) {
    const parent = summary.type === 'EXECUTION' ? '' : summary.parentId !== undefined && ids.has(summary.parentId) ? summary.parentId : undefined;
    const list = children.get(parent) ?? [];
    list.push(summary);
    children.set(parent, list);
  }
  const ordered: MutableSummary[] = [];
  const visit = (parent: string | undefined) => {
    for (const child of children.get(parent) ?? []) {
      ordered.push(child);
      visit(child.id);
    }
  };
  visit('');
  visit(undefined);
  return ordered;
}

/**
 * Renders the timeline as text, one line per operation:
 * `+<start offset>  <indent><TYPE>/<SubType> "<name>"  <STATUS>  [attempts N]  <duration>`,
 * then one line per paused span (`paused  +5s  1m 10s  "deploy"`) and the invocation count.
 *
 * @example
 * console.log(formatTimeline(events));
 * // +0s        EXECUTION                 SUCCEEDED               1h 0m 2s
 * // +0s          STEP/Step "charge"      SUCCEEDED  attempts 3   6s
 * // +6s          WAIT/Wait               SUCCEEDED               1h 0m
 */
export function formatTimeline(events: readonly Event[]): string {
  const summaries = summarizeOperations(events);
  if (summaries.length === 0) {
    return '(no operations)';
  }
  const origin = summaries.find((s) => s.type === 'EXECUTION')?.startedAt ?? summaries[0].startedAt;
  const rows = summaries.map((s) => {
    const label = `${'  '.repeat(s.depth)}${s.type}${s.subType ? `/${s.subType}` : ''}${s.name !== undefined ? ` "${s.name}"` : ''}`;
    return [
      `+${formatDuration(s.startedAt.getTime() - origin.getTime())}`,
      label,
      s.status,
      s.type === 'STEP' ? `attempts ${s.attempts}` : '',
      s.endedAt !== undefined ? formatDuration(s.endedAt.getTime() - s.startedAt.getTime()) : 'running',
    ];
  });
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const lines = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
  lines.push(...pauseLines(events, origin));
  const invocations = events.filter((e) => e.EventType === 'InvocationCompleted');
  const failedInvocations = invocations.filter((e) => e.InvocationCompletedDetails?.Error !== undefined).length;
  lines.push(`${invocations.length} invocation${invocations.length === 1 ? '' : 's'}${failedInvocations > 0 ? ` (${failedInvocations} failed)` : ''}`);
  return lines.join('\n');
}

/**
 * A compact human duration: `250ms`, `1.5s`, `2m 5s`, `1h 0m 2s`, `3d 1h`.
 *
 * @example
 * formatDuration(3_602_000); // '1h 0m 2s'
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms)}ms`;
  }
  if (ms < 60_000) {
    // One decimal below a minute, without a trailing ".0".
    return `${Math.round(ms / 100) / 10}s`;
  }
  const totalSeconds = Math.round(ms / 1000);
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (days > 0) {
    return `${days}d ${hours}h`;
  }
  if (hours > 0) {
    return `${hours}h ${minutes}m${seconds > 0 ? ` ${seconds}s` : ''}`;
  }
  return `${minutes}m ${seconds}s`;
}
