import type { LambdaContext } from '../lambda-context';
import type { LoggerOptions } from '../logger';
import type { CheckpointQueue } from './checkpoint-queue';
import type { ExecutionState } from './execution-state';
import type { ReplayTrace } from './replay-trace';
import type { Suspension } from './suspension';
import type { Termination } from './termination';

/**
 * Everything about the current invocation that operations share: the execution's identity, its
 * replay state, the checkpoint queue, the suspension tracker and the termination signal. A plain
 * record of collaborators; each has its own job.
 */
export interface InvocationRuntime {
  readonly executionArn: string;
  /** Id of the EXECUTION operation (shown on root log lines). */
  readonly executionOperationId: string;
  readonly requestId: string | undefined;
  readonly lambdaContext: LambdaContext | undefined;
  readonly loggerOptions: LoggerOptions;
  readonly state: ExecutionState;
  readonly queue: CheckpointQueue;
  readonly suspension: Suspension;
  readonly termination: Termination;
  /**
   * True in a replay-only invocation (the replay gate): step functions and waitForCallback
   * submitters never run; an attempt that would run one waits on the service instead.
   */
  readonly replayOnly?: boolean;
  /** Set in a replay-only invocation only: what the code reached, for the replay gate. */
  readonly replayTrace?: ReplayTrace;
}
