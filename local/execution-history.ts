/**
 * Reading an execution's whole history from the service core, page after page.
 *
 * @example
 * const events = readFullHistory(core, executionArn);
 */
import type { Event } from '@aws-sdk/client-lambda';
import type { DurableServiceCoreApi } from './core';

/** The largest page the history query serves, so that few pages are needed. */
const HISTORY_PAGE_SIZE = 1000;

/**
 * Every history event of an execution, oldest first, with execution data; follows `NextMarker`
 * until the last page.
 *
 * @throws CoreServiceError 404 for an unknown ARN.
 * @example
 * const completed = readFullHistory(svc.core, arn).filter((e) => e.EventType === 'InvocationCompleted');
 */
export function readFullHistory(core: Pick<DurableServiceCoreApi, 'getHistory'>, executionArn: string): Event[] {
  const events: Event[] = [];
  let marker: string | undefined;
  do {
    const page = core.getHistory({ DurableExecutionArn: executionArn, MaxItems: HISTORY_PAGE_SIZE, Marker: marker });
    events.push(...(page.Events ?? []));
    marker = page.NextMarker;
  } while (marker !== undefined && marker !== '');
  return events;
}
