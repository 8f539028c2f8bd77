/**
 * What both the local service and the in-process test service report about an execution.
 *
 * @example
 * function succeeded(run: ExecutionOutcome): boolean { return run.status === 'SUCCEEDED'; }
 */
import type { ErrorObject, Event, ExecutionStatus, Operation } from '@aws-sdk/client-lambda';
import type { DurableServiceCoreApi } from './core';
import { readFullHistory } from './execution-history';

/**
 * An execution's status, result, operations and history as the service core holds them; the
 * services add their own view of its invocations.
 *
 * @example
 * const { status, result, operations, history } = await svc.run('orders:live', { orderId: '42' });
 */
export interface ExecutionOutcome {
  readonly executionArn: string;
  readonly status: ExecutionStatus;
  /** The parsed result of a SUCCEEDED execution (absent when it returned nothing). */
  readonly result?: unknown;
  /** The result as JSON text, as the service stores it. */
  readonly resultPayload?: string;
  readonly error?: ErrorObject;
  /** Every operation, in start order, nothing omitted. */
  readonly operations: Operation[];
  /** Every history event, oldest first, with execution data. */
  readonly history: Event[];
}

/**
 * Reads an execution's outcome from the service core: its status, result and error, every
 * operation and the whole history. A result that is not JSON text (a hand-written handler may
 * return any string) is reported as `resultPayload` only, so describing an execution never throws
 * for what the execution itself returned.
 *
 * @throws CoreServiceError 404 for an unknown ARN.
 * @example
 * const { status, result } = describeOutcome(core, executionArn);
 */
export function describeOutcome(
  core: Pick<DurableServiceCoreApi, 'getExecution' | 'getHistory' | 'getOperations'>,
  executionArn: string,
): ExecutionOutcome & { readonly executionName: string } {
  const execution = core.getExecution({ DurableExecutionArn: executionArn });
  const resultPayload = execution.Status === 'SUCCEEDED' ? execution.Result : undefined;
  const result = parseResult(resultPayload);
  return {
    executionArn,
    executionName: execution.DurableExecutionName as string,
    status: execution.Status as ExecutionStatus,
    ...(result.parsed ? { result: result.value } : {}),
    ...(resultPayload !== undefined ? { resultPayload } : {}),
    ...(execution.Error !== undefined ? { error: execution.Error } : {}),
    operations: core.getOperations(executionArn),
    history: readFullHistory(core, executionArn),
  };
}

function parseResult(payload: string | undefined): { parsed: true; value: unknown } | { parsed: false } {
  if (payload === undefined || payload === '') return { parsed: false };
  try {
    return { parsed: true, value: JSON.parse(payload) as unknown };
  } catch {
    return { parsed: false };
  }
}
