/**
 * `cdk-durable-function/local`: run durable functions on your machine, no AWS account needed.
 *
 * @example
 * import { LocalDurableService } from 'cdk-durable-function/local';
 * const svc = await LocalDurableService.start();
 * await svc.registerFunction({ name: 'orders', bundle: 'dist/orders.js' });
 * const run = await svc.run('orders:live', { orderId: '42' });
 * console.log(run.status, run.result, run.timeline);
 * await svc.stop();
 */
export {
  LocalDurableService,
  type ExecutionRun,
  type HandlerKillRule,
  type InvocationSummary,
  type LocalDurableServiceOptions,
  type RegisteredFunction,
  type RunOptions,
} from './local-service';
export type { ExecutionOutcome } from './execution-outcome';
export { FunctionRegistrationError, type HostedFunctionOptions } from './hosting/hosted-function';
export type { OutputSink } from './hosting/sandbox';
export { consoleLogger, silentLogger, type ServiceLogger } from './http/logger';
export type { ObservedRequest, RequestObserver } from './http/server';
export { formatDuration, formatTimeline, summarizeOperations, summarizePauses, type OperationSummary, type PausedSpan } from './timeline';
export type { PauseOptions, ResumeOptions } from './execution-control';
export { FaultInjector, type DataPlaneOperation, type FaultKind, type FaultPlan, type FaultRule } from './faults';
export { RealClock, VirtualClock, type ServiceClock } from './clock';
export {
  ControlMessages,
  CoreServiceError,
  DurableServiceCore,
  type CoreDurableConfig,
  type CoreFunctionDefinition,
  type DurableInvocationEvent,
  type DurableServiceCoreApi,
  type ExecutionSchedule,
  type InvocationOutcome,
  type ServiceErrorName,
} from './core';
export {
  ExecutionObserver,
  STATUS_CHANGE_DETAIL_TYPE,
  STATUS_CHANGE_SOURCE,
  formatMetrics,
  type DurableExecutionStatusChangeEvent,
  type LocalFunctionMetrics,
  type MetricStatistics,
  type StatusChangeDetail,
  type StatusChangeListener,
  type StatusChangeStatus,
} from './observability';
export {
  startViewer,
  localServiceSource,
  lambdaSource,
  fileSource,
  buildTimelineModel,
  parseHistoryFile,
  serializeHistoryFile,
  HistoryFileError,
  ViewerStartError,
  HISTORY_FILE_FORMAT,
  HISTORY_FILE_VERSION,
  type ExecutionViewer,
  type ViewerOptions,
  type ExecutionSource,
  type LambdaSourceOptions,
  type SavedExecution,
  type TimelineModel,
  type OperationRow,
  type ExecutionSummaryView,
} from './viewer';
