/**
 * The contract of the pure durable-execution service core.
 *
 * The core is a state machine over functions, executions, operations, invocations, timers and
 * history, with no I/O and an injected clock. Every transport (the in-process client used by the
 * runtime's tests, the HTTP server) and every host (in-process, worker, child process) drives this
 * one implementation, so the service's rules exist exactly once.
 *
 * Request and response shapes are the `@aws-sdk/client-lambda` model types (timestamps as `Date`),
 * i.e. what a `LambdaClient` hands to and gets back from its caller. The HTTP layer only converts
 * them to and from the wire (epoch seconds, headers, query strings).
 */
import type {
  CheckpointDurableExecutionRequest,
  CheckpointDurableExecutionResponse,
  ErrorObject,
  GetDurableExecutionHistoryRequest,
  GetDurableExecutionHistoryResponse,
  GetDurableExecutionRequest,
  GetDurableExecutionResponse,
  GetDurableExecutionStateRequest,
  GetDurableExecutionStateResponse,
  ListDurableExecutionsByFunctionRequest,
  ListDurableExecutionsByFunctionResponse,
  DeleteDurableExecutionRequest,
  DeleteDurableExecutionResponse,
  Operation,
  PauseDurableExecutionRequest,
  PauseDurableExecutionResponse,
  ResumeDurableExecutionRequest,
  ResumeDurableExecutionResponse,
  StopDurableExecutionRequest,
  StopDurableExecutionResponse,
} from '@aws-sdk/client-lambda';

/** A source of the current time in epoch milliseconds (virtual or real). */
export interface CoreClock {
  now(): number;
}

/** The names of the service's modelled errors (protocol.md §6.7). */
export type ServiceErrorName =
  | 'InvalidParameterValueException'
  | 'CallbackTimeoutException'
  | 'ResourceNotFoundException'
  | 'DurableExecutionAlreadyStartedException'
  | 'ResourceConflictException'
  | 'RequestTooLargeException'
  | 'TooManyRequestsException'
  | 'ServiceException';

/** Durable settings of a registered function (CloudFormation `DurableConfig`). */
export interface CoreDurableConfig {
  /** 1–31,622,400 seconds. */
  readonly executionTimeoutSeconds: number;
  /** 1–90 days; default 14. */
  readonly retentionPeriodDays?: number;
}

/** A function as the service knows it: its name, published versions and aliases. */
export interface CoreFunctionDefinition {
  readonly functionName: string;
  readonly durableConfig: CoreDurableConfig;
  /** Published version numbers ("1", "2", …). `$LATEST` always exists. */
  readonly versions?: readonly string[];
  /** Alias name → version it points at (e.g. `{ live: '1' }`). */
  readonly aliases?: Readonly<Record<string, string>>;
}

/** Start of an execution, as the Invoke API asks for it. */
export interface StartExecutionRequest {
  /** Name, qualified name (`fn:live`), partial or full ARN, as given to Invoke. */
  readonly functionName: string;
  /** The `Qualifier` query parameter, when given. */
  readonly qualifier?: string;
  /** `X-Amz-Durable-Execution-Name`: idempotent start when set. */
  readonly executionName?: string;
  /** The raw Invoke payload as UTF-8 text (absent or empty = no input). */
  readonly payload?: string;
  readonly invocationType: 'RequestResponse' | 'Event';
}

export interface StartExecutionResult {
  readonly executionArn: string;
  /** The resolved version the execution is pinned to (`$LATEST` or a number). */
  readonly executedVersion: string;
  /** False when an execution with the same name and payload already existed. */
  readonly created: boolean;
}

/** The event the service hands to the function for one invocation (protocol.md §1.1). */
export interface DurableInvocationEvent {
  DurableExecutionArn: string;
  CheckpointToken: string;
  InitialExecutionState: { Operations: Operation[]; NextMarker?: string };
}

export interface InvocationStart {
  readonly invocationId: string;
  /** The Lambda request id recorded in `InvocationCompleted.RequestId`. */
  readonly requestId: string;
  readonly event: DurableInvocationEvent;
}

/** How one invocation ended, as seen by the host that ran the handler. */
export type InvocationOutcome =
  /** The handler returned this value (validated by the core against §1.3). */
  | { readonly kind: 'returned'; readonly output: unknown }
  /** The handler threw, crashed or timed out. */
  | { readonly kind: 'error'; readonly error: ErrorObject };

/** Where an execution stands, for the scheduler. */
export interface ExecutionSchedule {
  readonly executionArn: string;
  readonly functionName: string;
  readonly executedVersion: string;
}

/** Why the core notified its listeners (see `onWake`). */
export type CoreWakeReason =
  /** A new execution needs its first invocation. */
  | 'started'
  /** A checkpoint was applied (operations changed, timers may have been armed). */
  | 'checkpoint'
  /** The service changed an operation (timer, callback, chained invoke) or the execution needs invoking. */
  | 'service-change'
  /** An invocation ended. */
  | 'invocation-ended'
  /** A chained invoke waits for a host to perform it (`takeChainedInvokes`). */
  | 'chained-invoke'
  /** The execution reached a terminal status. */
  | 'ended';

/** One notification: something about this execution changed; look again. */
export interface CoreWake {
  readonly executionArn: string;
  readonly reason: CoreWakeReason;
}

/** A listener of core changes. It runs after the change is complete and must not throw. */
export type CoreWakeListener = (wake: CoreWake) => void;

/** A chained invoke a host must perform: its target is not a durable function of this service. */
export interface ChainedInvokeRequest {
  /** The calling execution. */
  readonly executionArn: string;
  /** The CHAINED_INVOKE operation to complete with `completeChainedInvoke`. */
  readonly operationId: string;
  /** `ChainedInvokeOptions.FunctionName` as the runtime sent it. */
  readonly functionName: string;
  /** The input (JSON text), if any. */
  readonly payload?: string;
  readonly tenantId?: string;
}

/** How the target of a chained invoke ended. */
export type ChainedInvokeOutcome =
  | { readonly status: 'SUCCEEDED'; readonly result?: string }
  | { readonly status: 'FAILED' | 'TIMED_OUT' | 'STOPPED'; readonly error?: ErrorObject };

/** Which invocation a checkpoint token was issued to. */
export interface CheckpointTokenInfo {
  readonly executionArn: string;
  readonly invocationId: string;
  readonly requestId: string;
  /** 1-based number of the invocation within its execution. */
  readonly invocationNumber: number;
  /** True while the token's invocation is the running one (the token may still be usable). */
  readonly current: boolean;
}

/**
 * The service core. All methods are synchronous; errors are thrown as `CoreServiceError`
 * (exported by the implementation) carrying the modelled error name and HTTP status.
 */
export interface DurableServiceCoreApi {
  registerFunction(def: CoreFunctionDefinition): void;

  startExecution(req: StartExecutionRequest): StartExecutionResult;

  /** Begins the next invocation of a RUNNING execution; supersedes every older token. */
  beginInvocation(executionArn: string): InvocationStart;
  /** Ends an invocation: appends InvocationCompleted and applies the output (§1.3, §4.3). */
  endInvocation(executionArn: string, invocationId: string, outcome: InvocationOutcome): void;

  checkpoint(req: CheckpointDurableExecutionRequest): CheckpointDurableExecutionResponse;
  getState(req: GetDurableExecutionStateRequest): GetDurableExecutionStateResponse;
  getExecution(req: GetDurableExecutionRequest): GetDurableExecutionResponse;
  getHistory(req: GetDurableExecutionHistoryRequest): GetDurableExecutionHistoryResponse;
  listExecutions(req: ListDurableExecutionsByFunctionRequest): ListDurableExecutionsByFunctionResponse;
  stopExecution(req: StopDurableExecutionRequest): StopDurableExecutionResponse;
  /** `PauseDurableExecution` (protocol.md §9): RUNNING → PAUSED, or PAUSING while an invocation runs. */
  pauseExecution(req: PauseDurableExecutionRequest): PauseDurableExecutionResponse;
  /** `ResumeDurableExecution` (§9.6): PAUSING or PAUSED → RUNNING, invoking at once when one is owed. */
  resumeExecution(req: ResumeDurableExecutionRequest): ResumeDurableExecutionResponse;
  /** `DeleteDurableExecution` (§9.8): a finished execution → DELETING, then gone. */
  deleteExecution(req: DeleteDurableExecutionRequest): DeleteDurableExecutionResponse;
  sendCallbackSuccess(callbackId: string, result?: string): void;
  sendCallbackFailure(callbackId: string, error?: ErrorObject): void;
  sendCallbackHeartbeat(callbackId: string): void;

  /** Applies every timer due at `clock.now()` (waits, retries, callback and execution timeouts, invocation-error backoff). */
  fireDueTimers(): void;
  /** The earliest pending timer (epoch ms), or undefined when none. */
  nextTimerAt(): number | undefined;
  /** Executions that are RUNNING, have no invocation in flight and have something to wake on. */
  executionsNeedingInvocation(): ExecutionSchedule[];
  /** True while the execution has an invocation in flight. */
  isInvocationRunning(executionArn: string): boolean;

  /** Subscribes to changes; returns the unsubscribe function. Listeners run after each change completes. */
  onWake(listener: CoreWakeListener): () => void;
  /** Chained invokes waiting for a host, without taking them. */
  pendingChainedInvokes(): ChainedInvokeRequest[];
  /** Takes the chained invokes waiting for a host: each is returned once. */
  takeChainedInvokes(): ChainedInvokeRequest[];
  /** Completes a chained invoke a host performed; returns false when it was no longer waiting (cancelled, execution ended). */
  completeChainedInvoke(executionArn: string, operationId: string, outcome: ChainedInvokeOutcome): boolean;
  /** Every operation of an execution in start order, nothing omitted (hosts, diagnostics, tests). */
  getOperations(executionArn: string): Operation[];
  /** Which invocation a token belongs to, or undefined when the core never issued it for that execution. */
  describeCheckpointToken(executionArn: string, checkpointToken: string): CheckpointTokenInfo | undefined;
}
