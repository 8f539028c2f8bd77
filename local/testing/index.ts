/**
 * Test support: the in-process durable-execution service.
 *
 * @example
 * import { InProcessDurableService } from '../local/testing';
 * const svc = new InProcessDurableService();
 */
export {
  InProcessDurableService,
  type DurableHandler,
  type HandlerOptions,
  type InProcessServiceOptions,
  type InvocationHook,
  type LambdaContextLike,
  type PlainHandler,
  type RunInvocation,
  type RunOptions,
  type RunResult,
} from './in-process-service';
export type { ExecutionOutcome } from '../execution-outcome';
export type { RecordedCall } from '../in-process-client';
export type { FaultKind, FaultPlan, FaultRule } from '../faults';
export type { InvocationReport } from '../scheduler';
