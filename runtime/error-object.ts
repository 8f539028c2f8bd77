import type { ErrorObject, OperationUpdate } from '@aws-sdk/client-lambda';
import { DurableError, type DurableErrorOptions } from './errors';

/**
 * Conversion between thrown values and the wire `ErrorObject` (protocol.md §2.4).
 *
 * `ErrorType` is the error's `name`, `ErrorMessage` its message. `ErrorData` carries, as JSON, what
 * is needed to rebuild the same error on replay: `{ data?, cause? }` where `data` holds the error's own
 * JSON-safe properties (e.g. `code`) and `cause` its cause chain. An error that already carries
 * recorded `errorData` (a rebuilt error, or a batch error whose data is its summary) keeps it as is.
 */

/** A link of a serialised cause chain. */
interface SerializedCause {
  name: string;
  message: string;
  data?: Record<string, unknown>;
  cause?: SerializedCause;
}

interface ErrorEnvelope {
  data?: Record<string, unknown>;
  cause?: SerializedCause;
}

const MAX_CAUSE_DEPTH = 8;
const OWN_FIELDS_SKIPPED = new Set(['name', 'message', 'stack', 'cause', 'errorType', 'errorData']);

/** Builds the `ErrorObject` recorded for a thrown value. */
export function toErrorObject(error: unknown): ErrorObject {
  if (!(error instanceof Error)) {
    return nonErrorObject(error);
  }
  const object: ErrorObject = { ErrorType: error.name || 'Error', ErrorMessage: error.message };
  if (error instanceof DurableError && error.errorData !== undefined) {
    object.ErrorData = error.errorData;
    return object;
  }
  const envelope: ErrorEnvelope = {};
  const data = ownData(error);
  if (data) envelope.data = data;
  const cause = serializeCause(error.cause, 0);
  if (cause) envelope.cause = cause;
  if (envelope.data || envelope.cause) object.ErrorData = JSON.stringify(envelope);
  return object;
}

/** `ErrorType` recorded for a thrown value that is not an `Error` (`throw { code: 'E42' }`). */
export const NON_ERROR_THROWN = 'NonErrorThrown';

const MAX_DESCRIBED_CHARS = 200;

/**
 * The `ErrorObject` of a thrown non-Error value: the value itself is kept as the error's data (an
 * object's JSON-safe fields, or `{ value }` for anything else), so the rebuilt error carries it
 * (`error.cause.code === 'E42'`), and the message shows it.
 */
function nonErrorObject(value: unknown): ErrorObject {
  let described: string;
  let data: Record<string, unknown> | undefined;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
      if (isJsonSafe(field)) (data ??= {})[key] = field;
    }
    described = safeJson(data ?? {}) ?? Object.prototype.toString.call(value);
  } else {
    if (isJsonSafe(value)) data = { value };
    described = typeof value === 'string' ? JSON.stringify(value) : (safeJson(value) ?? String(value));
  }
  if (described.length > MAX_DESCRIBED_CHARS) described = `${described.slice(0, MAX_DESCRIBED_CHARS)}…`;
  const object: ErrorObject = {
    ErrorType: NON_ERROR_THROWN,
    ErrorMessage: `A value that is not an Error was thrown: ${described}. Throw an Error (e.g. Object.assign(new Error('…'), { code })) to keep a stack trace.`,
  };
  if (data) object.ErrorData = JSON.stringify({ data });
  return object;
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/**
 * Rebuilds the original error from its `ErrorObject`: an `Error` whose `name`, `message`, own data and
 * cause chain are the recorded ones (the top of the chain is built like any link of it).
 */
function originalErrorFrom(object: ErrorObject | undefined): Error {
  const envelope = parseEnvelope(object?.ErrorData);
  return rebuildCause({
    name: object?.ErrorType ?? 'Error',
    message: object?.ErrorMessage ?? 'Unknown error',
    data: envelope?.data,
    cause: envelope?.cause,
  });
}

/**
 * Builds the typed error an operation throws for a recorded failure: `new ErrorClass(message)` with
 * `errorType`/`errorData` from the record and the original error as `cause`.
 *
 * @example
 * throw typedErrorFrom(StepError, op.StepDetails?.Error);
 */
export function typedErrorFrom<E extends DurableError>(
  ErrorClass: new (message: string, options?: DurableErrorOptions) => E,
  object: ErrorObject | undefined,
): E {
  return new ErrorClass(object?.ErrorMessage ?? 'Unknown error', {
    cause: originalErrorFrom(object),
    errorType: object?.ErrorType,
    errorData: object?.ErrorData,
  });
}

/** Largest JSON size (bytes) of an update carrying an `Error` (protocol.md §4.1 item 9: < 32,768). */
export const MAX_ERROR_UPDATE_BYTES = 32_767;

const TRUNCATION_MARK = '…[truncated]';

/**
 * Drops `StackTrace`, then shortens `ErrorMessage`, then `ErrorData`, until `measure(error)` fits
 * `limit` bytes. `measure` returns the UTF-8 size of whatever carries the error (an update or a
 * handler output). The message goes first because `ErrorData` is structured (the cause chain and
 * own data of an error, a batch summary) and is useless once cut.
 */
export function truncateErrorToFit(error: ErrorObject, measure: (candidate: ErrorObject) => number, limit: number): ErrorObject {
  // Returned as is when it fits, so a caller can tell by identity that nothing was cut.
  if (measure(error) <= limit) return error;
  let candidate: ErrorObject = { ...error };
  if (candidate.StackTrace) {
    candidate = { ...candidate };
    delete candidate.StackTrace;
    if (measure(candidate) <= limit) return candidate;
  }
  for (const field of ['ErrorMessage', 'ErrorData', 'ErrorType'] as const) {
    let base = candidate[field];
    if (base === undefined) continue;
    let over = measure(candidate) - limit;
    while (over > 0 && base.length > 0) {
      // Every removed character saves at least one byte, so one pass nearly always suffices.
      base = base.slice(0, Math.max(0, base.length - over - TRUNCATION_MARK.length));
      candidate = { ...candidate, [field]: base + TRUNCATION_MARK };
      over = measure(candidate) - limit;
    }
    if (over <= 0) return candidate;
  }
  return candidate;
}

/**
 * Applies {@link truncateErrorToFit} to an update so its JSON stays under 32 KB. Operations fit
 * their closing update before they throw, so the error seen on the first run is the recorded one
 * that every replay rebuilds.
 *
 * @example
 * const update = fitErrorUpdate({ ...identity, Action: 'FAIL', Error: toErrorObject(error) });
 * await checkpoint(ctx, update, what);
 * throw typedErrorFrom(StepError, update.Error);
 */
export function fitErrorUpdate(update: OperationUpdate): OperationUpdate {
  if (!update.Error) return update;
  const fitted = truncateErrorToFit(
    update.Error,
    (candidate) => Buffer.byteLength(JSON.stringify({ ...update, Error: candidate }), 'utf8'),
    MAX_ERROR_UPDATE_BYTES,
  );
  return fitted === update.Error ? update : { ...update, Error: fitted };
}

function ownData(error: Error): Record<string, unknown> | undefined {
  if (error instanceof DurableError) return undefined;
  let data: Record<string, unknown> | undefined;
  for (const key of Object.keys(error)) {
    if (OWN_FIELDS_SKIPPED.has(key)) continue;
    const value = (error as unknown as Record<string, unknown>)[key];
    if (!isJsonSafe(value)) continue;
    (data ??= {})[key] = value;
  }
  return data;
}

function isJsonSafe(value: unknown): boolean {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return false;
  try {
    return JSON.stringify(value) !== undefined;
  } catch {
    return false;
  }
}

function serializeCause(cause: unknown, depth: number): SerializedCause | undefined {
  if (cause === undefined || depth >= MAX_CAUSE_DEPTH) return undefined;
  if (!(cause instanceof Error)) {
    const object = nonErrorObject(cause);
    const link: SerializedCause = { name: object.ErrorType as string, message: typeof cause === 'string' ? cause : (object.ErrorMessage as string) };
    const envelope = parseEnvelope(object.ErrorData);
    if (envelope?.data) link.data = envelope.data;
    return link;
  }
  const link: SerializedCause = { name: cause.name || 'Error', message: cause.message };
  const data = ownData(cause);
  if (data) link.data = data;
  const next = serializeCause(cause.cause, depth + 1);
  if (next) link.cause = next;
  return link;
}

function rebuildCause(link: SerializedCause): Error {
  const error = new Error(link.message);
  error.name = link.name;
  if (link.data) Object.assign(error, link.data);
  if (link.cause) Object.defineProperty(error, 'cause', { value: rebuildCause(link.cause), writable: true, configurable: true });
  return error;
}

function parseEnvelope(errorData: string | undefined): ErrorEnvelope | undefined {
  if (!errorData) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(errorData);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const keys = Object.keys(parsed);
  if (keys.length === 0 || !keys.every((key) => key === 'data' || key === 'cause')) return undefined;
  const envelope = parsed as ErrorEnvelope;
  if (envelope.cause !== undefined && !isCauseLink(envelope.cause)) return undefined;
  return envelope;
}

function isCauseLink(value: unknown): value is SerializedCause {
  if (value === null || typeof value !== 'object') return false;
  const link = value as Partial<SerializedCause>;
  return typeof link.name === 'string' && typeof link.message === 'string' && (link.cause === undefined || isCauseLink(link.cause));
}

/**
 * The `ErrorObject` an operation error stands for: the recorded type, message and data of the
 * original failure (not the wrapper's own class name).
 */
export function recordedErrorObject(error: unknown): ErrorObject {
  if (error instanceof DurableError && error.errorType !== undefined) {
    return {
      ErrorType: error.errorType,
      ErrorMessage: error.message,
      ...(error.errorData !== undefined ? { ErrorData: error.errorData } : {}),
    };
  }
  return toErrorObject(error);
}
