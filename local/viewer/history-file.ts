/**
 * The saved-history file: one execution's description and its full history, as JSON.
 *
 * Format (version 1):
 *
 *     {
 *       "format": "cdk-durable-function/execution-history",
 *       "version": 1,
 *       "execution": { …GetDurableExecution's response: DurableExecutionArn, DurableExecutionName,
 *                      FunctionArn, Status, StartTimestamp, EndTimestamp?, InputPayload?, Result?, Error? },
 *       "events": [ …GetDurableExecutionHistory's Events, oldest first, with execution data ],
 *       "virtualClock": false
 *     }
 *
 * Timestamps are ISO-8601 strings. A file that holds only a `GetDurableExecutionHistory` response
 * (`{ "Events": [...] }`) or a bare array of events is read too; the execution is then described
 * from its events.
 *
 * @example
 * fs.writeFileSync('order-1.json', serializeHistoryFile(execution, events));
 * const saved = parseHistoryFile(fs.readFileSync('order-1.json', 'utf8'), 'order-1.json');
 */
import type { ErrorObject, Event, GetDurableExecutionResponse } from '@aws-sdk/client-lambda';

/** The `format` value that marks a saved-history file. */
export const HISTORY_FILE_FORMAT = 'cdk-durable-function/execution-history';
/** The version of the format this package writes and reads. */
export const HISTORY_FILE_VERSION = 1;

/** A saved execution: what `GetDurableExecution` says of it, and its history. */
export interface SavedExecution {
  readonly execution: {
    readonly DurableExecutionArn: string;
    readonly DurableExecutionName: string;
    readonly FunctionArn?: string;
    readonly Status: string;
    readonly StartTimestamp?: Date;
    readonly EndTimestamp?: Date;
    readonly InputPayload?: string;
    readonly Result?: string;
    readonly Error?: ErrorObject;
  };
  readonly events: Event[];
  /** True when the times are a local service's virtual clock. */
  readonly virtualClock: boolean;
}

/**
 * A history file that cannot be read; the message names the file and what is wrong.
 *
 * @example
 * try { parseHistoryFile(text, file); } catch (err) { if (err instanceof HistoryFileError) console.error(err.message); }
 */
export class HistoryFileError extends Error {
  override readonly name = 'HistoryFileError';
}

/**
 * Writes a saved-history file's text.
 *
 * @example
 * serializeHistoryFile(await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn })), events);
 */
export function serializeHistoryFile(
  execution: Pick<GetDurableExecutionResponse, 'DurableExecutionArn' | 'DurableExecutionName' | 'FunctionArn' | 'Status' | 'StartTimestamp' | 'EndTimestamp' | 'InputPayload' | 'Result' | 'Error'>,
  events: readonly Event[],
  options: { readonly virtualClock?: boolean } = {},
): string {
  const description = {
    DurableExecutionArn: execution.DurableExecutionArn,
    DurableExecutionName: execution.DurableExecutionName,
    FunctionArn: execution.FunctionArn,
    Status: execution.Status,
    StartTimestamp: execution.StartTimestamp,
    EndTimestamp: execution.EndTimestamp,
    InputPayload: execution.InputPayload,
    Result: execution.Result,
    Error: execution.Error,
  };
  return `${JSON.stringify(
    { format: HISTORY_FILE_FORMAT, version: HISTORY_FILE_VERSION, execution: description, events, virtualClock: options.virtualClock ?? false },
    null,
    2,
  )}\n`;
}

/**
 * Reads a saved-history file (or a bare history) into a {@link SavedExecution}.
 *
 * @throws HistoryFileError when the text is not JSON, is of another format or version, or has no events.
 * @example
 * const saved = parseHistoryFile(fs.readFileSync(file, 'utf8'), file);
 */
export function parseHistoryFile(text: string, source: string): SavedExecution {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new HistoryFileError(`${source} is not JSON (${(err as Error).message}). Give a file written by \`cdk-durable history export\` or a GetDurableExecutionHistory response.`);
  }
  if (Array.isArray(value)) return fromEvents(value.map(reviveEvent), source, false);
  if (!isObject(value)) throw new HistoryFileError(`${source} holds ${typeof value}, not an execution history object.`);
  if (Array.isArray(value.Events) && value.format === undefined) return fromEvents(value.Events.map(reviveEvent), source, false);
  if (value.format !== HISTORY_FILE_FORMAT) {
    throw new HistoryFileError(`${source} is not a saved execution history: its "format" is ${JSON.stringify(value.format)}, expected "${HISTORY_FILE_FORMAT}".`);
  }
  if (value.version !== HISTORY_FILE_VERSION) {
    throw new HistoryFileError(`${source} is version ${JSON.stringify(value.version)} of the history format; this package reads version ${HISTORY_FILE_VERSION}. Re-export it with this package's \`cdk-durable history export\`.`);
  }
  if (!Array.isArray(value.events)) throw new HistoryFileError(`${source} has no "events" array.`);
  const events = value.events.map(reviveEvent);
  const execution = isObject(value.execution) ? value.execution : {};
  const fallback = fromEvents(events, source, value.virtualClock === true);
  return {
    execution: {
      ...fallback.execution,
      DurableExecutionArn: stringOr(execution.DurableExecutionArn, fallback.execution.DurableExecutionArn),
      DurableExecutionName: stringOr(execution.DurableExecutionName, fallback.execution.DurableExecutionName),
      FunctionArn: typeof execution.FunctionArn === 'string' ? execution.FunctionArn : undefined,
      Status: stringOr(execution.Status, fallback.execution.Status),
      StartTimestamp: dateOf(execution.StartTimestamp) ?? fallback.execution.StartTimestamp,
      EndTimestamp: dateOf(execution.EndTimestamp) ?? fallback.execution.EndTimestamp,
      InputPayload: typeof execution.InputPayload === 'string' ? execution.InputPayload : fallback.execution.InputPayload,
      Result: typeof execution.Result === 'string' ? execution.Result : fallback.execution.Result,
      Error: isObject(execution.Error) ? (execution.Error as ErrorObject) : fallback.execution.Error,
    },
    events,
    virtualClock: value.virtualClock === true,
  };
}

/** Describes an execution from its events alone, for files that carry nothing else. */
function fromEvents(events: Event[], source: string, virtualClock: boolean): SavedExecution {
  if (events.length === 0) throw new HistoryFileError(`${source} has no history events.`);
  const started = events.find((event) => event.EventType === 'ExecutionStarted');
  const ended = [...events].reverse().find((event) => /^Execution(Succeeded|Failed|TimedOut|Stopped)$/.test(event.EventType ?? ''));
  const status = ended ? statusOfEnd(ended.EventType as string) : 'RUNNING';
  const name = started?.Name ?? source.replace(/^.*[\\/]/, '').replace(/\.json$/i, '');
  return {
    execution: {
      DurableExecutionArn: `file:${source}`,
      DurableExecutionName: name,
      Status: status,
      StartTimestamp: started?.EventTimestamp,
      EndTimestamp: ended?.EventTimestamp,
      InputPayload: started?.ExecutionStartedDetails?.Input?.Payload,
      Result: ended?.ExecutionSucceededDetails?.Result?.Payload,
      Error:
        ended?.ExecutionFailedDetails?.Error?.Payload ??
        ended?.ExecutionTimedOutDetails?.Error?.Payload ??
        ended?.ExecutionStoppedDetails?.Error?.Payload,
    },
    events,
    virtualClock,
  };
}

function statusOfEnd(eventType: string): string {
  switch (eventType) {
    case 'ExecutionSucceeded':
      return 'SUCCEEDED';
    case 'ExecutionFailed':
      return 'FAILED';
    case 'ExecutionTimedOut':
      return 'TIMED_OUT';
    default:
      return 'STOPPED';
  }
}

const TIMESTAMP_KEYS: ReadonlySet<string> = new Set([
  'EventTimestamp',
  'StartTimestamp',
  'EndTimestamp',
  'ScheduledEndTimestamp',
  'PauseRequestTimestamp',
  'ResumeRequestTimestamp',
]);

/** Turns the ISO strings JSON made of an event's timestamps back into Dates, at any depth. */
function reviveEvent(value: unknown): Event {
  const revive = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(revive);
    if (!isObject(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node)) {
      out[key] = TIMESTAMP_KEYS.has(key) ? dateOf(child) ?? child : revive(child);
    }
    return out;
  };
  return revive(value) as Event;
}

function dateOf(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
