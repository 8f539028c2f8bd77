/**
 * What Lambda publishes about durable executions, reproduced by the local service: status-change
 * events in the EventBridge shape and the durable execution metrics per function.
 *
 * @example
 * import { ExecutionObserver } from './observability';
 * const observer = new ExecutionObserver(core);
 */
export { ExecutionObserver, type ObservedCore } from './execution-observer';
export { formatMetrics, type LocalFunctionMetrics, type MetricStatistics } from './function-metrics';
export {
  STATUS_CHANGE_DETAIL_TYPE,
  STATUS_CHANGE_SOURCE,
  type DurableExecutionStatusChangeEvent,
  type StatusChangeDetail,
  type StatusChangeListener,
  type StatusChangeStatus,
} from './status-events';
