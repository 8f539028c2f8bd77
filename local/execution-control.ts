/**
 * The options of pausing and resuming an execution from code (`LocalDurableService`,
 * `InProcessDurableService`), and their translation into the API requests (protocol.md §9.1).
 */
import type { PauseDurableExecutionRequest, ResumeDurableExecutionRequest } from '@aws-sdk/client-lambda';

/**
 * How to pause an execution.
 *
 * @example
 * await svc.pause(arn, { reason: 'payments deploy', executionTimeoutPaused: false });
 */
export interface PauseOptions {
  /** Why (at most 1,024 characters); shown in `PauseDetails` and the `ExecutionPaused` event. */
  readonly reason?: string;
  /**
   * Whether the execution timeout stops while paused (default true: the deadline moves by the
   * time spent paused, up to 366 days after the start). False: a paused execution still times out.
   */
  readonly executionTimeoutPaused?: boolean;
  /** Idempotency token: a repeat with the same token and options within 15 minutes changes nothing. */
  readonly clientToken?: string;
}

/**
 * How to resume an execution.
 *
 * @example
 * await svc.resume(arn, { reason: 'deploy done' });
 */
export interface ResumeOptions {
  /** Why (at most 1,024 characters); shown in the `ExecutionResumed` event. */
  readonly reason?: string;
  /** Idempotency token, as for {@link PauseOptions.clientToken}. */
  readonly clientToken?: string;
}

/** The PauseDurableExecution request for these options. */
export function pauseRequest(executionArn: string, options: PauseOptions = {}): PauseDurableExecutionRequest {
  return {
    DurableExecutionArn: executionArn,
    ...(options.reason !== undefined ? { Reason: options.reason } : {}),
    ...(options.executionTimeoutPaused !== undefined ? { ExecutionTimeoutPaused: options.executionTimeoutPaused } : {}),
    ...(options.clientToken !== undefined ? { ClientToken: options.clientToken } : {}),
  };
}

/** The ResumeDurableExecution request for these options. */
export function resumeRequest(executionArn: string, options: ResumeOptions = {}): ResumeDurableExecutionRequest {
  return {
    DurableExecutionArn: executionArn,
    ...(options.reason !== undefined ? { Reason: options.reason } : {}),
    ...(options.clientToken !== undefined ? { ClientToken: options.clientToken } : {}),
  };
}
