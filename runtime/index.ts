/**
 * The embedded durable-execution runtime (`cdk-durable-function/runtime`).
 *
 * @example
 * import { withDurableExecution, Duration } from 'cdk-durable-function/runtime';
 * export const handler = withDurableExecution(async (input: { id: string }, ctx) => {
 *   const order = await ctx.step('load', () => loadOrder(input.id));
 *   await ctx.wait(Duration.minutes(1));
 *   return ctx.step('ship', () => ship(order));
 * });
 */
export { withDurableExecution, isDurableHandler } from './handler';
export type { DurableExecutionOptions, DurableHandler, DurableWorkflow } from './handler';
export type { DurableInvocationEvent, DurableInvocationOutput } from './invocation/event';
export type {
  BatchNesting,
  BranchFunction,
  BranchesResult,
  CallbackConfig,
  CallbackSubmitter,
  ChildContextConfig,
  ChildContextFunction,
  CreatedCallback,
  DurableContext,
  MapConfig,
  MapFunction,
  MapFunctionResult,
  NamedBranch,
  ParallelBranch,
  ParallelConfig,
  StepConfig,
  StepContext,
  StepFunction,
  WaitForCallbackConfig,
} from './types';
export { StepSemantics } from './types';
export { Duration } from './duration';
export { RetryPresets } from './retry';
export type { ExponentialBackoffOptions, FixedDelayOptions, JitterStrategy, RetryDecision, RetryStrategy } from './retry';
export { Serdes } from './serdes';
export type { SerdesContext } from './serdes';
export type { DurableLogger, LogLevel, LogRecord, LogSink, LoggerOptions } from './logger';
export type { LambdaContext } from './lambda-context';
export { CompletionConfig } from './batch/completion-policy';
export type { CompletionReason } from './batch/completion-policy';
export { BatchResult } from './batch/batch-result';
export type { BatchItem, BatchItemStatus, BatchResultData } from './batch/batch-result';
export {
  BatchError,
  CallbackError,
  CheckpointError,
  ChildContextError,
  DurableError,
  MapError,
  NonDeterministicError,
  NotDurableInvocationError,
  OperationAbortedError,
  ParallelError,
  SerdesError,
  StepError,
  StepInterruptedError,
  ValidationError,
} from './errors';
export type { CheckpointFailureKind, DurableErrorOptions } from './errors';
