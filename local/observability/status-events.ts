/**
 * Durable execution status-change events in the shape Lambda sends to EventBridge ("Durable
 * execution status change events" in
 * https://docs.aws.amazon.com/lambda/latest/dg/durable-monitoring.html), so a handler written for
 * the real events can be fed the local ones unchanged.
 */

/**
 * The `source` of the events.
 *
 * @example
 * expect(event.source).toBe(STATUS_CHANGE_SOURCE);
 */
export const STATUS_CHANGE_SOURCE = 'aws.lambda';
/**
 * The `detail-type` of the events.
 *
 * @example
 * expect(event['detail-type']).toBe(STATUS_CHANGE_DETAIL_TYPE);
 */
export const STATUS_CHANGE_DETAIL_TYPE = 'Durable Execution Status Change';

/**
 * The statuses an event is published for: the start (`RUNNING`) and the four ends.
 *
 * @example
 * const ends: StatusChangeStatus[] = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'STOPPED'];
 */
export type StatusChangeStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'STOPPED';

/**
 * The `detail` of a status-change event.
 *
 * @example
 * const { durableExecutionArn, status } = event.detail;
 */
export interface StatusChangeDetail {
  readonly durableExecutionArn: string;
  readonly durableExecutionName: string;
  /** The qualified ARN of the version the execution runs on. */
  readonly functionArn: string;
  readonly status: StatusChangeStatus;
  /** ISO-8601, milliseconds included. */
  readonly startTimestamp: string;
  /** ISO-8601; terminal statuses only. */
  readonly endTimestamp?: string;
}

/**
 * A status-change event: the EventBridge envelope around {@link StatusChangeDetail}.
 *
 * @example
 * svc.onExecutionStatusChange((event) => {
 *   if (event.detail.status === 'FAILED') failures.push(event.detail.durableExecutionArn);
 * });
 */
export interface DurableExecutionStatusChangeEvent {
  readonly 'version': '0';
  readonly 'id': string;
  readonly 'detail-type': typeof STATUS_CHANGE_DETAIL_TYPE;
  readonly 'source': typeof STATUS_CHANGE_SOURCE;
  readonly 'account': string;
  /** ISO-8601 to the second, as EventBridge writes it. */
  readonly 'time': string;
  readonly 'region': string;
  readonly 'resources': string[];
  readonly 'detail': StatusChangeDetail;
}

/**
 * A listener of status-change events; it must not throw.
 *
 * @example
 * const listener: StatusChangeListener = (event) => console.log(event.detail.status);
 */
export type StatusChangeListener = (event: DurableExecutionStatusChangeEvent) => void;

/**
 * Builds the event for one status change at `at` (epoch ms).
 *
 * @example
 * statusChangeEvent(randomUUID(), core.location, detail, Date.now());
 */
export function statusChangeEvent(
  id: string,
  where: { readonly accountId: string; readonly region: string },
  detail: StatusChangeDetail,
  at: number,
): DurableExecutionStatusChangeEvent {
  return {
    'version': '0',
    id,
    'detail-type': STATUS_CHANGE_DETAIL_TYPE,
    'source': STATUS_CHANGE_SOURCE,
    'account': where.accountId,
    'time': new Date(Math.floor(at / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    'region': where.region,
    'resources': [],
    detail,
  };
}
