/**
 * The execution viewer: a web page on loopback that lists executions and draws one as a timeline.
 *
 * @example
 * import { startViewer, localServiceSource } from 'cdk-durable-function/local';
 * const viewer = await startViewer({ source: localServiceSource(service, ['orders']) });
 * console.log(`Execution viewer: ${viewer.url}`);
 */
import type { LocalDurableService } from '../local-service';
import { VirtualClock } from '../clock';
import { lambdaSource, type ExecutionSource } from './sources';

export { startViewer, isLoopbackHost, ViewerStartError, type ExecutionViewer, type ViewerOptions } from './server';
export { lambdaSource, fileSource, type ExecutionSource, type LambdaSourceOptions } from './sources';
export {
  HISTORY_FILE_FORMAT,
  HISTORY_FILE_VERSION,
  HistoryFileError,
  parseHistoryFile,
  serializeHistoryFile,
  type SavedExecution,
} from './history-file';
export {
  buildTimelineModel,
  type AttemptView,
  type ConcurrencyPoint,
  type ExecutionSummaryView,
  type InvocationBand,
  type OperationRow,
  type SpanView,
  type TimelineModel,
} from './timeline-model';

/**
 * The executions of some functions of a running {@link LocalDurableService}, read through its own
 * endpoint with the durable-execution API, on the service's clock.
 *
 * @example
 * const source = localServiceSource(service, ['orders']);
 */
export function localServiceSource(
  service: Pick<LocalDurableService, 'client' | 'clock'>,
  functionNames: readonly string[] | (() => readonly string[]),
): ExecutionSource {
  return lambdaSource({
    client: service.client(),
    functionNames,
    kind: 'local',
    virtualClock: service.clock instanceof VirtualClock,
    now: () => service.clock.now(),
  });
}
