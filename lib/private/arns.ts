/**
 * IAM resource patterns for a durable function (protocol.md §8).
 *
 * Durable actions are authorised against the durable-execution ARN
 * `…:function:NAME:QUALIFIER/durable-execution/…`, whose qualifier is always a version or
 * `$LATEST` (never an alias). An unqualified function ARN therefore never matches, and
 * `…:function:NAME:*` matches every version's executions, so that is the pattern used.
 */

/** `<function arn>:*` — every qualified ARN of the function and every execution under it. */
export function allQualifiersArn(functionArn: string): string {
  return `${functionArn}:*`;
}

/**
 * Resources of `lambda:ListDurableExecutionsByFunction`, whose resource type is the function
 * itself: the unqualified ARN (listing without `Qualifier`) and every qualified one.
 */
export function listExecutionsArns(functionArn: string): string[] {
  return [functionArn, allQualifiersArn(functionArn)];
}

/** What the function's own role needs to drive its executions. */
export const CHECKPOINT_ACTIONS: readonly string[] = [
  'lambda:CheckpointDurableExecution',
  'lambda:GetDurableExecutionState',
];

/** Completing a callback: success, failure and heartbeat. */
export const SEND_CALLBACK_ACTIONS: readonly string[] = [
  'lambda:SendDurableExecutionCallbackSuccess',
  'lambda:SendDurableExecutionCallbackFailure',
  'lambda:SendDurableExecutionCallbackHeartbeat',
];

/** Observing one execution: its description and its history. */
export const READ_EXECUTION_ACTIONS: readonly string[] = [
  'lambda:GetDurableExecution',
  'lambda:GetDurableExecutionHistory',
];

/** Listing a function's executions. */
export const LIST_EXECUTIONS_ACTION = 'lambda:ListDurableExecutionsByFunction';

/** Stopping an execution. */
export const STOP_EXECUTION_ACTION = 'lambda:StopDurableExecution';

/** Pausing and resuming an execution (protocol.md §9.9). */
export const PAUSE_EXECUTION_ACTIONS: readonly string[] = [
  'lambda:PauseDurableExecution',
  'lambda:ResumeDurableExecution',
];

/** Deleting a finished execution (protocol.md §9.9). */
export const DELETE_EXECUTION_ACTION = 'lambda:DeleteDurableExecution';

/** Starting an execution. */
export const INVOKE_ACTION = 'lambda:InvokeFunction';

/** Writing the function's own logs (what AWSLambdaBasicExecutionRole allows on `*`). */
export const LOG_ACTIONS: readonly string[] = [
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:PutLogEvents',
];
