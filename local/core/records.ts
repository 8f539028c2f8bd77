/**
 * The core's internal, mutable records, and the questions about them that several modules ask.
 * Nothing here leaves the core: every read returns copies.
 */
import type { CheckpointDurableExecutionResponse, ErrorObject, ExecutionStatus, Operation } from '@aws-sdk/client-lambda';
import { eventError, type HistoryLog } from './history';

/** Service-side facts about a CALLBACK operation. */
export interface CallbackSettings {
  readonly timeoutSeconds: number;
  readonly heartbeatTimeoutSeconds: number;
}

/** Service-side facts about a CHAINED_INVOKE operation. */
export interface ChainedInvokeState {
  readonly functionName: string;
  readonly payload?: string;
  readonly tenantId?: string;
  /** The target execution, when the target is a durable function of this service. */
  targetExecutionArn?: string;
  /** True when a host must perform the invoke (the target is not a registered durable function). */
  readonly hostPerformed: boolean;
  /** True once a host took it with `takeChainedInvokes`. */
  dispatched: boolean;
}

/** Where an operation lives: its execution and its Id. */
export interface OperationAddress {
  readonly executionArn: string;
  readonly operationId: string;
}

/** One operation and its bookkeeping. */
export interface OperationRecord {
  /** The stored value, exactly as GetState returns it (before copying). */
  readonly op: Operation;
  /** The execution's change counter when this operation last changed. */
  changeSeq: number;
  callback?: CallbackSettings;
  chained?: ChainedInvokeState;
}

/** One token issued to an invocation. */
export interface TokenRecord {
  consumed: boolean;
}

/** One invocation of the handler. */
export interface InvocationRecord {
  readonly id: string;
  /** 1-based number of the invocation within its execution. */
  readonly seq: number;
  readonly requestId: string;
  readonly startedAt: number;
  readonly tokens: Map<string, TokenRecord>;
  /** The newest token: the only one a checkpoint may use. */
  activeToken: string;
  /** Operations with `changeSeq` above this were not yet sent to this invocation. */
  lastDeliveredSeq: number;
  /** A service-side change (timer, callback, chained invoke) happened while it ran. */
  serviceChangeSeen: boolean;
  running: boolean;
  /** Set when the service closed it (stop, timeout) before the host reported its end. */
  closedByService: boolean;
  /**
   * Set when a pause took effect at one of its checkpoints (§9.4 step 3): its tokens are dead and
   * whatever it returns counts as PENDING.
   */
  cutShortByPause?: boolean;
}

/** A pause accepted for an execution (§9.4): PAUSING until it takes effect, then PAUSED. */
export interface PauseRecord {
  /** When the Pause request was accepted (epoch ms). */
  readonly requestedAt: number;
  /** `ExecutionTimeoutPaused` of the request (default true). */
  readonly timeoutPaused: boolean;
  readonly reason?: string;
  /** When the execution became PAUSED (the `ExecutionPaused` event time); unset while PAUSING. */
  pausedAt?: number;
}

/** An accepted Pause or Resume, kept for ClientToken repeats (§9.2). */
export interface ControlRequestEntry {
  readonly reason?: string;
  /** Pause only: `ExecutionTimeoutPaused` (absent = true). */
  readonly timeoutPaused?: boolean;
  readonly expiresAt: number;
}

/** A Delete accepted for a finished execution (§9.8). */
export interface DeletionRecord {
  readonly requestedAt: number;
  /** When the record is removed for good. */
  readonly removeAt: number;
}

/** An execution result decided by an EXECUTION update, applied when the invocation ends. */
export type PendingClose =
  | { readonly status: 'SUCCEEDED'; readonly result?: string }
  | { readonly status: 'FAILED'; readonly error: ErrorObject };

/** What a ClientToken's request was: only an identical repeat is a replay. */
export interface RememberedRequest {
  readonly token: string;
  /** The Updates as JSON text (a snapshot: later changes to the request objects do not reach it). */
  readonly updates: string;
}

/** A stored checkpoint response, for ClientToken replays. */
export interface ClientTokenEntry {
  readonly response: CheckpointDurableExecutionResponse;
  readonly expiresAt: number;
  /** The request it answered. */
  readonly request: RememberedRequest;
}

/** One execution and everything the service knows about it. */
export interface ExecutionRecord {
  readonly arn: string;
  readonly id: string;
  readonly name: string;
  readonly functionName: string;
  readonly version: string;
  /** The qualified function ARN (`…:function:name:version`). */
  readonly functionArn: string;
  /** Creation order across the whole service, for listing. */
  readonly createdSeq: number;
  readonly invocationType: 'RequestResponse' | 'Event';
  readonly inputPayload?: string;
  readonly startedAt: number;
  readonly executionTimeoutSeconds: number;
  readonly retentionDays: number;
  status: ExecutionStatus;
  endedAt?: number;
  result?: string;
  error?: ErrorObject;
  readonly operations: OperationRecord[];
  readonly operationsById: Map<string, OperationRecord>;
  readonly history: HistoryLog;
  /** Incremented on every operation change. */
  changeSeq: number;
  readonly invocations: InvocationRecord[];
  /** Token → the invocation it was issued to (every token ever issued). */
  readonly tokens: Map<string, InvocationRecord>;
  consecutiveInvocationErrors: number;
  pendingClose?: PendingClose;
  readonly clientTokens: Map<string, ClientTokenEntry>;
  /** Payload and error bytes written so far (100 MB quota). */
  dataBytes: number;
  /** Virtual time this execution skipped ahead of the service clock (see execution-clock.ts); absent = 0. */
  clockOffsetMs?: number;
  /** The CHAINED_INVOKE operation that started this execution, if any. */
  readonly parent?: OperationAddress;
  /** The pause in force while PAUSING or PAUSED (§9.4). */
  pause?: PauseRecord;
  /** Time spent PAUSED with `ExecutionTimeoutPaused` true, which extends the deadline (§9.5). */
  pausedTimeoutMs?: number;
  /** Accepted Pause/Resume requests by `api\0ClientToken` (§9.2). */
  controlRequests?: Map<string, ControlRequestEntry>;
  /** Set once a Delete was accepted (status DELETING, §9.8). */
  deletion?: DeletionRecord;
}

/** The invocation currently running, if any. */
export function runningInvocation(exec: ExecutionRecord): InvocationRecord | undefined {
  const last = exec.invocations[exec.invocations.length - 1];
  return last?.running ? last : undefined;
}

/**
 * True while the execution has not ended: RUNNING, PAUSING or PAUSED (§9.3). Timers, callbacks
 * and chained invokes keep completing in all three.
 */
export function isActive(exec: ExecutionRecord): boolean {
  return exec.status === 'RUNNING' || exec.status === 'PAUSING' || exec.status === 'PAUSED';
}

/**
 * True while the execution takes new work (invocations, checkpoints): it is RUNNING, or PAUSING
 * (its running invocation checkpoints until the pause takes effect, §9.4), and no EXECUTION
 * update has decided its end yet.
 */
export function isOpen(exec: ExecutionRecord): boolean {
  return (exec.status === 'RUNNING' || exec.status === 'PAUSING') && !exec.pendingClose;
}

/**
 * True while the execution takes results from outside (callback APIs, §6.6): it has not ended,
 * paused included (§9.4), and no EXECUTION update has decided its end yet.
 */
export function takesOutsideResults(exec: ExecutionRecord): boolean {
  return isActive(exec) && !exec.pendingClose;
}

/**
 * True while the operation waits for a result the service delivers (a chained target's end): it is
 * STARTED and its execution has not ended (paused included). Unlike {@link isOpen}, an execution
 * whose end is decided but not yet recorded still takes such results.
 */
export function awaitsResult(exec: ExecutionRecord, rec: OperationRecord): boolean {
  return isActive(exec) && rec.op.Status === 'STARTED';
}

/** The execution's status for an error message: `closing` once its end is decided. */
export function statusLabel(exec: ExecutionRecord): string {
  return exec.pendingClose ? 'closing' : exec.status;
}

/**
 * Ends an invocation and writes its `InvocationCompleted` event (§4.3: every invocation gets
 * exactly one, whatever its outcome).
 *
 * @param closedByService true when the service ended it (stop, timeout) before its host reported back.
 */
export function closeInvocation(
  exec: ExecutionRecord,
  inv: InvocationRecord,
  now: number,
  error: ErrorObject | undefined,
  closedByService: boolean,
): void {
  inv.running = false;
  inv.closedByService = closedByService;
  exec.history.append('InvocationCompleted', now, undefined, {
    StartTimestamp: new Date(inv.startedAt),
    EndTimestamp: new Date(now),
    RequestId: inv.requestId,
    ...(error !== undefined ? { Error: eventError(error) } : {}),
  });
}
