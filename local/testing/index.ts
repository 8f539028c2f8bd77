/**
 * `cdk-durable-function/testing`: test your durable workflow with jest (or node's test runner),
 * in this process, on the local service with the synthesized bundle, or against the deployed
 * function, through one API.
 *
 * @example
 * import { InProcessTestRunner } from 'cdk-durable-function/testing';
 * import { handler } from '../src/orders';
 *
 * const runner = await InProcessTestRunner.create({ handler });
 * const execution = await runner.run({ orderId: '42' });
 * expect(execution.status).toBe('SUCCEEDED');
 * await runner.close();
 */
export {
  DurableTestRunner,
  ExecutionHandle,
  OperationHandle,
  durationToMs,
  type DurationLike,
  type OperationDetails,
  type RunnerBackend,
  type TestExecution,
  type TestRunOptions,
  type TestRunnerMode,
} from './test-runner';
export { InProcessTestRunner, type InProcessTestRunnerOptions, type TestTime, type WorkflowExport } from './in-process-runner';
export { LocalTestRunner, type LocalTestRunnerOptions } from './local-runner';
export { DeployedTestRunner, type DeployedTestRunnerOptions } from './deployed-runner';
export { createTestRunner, type TestRunnerOptions } from './create-runner';
export { bundleOf, fromStack, type FunctionBundle } from './bundles';
export { formatTimeline, summarizeOperations, type OperationSummary } from '../timeline';
// The in-process service underneath the in-process runner, for lower-level tests.
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
