/**
 * The durable-execution service core: one state machine over functions, executions, operations,
 * invocations, timers and history, with no I/O and an injected clock (see api.ts).
 */
import { randomUUID } from 'node:crypto';
import type {
  CheckpointDurableExecutionRequest,
  CheckpointDurableExecutionResponse,
  ErrorObject,
  Event,
  Execution,
  ExecutionStatus,
  GetDurableExecutionHistoryRequest,
  GetDurableExecutionHistoryResponse,
  GetDurableExecutionRequest,
  GetDurableExecutionResponse,
  GetDurableExecutionStateRequest,
  GetDurableExecutionStateResponse,
  ListDurableExecutionsByFunctionRequest,
  ListDurableExecutionsByFunctionResponse,
  Operation,
  OperationUpdate,
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
  CoreWakeReason,
  DurableServiceCoreApi,
  ExecutionSchedule,
  InvocationOutcome,
  InvocationStart,
  StartExecutionRequest,
  StartExecutionResult,
} from './api';
import { DEFAULT_LOCATION, resolveVersion, type ServiceLocation } from './arns';
import { decodeCallbackId } from './callbacks';
import { CoreServiceError, invalidParameter, notFound } from './errors';
import { stripExecutionData } from './history';
import { CLIENT_TOKEN_TTL_MS, DEFAULT_PAGE_ITEMS, MAX_CALLBACK_RESULT_BYTES, utf8Bytes } from './limits';
import {
  applyUpdate,
  completeWait,
  failCallback,
  finishChainedInvoke,
  makeStepReady,
  succeedCallback,
  timeOutCallback,
  type ApplyEnvironment,
  type ChainedStart,
} from './operation-state';
import { decodeEventIdMarker, decodeMarker, encodeMarker, pageSize } from './pagination';
import { runningInvocation, type ExecutionRecord, type InvocationRecord, type OperationRecord } from './records';
import { ExecutionStore } from './execution-store';
import { FunctionRegistry } from './functions';
import { TimerQueue } from './timers';
import { WakeQueue } from './wakes';
import type { CoreState } from './core-state';
import { finishExecution, startExecution, stopExecution, timeOutExecution } from './executions';
import {
  beginInvocation,
  describeCheckpointToken,
  endInvocation,
  executionForToken,
  invocationForToken,
  issueNextToken,
} from './invocations';
import { executionsNeedingInvocation, isInvocationRunning, markNeedsInvocation, serviceChanged } from './scheduling';
import { allOperations, changedSince, statePage } from './state-view';
import { requireCheckpointToken } from './tokens';
import { isClientTokenShape } from './tokens';
import { assertErrorObject, planCheckpoint } from './validation';
import { deepCopy } from './clone';

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
}

const TERMINAL: readonly ExecutionStatus[] = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'STOPPED'];

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
  private readonly clock: CoreClock;
  private readonly functions: FunctionRegistry;
  private readonly executions: ExecutionStore;
  /** `arn\0opId` of chained invokes a host must perform. */
  private readonly hostChainedInvokes = new Set<string>();
  private readonly timers: TimerQueue;
  private readonly wakes: WakeQueue;

  constructor(options: DurableServiceCoreOptions) {
    const size = options.initialStatePageSize ?? DEFAULT_PAGE_ITEMS;
    if (!Number.isInteger(size) || size < 0 || size > 1000) {
      throw new RangeError(`initialStatePageSize must be an integer from 0 to 1000; got ${size}.`);
    }
    this.location = { ...DEFAULT_LOCATION, ...options.location };
    this.state = {
      clock: options.clock,
      location: this.location,
      newId: options.randomUUID ?? randomUUID,
      initialStatePageSize: size,
      functions: new FunctionRegistry(this.location),
      executions: new ExecutionStore(options.clock),
      timers: new TimerQueue(),
      wakes: new WakeQueue(),
      needingInvocation: new Set(),
      hostInvokes: new Map(),
    };
    this.clock = options.clock;
    this.functions = this.state.functions;
    this.executions = this.state.executions;
    this.timers = this.state.timers;
    this.wakes = this.state.wakes;
  }

  // ---------------------------------------------------------------- functions and executions

  registerFunction(def: CoreFunctionDefinition): void {
    this.functions.register(def);
  }

  startExecution(req: StartExecutionRequest): StartExecutionResult {
    return this.mutate(() => this.createExecution(req));
  }

  private createExecution(req: StartExecutionRequest, parent?: { executionArn: string; operationId: string }): StartExecutionResult {
    return startExecution(this.state, req, parent);
  }

  // ---------------------------------------------------------------- invocations

  beginInvocation(executionArn: string): InvocationStart {
    return this.mutate(() => beginInvocation(this.state, executionArn));
  }

  endInvocation(executionArn: string, invocationId: string, outcome: InvocationOutcome): void {
    this.mutate(() => endInvocation(this.state, executionArn, invocationId, outcome));
  }

  // ---------------------------------------------------------------- data plane

  checkpoint(req: CheckpointDurableExecutionRequest): CheckpointDurableExecutionResponse {
    return this.mutate(() => {
      const token = requireCheckpointToken(req.CheckpointToken);
      const exec = this.lookupForToken(req.DurableExecutionArn);
      const now = this.clock.now();
      if (req.ClientToken !== undefined) {
        if (typeof req.ClientToken !== 'string' || !isClientTokenShape(req.ClientToken)) {
          throw invalidParameter('Invalid ClientToken: use 1-64 printable ASCII characters without spaces.');
        }
        const replay = exec.clientTokens.get(req.ClientToken);
        if (replay && replay.expiresAt > now) {
          return deepCopy(replay.response);
        }
      }
      const inv = this.invocationForToken(exec, token, 'checkpoint');
      const plan = planCheckpoint(req.Updates, {
        operation: (id) => exec.operationsById.get(id)?.op,
        operationCount: exec.operations.length,
        dataBytes: exec.dataBytes,
      });
      (inv.tokens.get(token) as { consumed: boolean }).consumed = true;
      const env = this.applyEnvironment(now);
      for (const planned of plan.updates) {
        applyUpdate(exec, planned, env);
      }
      exec.dataBytes += plan.dataBytes;
      const response: CheckpointDurableExecutionResponse = {
        NewExecutionState: { Operations: changedSince(exec, inv.lastDeliveredSeq) },
      };
      inv.lastDeliveredSeq = exec.changeSeq;
      if (!exec.pendingClose) {
        response.CheckpointToken = issueNextToken(this.state, exec, inv);
      }
      if (req.ClientToken !== undefined) {
        for (const [key, entry] of exec.clientTokens) {
          if (entry.expiresAt <= now) exec.clientTokens.delete(key);
        }
        exec.clientTokens.set(req.ClientToken, { response: deepCopy(response), expiresAt: now + CLIENT_TOKEN_TTL_MS });
      }
      this.wake(exec, 'checkpoint');
      return response;
    });
  }

  getState(req: GetDurableExecutionStateRequest): GetDurableExecutionStateResponse {
    return this.mutate(() => {
      const token = requireCheckpointToken(req.CheckpointToken);
      const exec = this.lookupForToken(req.DurableExecutionArn);
      this.invocationForToken(exec, token, 'state');
      const size = pageSize(req.MaxItems);
      const start = req.Marker === undefined || req.Marker === '' ? 0 : decodeMarker('state', req.Marker);
      return statePage(exec, start, size);
    });
  }

  // ---------------------------------------------------------------- control plane

  getExecution(req: GetDurableExecutionRequest): GetDurableExecutionResponse {
    return this.mutate(() => {
      const exec = this.lookup(req.DurableExecutionArn);
      const include = req.IncludeExecutionData !== false;
      const res: GetDurableExecutionResponse = {
        DurableExecutionArn: exec.arn,
        DurableExecutionName: exec.name,
        FunctionArn: exec.functionArn,
        Status: exec.status,
        StartTimestamp: new Date(exec.startedAt),
        Version: exec.version,
        ExecutionDataIncluded: include,
        DurableConfig: { ExecutionTimeout: exec.executionTimeoutSeconds, RetentionPeriodInDays: exec.retentionDays },
      };
      if (exec.endedAt !== undefined) res.EndTimestamp = new Date(exec.endedAt);
      if (include) {
        if (exec.inputPayload !== undefined) res.InputPayload = exec.inputPayload;
        if (exec.status === 'SUCCEEDED' && exec.result !== undefined) res.Result = exec.result;
        if (exec.status !== 'SUCCEEDED' && exec.error !== undefined) res.Error = deepCopy(exec.error);
      }
      return res;
    });
  }

  getHistory(req: GetDurableExecutionHistoryRequest): GetDurableExecutionHistoryResponse {
    return this.mutate(() => {
      const exec = this.lookup(req.DurableExecutionArn);
      const include = req.IncludeExecutionData !== false;
      const size = pageSize(req.MaxItems);
      const total = exec.history.length;
      const reverse = req.ReverseOrder === true;
      let from = reverse ? total : 1;
      if (req.Marker !== undefined && req.Marker !== '') {
        from = decodeEventIdMarker(req.Marker);
        if (reverse ? from > total : from > total + 1) {
          throw invalidParameter(`Invalid Marker "${req.Marker}": this execution has ${total} events.`);
        }
      }
      const events: Event[] = [];
      let id = from;
      while (events.length < size && (reverse ? id >= 1 : id <= total)) {
        const event = exec.history.at(id);
        events.push(include ? event : stripExecutionData(event));
        id += reverse ? -1 : 1;
      }
      const more = reverse ? id >= 1 : id <= total;
      return more ? { Events: events, NextMarker: String(id) } : { Events: events };
    });
  }

  listExecutions(req: ListDurableExecutionsByFunctionRequest): ListDurableExecutionsByFunctionResponse {
    return this.mutate(() => {
      const { def, ref } = this.functions.resolve(req.FunctionName, req.Qualifier);
      const version = ref.qualifier === undefined ? undefined : resolveVersion(def, ref.qualifier, this.location);
      const statuses = req.Statuses;
      if (statuses !== undefined) {
        if (!Array.isArray(statuses) || statuses.some((s) => !TERMINAL.includes(s) && s !== 'RUNNING')) {
          throw invalidParameter(`Invalid Statuses filter: use RUNNING, ${TERMINAL.join(', ')}.`);
        }
      }
      const after = optionalDate(req.StartedAfter, 'StartedAfter');
      const before = optionalDate(req.StartedBefore, 'StartedBefore');
      const size = pageSize(req.MaxItems);
      const reverse = req.ReverseOrder === true;
      const marker = req.Marker === undefined || req.Marker === '' ? undefined : decodeMarker('list', req.Marker);
      const matches: ExecutionRecord[] = [];
      for (const exec of this.executions.liveAll()) {
        if (exec.functionName !== def.functionName) continue;
        if (version !== undefined && exec.version !== version) continue;
        if (req.DurableExecutionName !== undefined && exec.name !== req.DurableExecutionName) continue;
        if (statuses !== undefined && statuses.length > 0 && !statuses.includes(exec.status)) continue;
        if (after !== undefined && exec.startedAt <= after) continue;
        if (before !== undefined && exec.startedAt >= before) continue;
        if (marker !== undefined && (reverse ? exec.createdSeq < marker : exec.createdSeq > marker)) continue;
        matches.push(exec);
      }
      // Newest first by default (§6.4); creation order is start order.
      matches.sort((a, b) => (reverse ? a.createdSeq - b.createdSeq : b.createdSeq - a.createdSeq));
      const page = matches.slice(0, size).map((exec) => {
        const item: Execution = {
          DurableExecutionArn: exec.arn,
          DurableExecutionName: exec.name,
          FunctionArn: exec.functionArn,
          Status: exec.status,
          StartTimestamp: new Date(exec.startedAt),
        };
        if (exec.endedAt !== undefined) item.EndTimestamp = new Date(exec.endedAt);
        return item;
      });
      return matches.length > size
        ? { DurableExecutions: page, NextMarker: encodeMarker('list', matches[size].createdSeq) }
        : { DurableExecutions: page };
    });
  }

  stopExecution(req: StopDurableExecutionRequest): StopDurableExecutionResponse {
    return this.mutate(() => stopExecution(this.state, req));
  }

  sendCallbackSuccess(callbackId: string, result?: string): void {
    this.mutate(() => {
      if (result !== undefined && typeof result !== 'string') {
        throw invalidParameter('The callback result must be text (UTF-8).');
      }
      if (result !== undefined && utf8Bytes(result) > MAX_CALLBACK_RESULT_BYTES) {
        throw new CoreServiceError(
          'RequestTooLargeException',
          `Callback result is ${utf8Bytes(result)} bytes; the maximum is ${MAX_CALLBACK_RESULT_BYTES} bytes.`,
        );
      }
      const { exec, rec } = this.openCallback(callbackId);
      succeedCallback(exec, rec, result, this.clock.now(), this.timers);
      this.serviceChanged(exec);
    });
  }

  sendCallbackFailure(callbackId: string, error?: ErrorObject): void {
    this.mutate(() => {
      assertErrorObject(error, 'callback failure Error');
      const { exec, rec } = this.openCallback(callbackId);
      failCallback(exec, rec, error, this.clock.now(), this.timers);
      this.serviceChanged(exec);
    });
  }

  sendCallbackHeartbeat(callbackId: string): void {
    this.mutate(() => {
      const { exec, rec } = this.openCallback(callbackId);
      const seconds = rec.callback?.heartbeatTimeoutSeconds ?? 0;
      if (seconds <= 0) {
        throw invalidParameter(
          `Callback ${callbackId} was created without HeartbeatTimeoutSeconds, so it takes no heartbeats.`,
        );
      }
      this.timers.arm('callback-heartbeat', exec.arn, rec.op.Id as string, this.clock.now() + seconds * 1000);
      this.wake(exec, 'service-change');
    });
  }

  // ---------------------------------------------------------------- scheduling

  fireDueTimers(): void {
    this.mutate(() => {
      const now = this.clock.now();
      for (let timer = this.timers.takeNextDue(now); timer; timer = this.timers.takeNextDue(now)) {
        const exec = this.executions.get(timer.executionArn);
        if (!exec || exec.status !== 'RUNNING') continue;
        if (timer.kind === 'execution-timeout') {
          timeOutExecution(this.state, exec);
          continue;
        }
        if (timer.kind === 'invocation-retry') {
          if (!runningInvocation(exec)) markNeedsInvocation(this.state, exec);
          continue;
        }
        const rec = exec.operationsById.get(timer.operationId);
        if (!rec) continue;
        if (timer.kind === 'wait' && rec.op.Status === 'STARTED') {
          completeWait(exec, rec, now);
        } else if (timer.kind === 'step-retry' && rec.op.Status === 'PENDING') {
          makeStepReady(exec, rec);
        } else if ((timer.kind === 'callback-timeout' || timer.kind === 'callback-heartbeat') && rec.op.Status === 'STARTED') {
          timeOutCallback(exec, rec, timer.kind === 'callback-heartbeat', now, this.timers);
        } else {
          continue;
        }
        this.serviceChanged(exec);
      }
    });
  }

  nextTimerAt(): number | undefined {
    return this.timers.nextDueAt();
  }

  executionsNeedingInvocation(): ExecutionSchedule[] {
    return executionsNeedingInvocation(this.state);
  }

  isInvocationRunning(executionArn: string): boolean {
    return isInvocationRunning(this.state, executionArn);
  }

  onWake(listener: CoreWakeListener): () => void {
    return this.wakes.subscribe(listener);
  }

  // ---------------------------------------------------------------- chained invokes

  pendingChainedInvokes(): ChainedInvokeRequest[] {
    return this.hostChained(false);
  }

  takeChainedInvokes(): ChainedInvokeRequest[] {
    return this.hostChained(true);
  }

  completeChainedInvoke(executionArn: string, operationId: string, outcome: ChainedInvokeOutcome): boolean {
    return this.mutate(() => {
      const exec = this.lookup(executionArn);
      const rec = exec.operationsById.get(operationId);
      if (!rec || rec.op.Type !== 'CHAINED_INVOKE') {
        throw notFound(`No CHAINED_INVOKE operation ${operationId} in ${exec.arn}.`);
      }
      if (outcome.status !== 'SUCCEEDED') assertErrorObject(outcome.error, 'chained invoke error');
      else if (outcome.result !== undefined && typeof outcome.result !== 'string') {
        throw invalidParameter('A chained invoke result must be JSON text.');
      }
      this.hostChainedInvokes.delete(`${exec.arn}\u0000${operationId}`);
      if (exec.status !== 'RUNNING' || rec.op.Status !== 'STARTED') {
        return false;
      }
      finishChainedInvoke(exec, rec, outcome, this.clock.now());
      this.serviceChanged(exec);
      return true;
    });
  }

  // ---------------------------------------------------------------- introspection

  getOperations(executionArn: string): Operation[] {
    return this.mutate(() => allOperations(this.lookup(executionArn)));
  }

  describeCheckpointToken(executionArn: string, checkpointToken: string): CheckpointTokenInfo | undefined {
    return describeCheckpointToken(this.state, executionArn, checkpointToken);
  }

  // ---------------------------------------------------------------- internals

  /** Runs a public operation; wake listeners run once the outermost one has finished. */
  private mutate<T>(fn: () => T): T {
    return this.wakes.batch(fn);
  }

  private wake(exec: ExecutionRecord, reason: CoreWakeReason): void {
    this.wakes.notify(exec.arn, reason);
  }

  private applyEnvironment(now: number): ApplyEnvironment {
    return {
      now,
      timers: this.timers,
      startChainedInvoke: (exec, rec, u) => this.startChainedInvoke(exec, rec, u),
      cancelChainedTarget: (arn) => {
        const target = this.executions.get(arn);
        if (target && target.status === 'RUNNING') {
          this.finishExecution(target, 'STOPPED', {
            error: { ErrorType: 'ChainedInvokeCancelled', ErrorMessage: 'The calling execution cancelled this chained invoke.' },
          });
        }
      },
    };
  }

  private startChainedInvoke(exec: ExecutionRecord, rec: OperationRecord, u: OperationUpdate): ChainedStart {
    const options = u.ChainedInvokeOptions as NonNullable<OperationUpdate['ChainedInvokeOptions']>;
    const opId = rec.op.Id as string;
    const registered = this.functions.isRegisteredTarget(options.FunctionName);
    const base = {
      functionName: options.FunctionName as string,
      ...(u.Payload !== undefined ? { payload: u.Payload } : {}),
      ...(options.TenantId !== undefined ? { tenantId: options.TenantId } : {}),
    };
    if (!registered) {
      rec.chained = { ...base, hostPerformed: true, dispatched: false };
      this.hostChainedInvokes.add(`${exec.arn}\u0000${opId}`);
      this.wake(exec, 'chained-invoke');
      return { kind: 'host' };
    }
    rec.chained = { ...base, hostPerformed: false, dispatched: true };
    try {
      const started = this.createExecution(
        { functionName: options.FunctionName as string, payload: u.Payload, invocationType: 'Event' },
        { executionArn: exec.arn, operationId: opId },
      );
      rec.chained.targetExecutionArn = started.executionArn;
      return { kind: 'durable', executionArn: started.executionArn, executedVersion: started.executedVersion };
    } catch (err) {
      if (err instanceof CoreServiceError) {
        return { kind: 'failed', error: { ErrorType: err.name, ErrorMessage: err.message } };
      }
      throw err;
    }
  }

  private hostChained(take: boolean): ChainedInvokeRequest[] {
    const out: ChainedInvokeRequest[] = [];
    for (const key of this.hostChainedInvokes) {
      const [arn, opId] = key.split('\u0000');
      const exec = this.executions.get(arn);
      const rec = exec?.operationsById.get(opId);
      if (!exec || !rec?.chained || exec.status !== 'RUNNING' || rec.op.Status !== 'STARTED') {
        this.hostChainedInvokes.delete(key);
        continue;
      }
      if (rec.chained.dispatched) continue;
      if (take) rec.chained.dispatched = true;
      out.push({
        executionArn: arn,
        operationId: opId,
        functionName: rec.chained.functionName,
        ...(rec.chained.payload !== undefined ? { payload: rec.chained.payload } : {}),
        ...(rec.chained.tenantId !== undefined ? { tenantId: rec.chained.tenantId } : {}),
      });
    }
    return out;
  }

  private finishExecution(
    exec: ExecutionRecord,
    status: Exclude<ExecutionStatus, 'RUNNING'>,
    outcome: { result?: string; error?: ErrorObject },
  ): void {
    finishExecution(this.state, exec, status, outcome);
  }

  private serviceChanged(exec: ExecutionRecord): void {
    serviceChanged(this.state, exec);
  }

  private lookup(arn: string | undefined): ExecutionRecord {
    return this.executions.lookup(arn);
  }

  private lookupForToken(arn: string | undefined): ExecutionRecord {
    return executionForToken(this.state, arn);
  }

  private invocationForToken(exec: ExecutionRecord, token: string, use: 'checkpoint' | 'state'): InvocationRecord {
    return invocationForToken(exec, token, use);
  }

  private openCallback(callbackId: string): { exec: ExecutionRecord; rec: OperationRecord } {
    const address = decodeCallbackId(callbackId);
    const exec = address ? this.executions.liveById(address.executionId) : undefined;
    const rec = address ? exec?.operationsById.get(address.operationId) : undefined;
    if (!exec || !rec || rec.op.Type !== 'CALLBACK') {
      throw notFound(`Callback not found: ${callbackId}. Use the CallbackId the callback operation reported.`);
    }
    if (rec.op.Status === 'TIMED_OUT') {
      throw new CoreServiceError('CallbackTimeoutException', `Callback ${callbackId} has already timed out.`);
    }
    if (rec.op.Status !== 'STARTED') {
      throw invalidParameter(`Callback ${callbackId} is already ${rec.op.Status}; it cannot be completed again.`);
    }
    if (exec.status !== 'RUNNING' || exec.pendingClose) {
      throw invalidParameter(
        `Callback ${callbackId} belongs to execution ${exec.arn}, which is ${exec.pendingClose ? 'closing' : exec.status}; its callbacks can no longer complete.`,
      );
    }
    return { exec, rec };
  }
}

function optionalDate(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw invalidParameter(`${name} must be a timestamp.`);
  }
  return value.getTime();
}
