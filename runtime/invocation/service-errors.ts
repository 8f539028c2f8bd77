import { CheckpointError, type CheckpointFailureKind } from '../errors';

interface ServiceErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Classifies a failed CheckpointDurableExecution / GetDurableExecutionState call (protocol.md §3.3)
 * and wraps it in a {@link CheckpointError} that says what happened and what the runtime does next.
 */
export function classifyServiceError(error: unknown, call: string): CheckpointError {
  const shape: ServiceErrorShape = error !== null && typeof error === 'object' ? (error as ServiceErrorShape) : {};
  const status = shape.$metadata?.httpStatusCode;
  const name = shape.name ?? 'Error';
  const message = shape.message ?? String(error);
  const kind = classify(status, name, message);
  const where = status === undefined ? `${name} (no HTTP response)` : `${name} (HTTP ${status})`;
  const text =
    kind === 'stale-token'
      ? `${call} was rejected with ${where}: "${message}". The token was already used: a newer invocation of this ` +
        'execution superseded this one, or an earlier attempt of this call was applied and its response lost. ' +
        'This invocation stops; the service goes on from what was checkpointed.'
      : kind === 'retryable'
        ? `${call} failed with ${where}: "${message}". The invocation ends with an error so the service invokes it again.`
        : `${call} was rejected with ${where}: "${message}". The service refused the checkpoint; the execution fails.`;
  return new CheckpointError(text, kind, error, status);
}

function classify(status: number | undefined, name: string, message: string): CheckpointFailureKind {
  if (name === 'InvalidParameterValueException' && message.toLowerCase().startsWith('invalid checkpoint token')) {
    return 'stale-token';
  }
  // No HTTP status (network failure, timeout, DNS): nothing says the service refused the request,
  // so the invocation ends with an error and the service invokes it again.
  if (status === undefined) return 'retryable';
  if (status === 429 || status >= 500) return 'retryable';
  if (status >= 400) return 'terminal';
  return 'retryable';
}
