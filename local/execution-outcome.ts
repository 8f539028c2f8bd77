/**
 * What both the local service and the in-process test service report about an execution.
 *
 * @example
 * function succeeded(run: ExecutionOutcome): boolean { return run.status === 'SUCCEEDED'; }
 */
import type { ErrorObject, Event, ExecutionStatus, Operation } from '@aws-sdk/client-lambda';

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
