/**
 * The read APIs: the runtime's `GetDurableExecutionState` (§3.2) and the control plane's
 * `GetDurableExecution`, `GetDurableExecutionHistory` and `ListDurableExecutionsByFunction`
 * (§6.2–§6.4), with their paging. None of them changes an execution.
 */
import type {
  Event,
  Execution,
  ExecutionStatus,
  GetDurableExecutionHistoryRequest,
  GetDurableExecutionHistoryResponse,
  GetDurableExecutionRequest,
  GetDurableExecutionResponse,
  GetDurableExecutionStateRequest,
  GetDurableExecutionStateResponse,
  ListDurableExecutionsByFunctionRequest,
  ListDurableExecutionsByFunctionResponse,
  Operation,
} from '@aws-sdk/client-lambda';
import { resolveVersion } from './arns';
import { deepCopy } from './clone';
import type { CoreState } from './core-state';
import { invalidParameter, notFound } from './errors';
import { stripExecutionData } from './history';
import { executionForToken, invocationForToken } from './invocations';
import { decodeEventIdMarker, decodeMarker, encodeMarker, markerGiven, pageSize } from './pagination';
import { executionDeadline, pauseDetails, stripPauseReason } from './pausing';
import type { ExecutionRecord } from './records';
import { allOperations, statePage } from './state-view';
import { requireCheckpointToken } from './tokens';

const TERMINAL: readonly ExecutionStatus[] = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'STOPPED'];
/** Every status the `Statuses` filter takes (§6.4): PAUSING, PAUSED and DELETING included. */
const LISTABLE: readonly ExecutionStatus[] = ['RUNNING', 'PAUSING', 'PAUSED', ...TERMINAL, 'DELETING'];

/**
 * A page of the execution's state for its running invocation (any of its tokens will do).
 * @example getState(state, { DurableExecutionArn: arn, CheckpointToken: token, Marker: page.NextMarker })
 */
export function getState(state: CoreState, req: GetDurableExecutionStateRequest): GetDurableExecutionStateResponse {
  const token = requireCheckpointToken(req.CheckpointToken);
  const exec = executionForToken(state, req.DurableExecutionArn);
  assertNotDeleting(exec);
  invocationForToken(exec, token, 'state');
  const size = pageSize(req.MaxItems);
  return statePage(exec, markerGiven(req.Marker) ? decodeMarker('state', req.Marker) : 0, size);
}

/**
 * An execution's description; its input, result and error unless `IncludeExecutionData` is false.
 * @example getExecution(state, { DurableExecutionArn: arn }).Status
 */
export function getExecution(state: CoreState, req: GetDurableExecutionRequest): GetDurableExecutionResponse {
  const exec = state.executions.lookup(req.DurableExecutionArn);
  const include = req.IncludeExecutionData !== false;
  if (exec.status === 'DELETING') {
    // Only the required fields, the version and the settings: the data is being removed (§9.8).
    return {
      ...executionSummary(exec),
      Version: exec.version,
      DurableConfig: { ExecutionTimeout: exec.executionTimeoutSeconds, RetentionPeriodInDays: exec.retentionDays },
    };
  }
  const res: GetDurableExecutionResponse = {
    ...executionSummary(exec),
    Version: exec.version,
    ExecutionDataIncluded: include,
    DurableConfig: { ExecutionTimeout: exec.executionTimeoutSeconds, RetentionPeriodInDays: exec.retentionDays },
  };
  if (exec.endedAt !== undefined) res.EndTimestamp = new Date(exec.endedAt);
  else res.ExpectedExecutionTimeoutTimestamp = new Date(executionDeadline(exec));
  const paused = pauseDetails(exec, include);
  if (paused) res.PauseDetails = paused;
  if (include) {
    if (exec.inputPayload !== undefined) res.InputPayload = exec.inputPayload;
    if (exec.status === 'SUCCEEDED' && exec.result !== undefined) res.Result = exec.result;
    if (exec.status !== 'SUCCEEDED' && exec.error !== undefined) res.Error = deepCopy(exec.error);
  }
  return res;
}

/**
 * A page of the execution's history, oldest first unless `ReverseOrder`; the marker is the next
 * EventId (emulator rule, §6.3).
 * @example getHistory(state, { DurableExecutionArn: arn, MaxItems: 50 }).Events
 */
export function getHistory(state: CoreState, req: GetDurableExecutionHistoryRequest): GetDurableExecutionHistoryResponse {
  const exec = state.executions.lookup(req.DurableExecutionArn);
  assertNotDeleting(exec);
  const include = req.IncludeExecutionData !== false;
  const size = pageSize(req.MaxItems);
  const total = exec.history.length;
  const reverse = req.ReverseOrder === true;
  let from = reverse ? total : 1;
  if (markerGiven(req.Marker)) {
    from = decodeEventIdMarker(req.Marker);
    // Forwards, the marker after the last page may point one past the end: the next event to come.
    if (reverse ? from > total : from > total + 1) {
      throw invalidParameter(`Invalid Marker "${req.Marker}": this execution has ${total} events.`);
    }
  }
  const events: Event[] = [];
  let id = from;
  while (events.length < size && (reverse ? id >= 1 : id <= total)) {
    const event = exec.history.at(id);
    events.push(include ? event : stripPauseReason(stripExecutionData(event)));
    id += reverse ? -1 : 1;
  }
  const more = reverse ? id >= 1 : id <= total;
  return more ? { Events: events, NextMarker: String(id) } : { Events: events };
}

/**
 * A page of a function's executions matching the filters, newest first unless `ReverseOrder` (§6.4).
 * @throws CoreServiceError 404 for an unknown function, 400 for a bad filter or marker.
 * @example listExecutions(state, { FunctionName: 'orders', Statuses: ['RUNNING'] }).DurableExecutions
 */
export function listExecutions(state: CoreState, req: ListDurableExecutionsByFunctionRequest): ListDurableExecutionsByFunctionResponse {
  const { def, ref } = state.functions.resolve(req.FunctionName, req.Qualifier);
  const version = ref.qualifier === undefined ? undefined : resolveVersion(def, ref.qualifier, state.location);
  const statuses = req.Statuses;
  if (statuses !== undefined) {
    if (!Array.isArray(statuses) || statuses.some((s) => !LISTABLE.includes(s))) {
      throw invalidParameter(`Invalid Statuses filter: use ${LISTABLE.join(', ')}.`);
    }
  }
  const after = optionalDate(req.StartedAfter, 'StartedAfter');
  const before = optionalDate(req.StartedBefore, 'StartedBefore');
  const size = pageSize(req.MaxItems);
  const reverse = req.ReverseOrder === true;
  const marker = markerGiven(req.Marker) ? decodeMarker('list', req.Marker) : undefined;
  const matches: ExecutionRecord[] = [];
  for (const exec of state.executions.liveAll()) {
    if (exec.functionName !== def.functionName) continue;
    if (version !== undefined && exec.version !== version) continue;
    if (req.DurableExecutionName !== undefined && exec.name !== req.DurableExecutionName) continue;
    if (statuses !== undefined && statuses.length > 0 && !statuses.includes(exec.status)) continue;
    if (after !== undefined && exec.startedAt <= after) continue;
    if (before !== undefined && exec.startedAt >= before) continue;
    if (marker !== undefined && (reverse ? exec.createdSeq < marker : exec.createdSeq > marker)) continue;
    matches.push(exec);
  }
  // Newest first by default (§6.4); creation order is start order.
  matches.sort((a, b) => (reverse ? a.createdSeq - b.createdSeq : b.createdSeq - a.createdSeq));
  const page = matches.slice(0, size).map((exec) => {
    const item: Execution = executionSummary(exec);
    if (exec.endedAt !== undefined && exec.status !== 'DELETING') item.EndTimestamp = new Date(exec.endedAt);
    return item;
  });
  return matches.length > size
    ? { DurableExecutions: page, NextMarker: encodeMarker('list', matches[size].createdSeq) }
    : { DurableExecutions: page };
}

/**
 * Every operation of an execution in start order, nothing hidden (hosts, diagnostics, tests).
 * @example getOperations(state, arn).map((op) => op.Status)
 */
export function getOperations(state: CoreState, executionArn: string): Operation[] {
  return allOperations(state.executions.lookup(executionArn));
}

/** The fields every description of an execution starts with (§6.2, §6.4). */
function executionSummary(exec: ExecutionRecord): Execution {
  return {
    DurableExecutionArn: exec.arn,
    DurableExecutionName: exec.name,
    FunctionArn: exec.functionArn,
    Status: exec.status,
    StartTimestamp: new Date(exec.startedAt),
  };
}

/** A DELETING execution's history and state are already out of reach (§9.8). */
function assertNotDeleting(exec: ExecutionRecord): void {
  if (exec.status === 'DELETING') {
    throw notFound(`Durable execution ${exec.arn} is being deleted; its history and state are no longer available.`);
  }
}

function optionalDate(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw invalidParameter(`${name} must be a timestamp.`);
  }
  return value.getTime();
}
