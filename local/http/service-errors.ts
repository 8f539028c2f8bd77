/**
 * The service's error responses (protocol.md §0 and §6.7): the modelled error name in both the
 * `X-Amzn-ErrorType` header and the body's `__type`, its HTTP status, and the message under the
 * member name the API model uses for that error (`message` or `Message`).
 */
import type { ServiceErrorName } from '../core/api';

/**
 * Every error name this HTTP service can answer with: the core's modelled errors plus the
 * transport-level ones real Lambda returns for requests that never reach an API.
 *
 * @example
 * const name: WireErrorName = 'UnknownOperationException';
 */
export type WireErrorName =
  | ServiceErrorName
  /** A request body that is not the JSON the operation expects. */
  | 'InvalidRequestContentException'
  /** A body sent with a content type the operation does not take. */
  | 'UnsupportedMediaTypeException'
  /** No operation has this method and path. */
  | 'UnknownOperationException';

const HTTP_STATUS: Record<WireErrorName, number> = {
  InvalidParameterValueException: 400,
  CallbackTimeoutException: 400,
  InvalidRequestContentException: 400,
  ResourceNotFoundException: 404,
  UnknownOperationException: 404,
  DurableExecutionAlreadyStartedException: 409,
  ResourceConflictException: 409,
  RequestTooLargeException: 413,
  UnsupportedMediaTypeException: 415,
  TooManyRequestsException: 429,
  ServiceException: 500,
};

/** Errors whose model names the text member `message`; the others use `Message` (§6.7). */
const LOWERCASE_MESSAGE = new Set<string>([
  'InvalidParameterValueException',
  'ResourceConflictException',
  'RequestTooLargeException',
  'TooManyRequestsException',
  'InvalidRequestContentException',
  'UnsupportedMediaTypeException',
  'UnknownOperationException',
]);

/**
 * An error raised by the HTTP layer itself (bad query, malformed body, unknown route), carrying
 * the same fields as the core's `CoreServiceError` so both are encoded the same way.
 *
 * @example
 * throw new HttpServiceError('InvalidParameterValueException', 'MaxItems must be between 0 and 1000.');
 */
export class HttpServiceError extends Error {
  override readonly name: WireErrorName;
  readonly httpStatus: number;

  constructor(
    name: WireErrorName,
    message: string,
    /** Seconds for the `Retry-After` header of a 429. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = name;
    this.httpStatus = HTTP_STATUS[name];
  }
}

/**
 * The fields every service error exposes, whichever layer raised it.
 *
 * @example
 * const e: ServiceErrorLike = { name: 'ServiceException', httpStatus: 500, message: 'boom' };
 */
export interface ServiceErrorLike {
  readonly name: string;
  readonly httpStatus: number;
  readonly message: string;
  readonly retryAfterSeconds?: number;
}

/**
 * True for anything shaped like a service error (`HttpServiceError`, the core's
 * `CoreServiceError`, a fault-injected error), so the transport need not import each class.
 *
 * @example
 * isServiceError(new HttpServiceError('ServiceException', 'boom')); // true
 */
export function isServiceError(value: unknown): value is ServiceErrorLike {
  if (!(value instanceof Error)) {
    return false;
  }
  const candidate = value as Error & { httpStatus?: unknown };
  return typeof candidate.httpStatus === 'number' && candidate.httpStatus >= 400 && candidate.httpStatus < 600;
}

/**
 * An HTTP response ready to be written.
 *
 * @example
 * const reply: HttpReply = { status: 202, headers: { 'X-Amz-Executed-Version': '1' } };
 */
export interface HttpReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

/**
 * Encodes any thrown value as the service's error response. Anything that is not a service error
 * is an internal fault: a 500 `ServiceException` whose message names the cause, never a crash.
 *
 * @example
 * errorReply(new HttpServiceError('ResourceNotFoundException', 'Execution not found'));
 * // → { status: 404, headers: { 'X-Amzn-ErrorType': 'ResourceNotFoundException', … }, body: '{"__type":…,"Message":…}' }
 */
export function errorReply(error: unknown): HttpReply {
  const shaped: ServiceErrorLike = isServiceError(error)
    ? error
    : {
        name: 'ServiceException',
        httpStatus: 500,
        message: `Internal service error: ${error instanceof Error ? error.message : String(error)}`,
      };
  const body: Record<string, unknown> = {
    __type: shaped.name,
    Type: shaped.httpStatus >= 500 ? 'Service' : 'User',
    [LOWERCASE_MESSAGE.has(shaped.name) ? 'message' : 'Message']: shaped.message,
  };
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-Amzn-ErrorType': shaped.name,
  };
  if (shaped.httpStatus === 429) {
    body.Reason = 'CallerRateLimitExceeded';
    headers['Retry-After'] = String(Math.max(0, Math.ceil(shaped.retryAfterSeconds ?? 1)));
  }
  return { status: shaped.httpStatus, headers, body: JSON.stringify(body) };
}
