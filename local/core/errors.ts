import type { ServiceErrorName } from './api';

/** HTTP status of each modelled error (protocol.md §6.7). */
export const SERVICE_ERROR_STATUS: Readonly<Record<ServiceErrorName, number>> = {
  InvalidParameterValueException: 400,
  CallbackTimeoutException: 400,
  ResourceNotFoundException: 404,
  DurableExecutionAlreadyStartedException: 409,
  ResourceConflictException: 409,
  RequestTooLargeException: 413,
  TooManyRequestsException: 429,
  ServiceException: 500,
};

/**
 * An error the service returns to its caller, named after the modelled error shape.
 *
 * Transports turn it into their own form: the HTTP server into a status code plus
 * `X-Amzn-ErrorType`, the in-process client into the SDK's exception class.
 *
 * @example
 * throw new CoreServiceError('ResourceNotFoundException', `Execution not found: ${arn}`);
 */
export class CoreServiceError extends Error {
  override readonly name: ServiceErrorName;
  /** The HTTP status of the error shape. */
  readonly httpStatus: number;
  /** For `TooManyRequestsException`: the `Retry-After` value, in seconds. */
  readonly retryAfterSeconds?: number;

  constructor(name: ServiceErrorName, message: string, options: { retryAfterSeconds?: number } = {}) {
    super(message);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = name;
    this.httpStatus = SERVICE_ERROR_STATUS[name];
    if (options.retryAfterSeconds !== undefined) {
      this.retryAfterSeconds = options.retryAfterSeconds;
    }
  }
}

/** A 400 `InvalidParameterValueException`. @example throw invalidParameter('Invalid checkpoint token') */
export function invalidParameter(message: string): CoreServiceError {
  return new CoreServiceError('InvalidParameterValueException', message);
}

/** A 404 `ResourceNotFoundException`. @example throw notFound(`Execution not found: ${arn}`) */
export function notFound(message: string): CoreServiceError {
  return new CoreServiceError('ResourceNotFoundException', message);
}

/** A 409 `ResourceConflictException`. @example throw conflict('Cannot pause an execution in status PAUSED.') */
export function conflict(message: string): CoreServiceError {
  return new CoreServiceError('ResourceConflictException', message);
}

/** The message every stale, consumed, unknown or closed checkpoint token gets (protocol.md §4.1). */
export const INVALID_CHECKPOINT_TOKEN = 'Invalid checkpoint token';
