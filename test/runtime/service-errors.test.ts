import {
  InvalidParameterValueException,
  KMSAccessDeniedException,
  KMSDisabledException,
  RequestTooLargeException,
  ResourceNotFoundException,
  ServiceException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { classifyServiceError } from '../../runtime/invocation/service-errors';

/**
 * protocol.md §3.3, row by row, with the exception classes the AWS SDK client throws (as it
 * deserialises them: message and $metadata.httpStatusCode).
 */
const meta = (httpStatusCode?: number) => ({ $metadata: httpStatusCode === undefined ? {} : { httpStatusCode } });

const cases: Array<[string, unknown, 'retryable' | 'stale-token' | 'terminal']> = [
  ['429 TooManyRequestsException', new TooManyRequestsException({ message: 'Rate exceeded', ...meta(429) }), 'retryable'],
  ['500 ServiceException', new ServiceException({ message: 'Internal error', ...meta(500) }), 'retryable'],
  ['502 KMSAccessDeniedException', new KMSAccessDeniedException({ message: 'KMS access denied', ...meta(502) }), 'retryable'],
  ['502 KMSDisabledException', new KMSDisabledException({ message: 'KMS key disabled', ...meta(502) }), 'retryable'],
  ['a network error without a response', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', $metadata: {} }), 'retryable'],
  ['a timeout without a response', Object.assign(new Error('Connection timed out'), { name: 'TimeoutError' }), 'retryable'],
  ['a modelled client error that arrived without an HTTP status', new InvalidParameterValueException({ message: 'odd', ...meta() }), 'retryable'],
  ['400 "Invalid checkpoint token"', new InvalidParameterValueException({ message: 'Invalid checkpoint token', ...meta(400) }), 'stale-token'],
  ['400 "INVALID CHECKPOINT TOKEN …" (any case)', new InvalidParameterValueException({ message: 'INVALID CHECKPOINT TOKEN: superseded', ...meta(400) }), 'stale-token'],
  ['400 "invalid checkpoint token" without a status', new InvalidParameterValueException({ message: 'invalid checkpoint token', ...meta() }), 'stale-token'],
  ['400 with the phrase not at the start', new InvalidParameterValueException({ message: 'Update rejected: invalid checkpoint token', ...meta(400) }), 'terminal'],
  ['400 any other InvalidParameterValueException', new InvalidParameterValueException({ message: 'Invalid parent operation id.', ...meta(400) }), 'terminal'],
  ['404 ResourceNotFoundException', new ResourceNotFoundException({ message: 'Execution not found', ...meta(404) }), 'terminal'],
  ['413 RequestTooLargeException', new RequestTooLargeException({ message: 'Request too large', ...meta(413) }), 'terminal'],
];

describe('classification of failed Checkpoint / GetState calls', () => {
  it.each(cases)('%s', (_title, error, kind) => {
    const wrapped = classifyServiceError(error, 'CheckpointDurableExecution');
    expect(wrapped.kind).toBe(kind);
    expect(wrapped.cause).toBe(error);
    expect(wrapped.message).toContain('CheckpointDurableExecution');
  });
});
