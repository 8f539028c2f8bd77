/**
 * The durable-execution service core: one state machine over functions, executions, operations,
 * invocations, timers and history, with no I/O and an injected clock (see api.ts).
 *
 * This class is only the facade: it owns the shared {@link CoreState}, runs each public call as
 * one batch of wake notifications, and hands the call to the module that owns its rules.
 */
import { randomUUID } from 'node:crypto';
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
import type {
  ChainedInvokeOutcome,
  ChainedInvokeRequest,
  CheckpointTokenInfo,
  CoreClock,
  CoreFunctionDefinition,
  CoreWakeListener,
  DurableServiceCoreApi,
  ExecutionSchedule,
  InvocationOutcome,
  InvocationStart,
  StartExecutionRequest,
  StartExecutionResult,
} from './api';
import { DEFAULT_LOCATION, type ServiceLocation } from './arns';
import { sendCallbackFailure, sendCallbackHeartbeat, sendCallbackSuccess } from './callbacks';
import { completeChainedInvoke, hostChainedInvokes } from './chained-invokes';
import { checkpoint } from './checkpoints';
import { deleteExecution } from './deletion';
import type { CoreState } from './core-state';
import { fireDueTimers } from './due-timers';
import { ExecutionStore } from './execution-store';
import { startExecution, stopExecution } from './executions';
import { FunctionRegistry } from './functions';
import { beginInvocation, describeCheckpointToken, endInvocation } from './invocations';
import { DEFAULT_PAGE_ITEMS, MAX_PAGE_ITEMS } from './limits';
import { getExecution, getHistory, getOperations, getState, listExecutions } from './queries';
import { pauseExecution, resumeExecution } from './pausing';
import { executionsNeedingInvocation, isInvocationRunning } from './scheduling';
import { TimerQueue } from './timers';
import { executionUsage, type ExecutionUsage } from './usage';
import { WakeQueue } from './wakes';

/** Options of {@link DurableServiceCore}. */
export interface DurableServiceCoreOptions {
  /** The time source: a virtual clock in tests, the real clock in a server. */
  readonly clock: CoreClock;
  /** Partition, region and account of every ARN; default aws / us-east-1 / 123456789012. */
  readonly location?: Partial<ServiceLocation>;
  /**
   * Operations in `InitialExecutionState` (default 100). Lower it to make runtimes page through
   * `GetDurableExecutionState`; 0 sends an empty first page.
   */
  readonly initialStatePageSize?: number;
  /** Source of execution ids, request ids and token nonces; default `crypto.randomUUID`. */
  readonly randomUUID?: () => string;
  /**
   * How long a deleted execution stays DELETING before it is gone, in ms of the service clock
   * (default 0: removed as soon as the Delete is answered).
   */
  readonly deletionDelayMs?: number;
}

/**
 * The pure durable-execution service. Transports and hosts drive it; it never performs I/O.
 *
 * @example
 * const core = new DurableServiceCore({ clock: { now: () => Date.now() } });
 * core.registerFunction({ functionName: 'orders', durableConfig: { executionTimeoutSeconds: 3600 } });
 * const { executionArn } = core.startExecution({ functionName: 'orders:$LATEST', payload: '{}', invocationType: 'Event' });
 * const { invocationId, event } = core.beginInvocation(executionArn);
 * // … run the handler with `event`; it checkpoints through core.checkpoint(...) …
 * core.endInvocation(executionArn, invocationId, { kind: 'returned', output: { Status: 'SUCCEEDED', Result: '"done"' } });
 */
export class DurableServiceCore implements DurableServiceCoreApi {
  /** Where this service lives; every ARN it builds uses it. */
  readonly location: ServiceLocation;
  private readonly state: CoreState;

  constructor(options: DurableServiceCoreOptions) {
    const pageItems = options.initialStatePageSize ?? DEFAULT_PAGE_ITEMS;
    if (!Number.isInteger(pageItems) || pageItems < 0 || pageItems > MAX_PAGE_ITEMS) {
      throw new RangeError(`initialStatePageSize must be an integer from 0 to ${MAX_PAGE_ITEMS}; got ${pageItems}.`);
    }
    const deletionDelayMs = options.deletionDelayMs ?? 0;
    if (!Number.isFinite(deletionDelayMs) || deletionDelayMs < 0) {
      throw new RangeError(`deletionDelayMs must be a number of milliseconds >= 0; got ${deletionDelayMs}.`);
    }
    this.location = { ...DEFAULT_LOCATION, ...options.location };
    this.state = {
      clock: options.clock,
      location: this.location,
      newId: options.randomUUID ?? randomUUID,
      initialStatePageSize: pageItems,
      functions: new FunctionRegistry(this.location),
      executions: new ExecutionStore(options.clock),
      timers: new TimerQueue(),
      wakes: new WakeQueue(),
      needingInvocation: new Set(),
      hostInvokes: new Map(),
      deletionDelayMs,
    };
  }

  registerFunction(def: CoreFunctionDefinition): void {
    this.state.functions.register(def);
  }

  startExecution(req: StartExecutionRequest): StartExecutionResult {
    return this.call(() => startExecution(this.state, req));
  }

  beginInvocation(executionArn: string): InvocationStart {
    return this.call(() => beginInvocation(this.state, executionArn));
  }

  endInvocation(executionArn: string, invocationId: string, outcome: InvocationOutcome): void {
    this.call(() => endInvocation(this.state, executionArn, invocationId, outcome));
  }

  checkpoint(req: CheckpointDurableExecutionRequest): CheckpointDurableExecutionResponse {
    return this.call(() => checkpoint(this.state, req));
  }

  getState(req: GetDurableExecutionStateRequest): GetDurableExecutionStateResponse {
    return this.call(() => getState(this.state, req));
  }

  getExecution(req: GetDurableExecutionRequest): GetDurableExecutionResponse {
    return this.call(() => getExecution(this.state, req));
  }

  getHistory(req: GetDurableExecutionHistoryRequest): GetDurableExecutionHistoryResponse {
    return this.call(() => getHistory(this.state, req));
  }

  listExecutions(req: ListDurableExecutionsByFunctionRequest): ListDurableExecutionsByFunctionResponse {
    return this.call(() => listExecutions(this.state, req));
  }

  stopExecution(req: StopDurableExecutionRequest): StopDurableExecutionResponse {
    return this.call(() => stopExecution(this.state, req));
  }

  pauseExecution(req: PauseDurableExecutionRequest): PauseDurableExecutionResponse {
    return this.call(() => pauseExecution(this.state, req));
  }

  resumeExecution(req: ResumeDurableExecutionRequest): ResumeDurableExecutionResponse {
    return this.call(() => resumeExecution(this.state, req));
  }

  deleteExecution(req: DeleteDurableExecutionRequest): DeleteDurableExecutionResponse {
    return this.call(() => deleteExecution(this.state, req));
  }

  sendCallbackSuccess(callbackId: string, result?: string): void {
    this.call(() => sendCallbackSuccess(this.state, callbackId, result));
  }

  sendCallbackFailure(callbackId: string, error?: ErrorObject): void {
    this.call(() => sendCallbackFailure(this.state, callbackId, error));
  }

  sendCallbackHeartbeat(callbackId: string): void {
    this.call(() => sendCallbackHeartbeat(this.state, callbackId));
  }

  fireDueTimers(): void {
    this.call(() => fireDueTimers(this.state));
  }

  nextTimerAt(): number | undefined {
    return this.state.timers.nextDueAt();
  }

  executionsNeedingInvocation(): ExecutionSchedule[] {
    return executionsNeedingInvocation(this.state);
  }

  isInvocationRunning(executionArn: string): boolean {
    return isInvocationRunning(this.state, executionArn);
  }

  onWake(listener: CoreWakeListener): () => void {
    return this.state.wakes.subscribe(listener);
  }

  pendingChainedInvokes(): ChainedInvokeRequest[] {
    return hostChainedInvokes(this.state, false);
  }

  takeChainedInvokes(): ChainedInvokeRequest[] {
    return hostChainedInvokes(this.state, true);
  }

  completeChainedInvoke(executionArn: string, operationId: string, outcome: ChainedInvokeOutcome): boolean {
    return this.call(() => completeChainedInvoke(this.state, executionArn, operationId, outcome));
  }

  getOperations(executionArn: string): Operation[] {
    return this.call(() => getOperations(this.state, executionArn));
  }

  describeCheckpointToken(executionArn: string, checkpointToken: string): CheckpointTokenInfo | undefined {
    return describeCheckpointToken(this.state, executionArn, checkpointToken);
  }

  /** The execution's use of its operation and storage limits (the figures of Lambda's durable metrics). */
  executionUsage(executionArn: string): ExecutionUsage {
    return executionUsage(this.state, executionArn);
  }

  /** Runs a public call; wake listeners run once the outermost one has finished. */
  private call<T>(fn: () => T): T {
    return this.state.wakes.batch(fn);
  }
}
