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
import {
  DEFAULT_LOCATION,
  executionArn as buildExecutionArn,
  functionArn,
  resolveVersion,
  validateExecutionName,
  type ServiceLocation,
} from './arns';
import { decodeCallbackId } from './callbacks';
import { CoreServiceError, INVALID_CHECKPOINT_TOKEN, invalidParameter, notFound } from './errors';
import { HistoryLog, eventError, eventResult, stripExecutionData } from './history';
import { parseInvocationOutput } from './invocation-output';
import {
  CLIENT_TOKEN_TTL_MS,
  DEFAULT_PAGE_ITEMS,
  DEFAULT_RETENTION_DAYS,
  INVOCATION_RETRY_BASE_MS,
  INVOCATION_RETRY_MAX_MS,
  MAX_ASYNC_INPUT_BYTES,
  MAX_CALLBACK_RESULT_BYTES,
  MAX_SYNC_INPUT_BYTES,
  utf8Bytes,
} from './limits';
import {
  applyUpdate,
  completeWait,
  failCallback,
  finishChainedInvoke,
  hasPendingOperation,
  makeStepReady,
  succeedCallback,
  timeOutCallback,
  touch,
  type ApplyEnvironment,
  type ChainedStart,
} from './operation-state';
import { decodeEventIdMarker, decodeMarker, encodeMarker, pageSize } from './pagination';
import { runningInvocation, type ExecutionRecord, type InvocationRecord, type OperationRecord } from './records';
import { ExecutionStore } from './execution-store';
import { FunctionRegistry } from './functions';
import { TimerQueue } from './timers';
import { WakeQueue } from './wakes';
import { isCheckpointTokenShape, isClientTokenShape, newCheckpointToken } from './tokens';
import { CheckpointMessages, assertErrorObject, planCheckpoint } from './validation';
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
  private readonly clock: CoreClock;
  private readonly initialPageSize: number;
  private readonly uuid: () => string;
  private readonly functions: FunctionRegistry;
  private readonly executions: ExecutionStore;
  /** ARNs of executions that need an invocation, oldest first. */
  private readonly needing = new Set<string>();
  /** `arn\0opId` of chained invokes a host must perform. */
  private readonly hostChainedInvokes = new Set<string>();
  private readonly timers = new TimerQueue();
  private readonly wakes = new WakeQueue();

  constructor(options: DurableServiceCoreOptions) {
    this.clock = options.clock;
    this.location = { ...DEFAULT_LOCATION, ...options.location };
    const size = options.initialStatePageSize ?? DEFAULT_PAGE_ITEMS;
    if (!Number.isInteger(size) || size < 0 || size > 1000) {
      throw new RangeError(`initialStatePageSize must be an integer from 0 to 1000; got ${size}.`);
    }
    this.initialPageSize = size;
    this.uuid = options.randomUUID ?? randomUUID;
    this.functions = new FunctionRegistry(this.location);
    this.executions = new ExecutionStore(this.clock);
  }

  // ---------------------------------------------------------------- functions and executions

  registerFunction(def: CoreFunctionDefinition): void {
    this.functions.register(def);
  }

  startExecution(req: StartExecutionRequest): StartExecutionResult {
    return this.mutate(() => this.createExecution(req));
  }

  private createExecution(req: StartExecutionRequest, parent?: { executionArn: string; operationId: string }): StartExecutionResult {
    const { def, ref } = this.functions.resolve(req.functionName, req.qualifier, 'Register it before invoking it.');
    const version = resolveVersion(def, ref.qualifier, this.location);
    if (req.invocationType !== 'RequestResponse' && req.invocationType !== 'Event') {
      throw invalidParameter(`Invalid invocation type "${String(req.invocationType)}": use RequestResponse or Event.`);
    }
    if (req.payload !== undefined && typeof req.payload !== 'string') {
      throw invalidParameter('The Invoke payload must be text (JSON).');
    }
    const payload = req.payload === '' ? undefined : req.payload;
    const limit = req.invocationType === 'Event' ? MAX_ASYNC_INPUT_BYTES : MAX_SYNC_INPUT_BYTES;
    const inputBytes = payload === undefined ? 0 : utf8Bytes(payload);
    if (inputBytes > limit) {
      throw new CoreServiceError(
        'RequestTooLargeException',
        `Request must be smaller than ${limit} bytes for the ${req.invocationType} invocation type (got ${inputBytes}).`,
      );
    }
    const now = this.clock.now();
    if (req.executionName !== undefined) {
      validateExecutionName(req.executionName);
      const existing = this.executions.liveByName(def.functionName, req.executionName);
      if (existing) {
        if (existing.inputPayload === payload) {
          return { executionArn: existing.arn, executedVersion: existing.version, created: false };
        }
        throw new CoreServiceError(
          'DurableExecutionAlreadyStartedException',
          `A durable execution named ${req.executionName} already exists for ${def.functionName} with a different input ` +
            `(${existing.arn}). Use another DurableExecutionName, or send the same payload to get the existing execution.`,
        );
      }
    }
    const id = this.uuid();
    const name = req.executionName ?? this.uuid();
    const arn = buildExecutionArn(this.location, def.functionName, version, name, id);
    const exec: ExecutionRecord = {
      arn,
      id,
      name,
      functionName: def.functionName,
      version,
      functionArn: functionArn(this.location, def.functionName, version),
      createdSeq: this.executions.nextCreatedSeq(),
      invocationType: req.invocationType,
      ...(payload !== undefined ? { inputPayload: payload } : {}),
      startedAt: now,
      executionTimeoutSeconds: def.durableConfig.executionTimeoutSeconds,
      retentionDays: def.durableConfig.retentionPeriodDays ?? DEFAULT_RETENTION_DAYS,
      status: 'RUNNING',
      operations: [],
      operationsById: new Map(),
      history: new HistoryLog(),
      changeSeq: 0,
      invocations: [],
      tokens: new Map(),
      needsInvocation: false,
      consecutiveInvocationErrors: 0,
      clientTokens: new Map(),
      dataBytes: inputBytes,
      ...(parent ? { parent } : {}),
    };
    const op: Operation = {
      Id: id,
      Type: 'EXECUTION',
      Status: 'STARTED',
      StartTimestamp: new Date(now),
      ExecutionDetails: payload !== undefined ? { InputPayload: payload } : {},
    };
    const rec: OperationRecord = { op, changeSeq: 0 };
    exec.operations.push(rec);
    exec.operationsById.set(id, rec);
    touch(exec, rec);
    exec.history.append('ExecutionStarted', now, { Id: id, Name: name }, {
      Input: eventResult(payload),
      ExecutionTimeout: exec.executionTimeoutSeconds,
    });
    this.executions.add(exec);
    this.timers.arm('execution-timeout', arn, '', now + exec.executionTimeoutSeconds * 1000);
    this.markNeedsInvocation(exec);
    this.wake(exec, 'started');
    return { executionArn: arn, executedVersion: version, created: true };
  }

  // ---------------------------------------------------------------- invocations

  beginInvocation(executionArn: string): InvocationStart {
    return this.mutate(() => {
      const exec = this.lookup(executionArn);
      if (exec.status !== 'RUNNING' || exec.pendingClose) {
        throw invalidParameter(`Execution ${exec.arn} is ${exec.pendingClose ? 'closing' : exec.status}; only a RUNNING execution is invoked.`);
      }
      const running = runningInvocation(exec);
      if (running) {
        throw invalidParameter(
          `Invocation ${running.requestId} of ${exec.arn} is still running; end it with endInvocation (an error outcome replaces a timed-out one) before starting another.`,
        );
      }
      const seq = exec.invocations.length + 1;
      const token = newCheckpointToken(exec.id, seq, 1, this.uuid());
      const inv: InvocationRecord = {
        id: this.uuid(),
        seq,
        requestId: this.uuid(),
        startedAt: this.clock.now(),
        tokens: new Map([[token, { consumed: false }]]),
        activeToken: token,
        lastDeliveredSeq: exec.changeSeq,
        serviceChangeSeen: false,
        running: true,
        closedByService: false,
      };
      exec.invocations.push(inv);
      exec.tokens.set(token, inv);
      exec.needsInvocation = false;
      this.needing.delete(exec.arn);
      this.timers.disarm('invocation-retry', exec.arn, '');
      const page = this.statePage(exec, 0, this.initialPageSize);
      return {
        invocationId: inv.id,
        requestId: inv.requestId,
        event: {
          DurableExecutionArn: exec.arn,
          CheckpointToken: token,
          InitialExecutionState: page,
        },
      };
    });
  }

  endInvocation(executionArn: string, invocationId: string, outcome: InvocationOutcome): void {
    this.mutate(() => {
      const exec = this.lookup(executionArn);
      const inv = exec.invocations.find((i) => i.id === invocationId);
      if (!inv) {
        throw invalidParameter(`Unknown invocation ${invocationId} for ${exec.arn}: pass the invocationId beginInvocation returned.`);
      }
      if (!inv.running) {
        if (inv.closedByService) {
          // The execution was stopped or timed out while it ran; its end is already recorded.
          return;
        }
        throw invalidParameter(`Invocation ${invocationId} of ${exec.arn} has already ended.`);
      }
      const now = this.clock.now();
      inv.running = false;
      let error: ErrorObject | undefined;
      let parsed = outcome?.kind === 'returned' ? parseInvocationOutput(outcome.output) : undefined;
      if (outcome?.kind === 'error') {
        error = assertErrorLike(outcome.error);
      } else if (outcome?.kind !== 'returned') {
        error = { ErrorType: 'InvalidInvocationOutcome', ErrorMessage: 'The host reported an outcome that is neither {kind: "returned"} nor {kind: "error"}.' };
      } else if (parsed?.kind === 'PENDING' && !exec.pendingClose && !hasPendingOperation(exec)) {
        parsed = {
          kind: 'INVALID',
          error: { ErrorType: 'InvalidDurableExecutionOutput', ErrorMessage: 'Cannot return PENDING status with no pending operations' },
        };
      }
      if (parsed?.kind === 'INVALID' || parsed?.kind === 'FAILED') {
        error = parsed.error;
      }
      exec.history.append('InvocationCompleted', now, undefined, {
        StartTimestamp: new Date(inv.startedAt),
        EndTimestamp: new Date(now),
        RequestId: inv.requestId,
        ...(error !== undefined ? { Error: eventError(error) } : {}),
      });
      this.wake(exec, 'invocation-ended');
      const close = exec.pendingClose;
      if (close) {
        this.finishExecution(exec, close.status, close.status === 'SUCCEEDED' ? { result: close.result } : { error: close.error });
      } else if (parsed?.kind === 'SUCCEEDED') {
        this.finishExecution(exec, 'SUCCEEDED', { result: parsed.result });
      } else if (parsed?.kind === 'FAILED') {
        this.finishExecution(exec, 'FAILED', { error: parsed.error });
      } else if (parsed?.kind === 'PENDING') {
        exec.consecutiveInvocationErrors = 0;
        if (inv.serviceChangeSeen) {
          // Emulator rule (§4.3): the handler may have suspended on stale state; replay is idempotent.
          this.markNeedsInvocation(exec);
        }
      } else {
        exec.consecutiveInvocationErrors++;
        const delay = Math.min(INVOCATION_RETRY_BASE_MS * 2 ** (exec.consecutiveInvocationErrors - 1), INVOCATION_RETRY_MAX_MS);
        this.timers.arm('invocation-retry', exec.arn, '', now + delay);
      }
    });
  }

  // ---------------------------------------------------------------- data plane

  checkpoint(req: CheckpointDurableExecutionRequest): CheckpointDurableExecutionResponse {
    return this.mutate(() => {
      const token = requireToken(req.CheckpointToken);
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
        NewExecutionState: { Operations: this.changedSince(exec, inv.lastDeliveredSeq) },
      };
      inv.lastDeliveredSeq = exec.changeSeq;
      if (!exec.pendingClose) {
        const next = newCheckpointToken(exec.id, inv.seq, inv.tokens.size + 1, this.uuid());
        inv.tokens.set(next, { consumed: false });
        inv.activeToken = next;
        exec.tokens.set(next, inv);
        response.CheckpointToken = next;
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
      const token = requireToken(req.CheckpointToken);
      const exec = this.lookupForToken(req.DurableExecutionArn);
      this.invocationForToken(exec, token, 'state');
      const size = pageSize(req.MaxItems);
      const start = req.Marker === undefined || req.Marker === '' ? 0 : decodeMarker('state', req.Marker);
      return this.statePage(exec, start, size);
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
    return this.mutate(() => {
      const exec = this.lookup(req.DurableExecutionArn);
      assertErrorObject(req.Error, 'Error of the stop request');
      if (exec.status !== 'RUNNING') {
        throw invalidParameter(`Cannot stop execution ${exec.arn}: it is already ${exec.status}.`);
      }
      const now = this.clock.now();
      this.finishExecution(exec, 'STOPPED', { error: req.Error });
      return { StopTimestamp: new Date(now) };
    });
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
          if (exec.pendingClose) {
            const close = exec.pendingClose;
            this.finishExecution(exec, close.status, close.status === 'SUCCEEDED' ? { result: close.result } : { error: close.error });
          } else {
            this.finishExecution(exec, 'TIMED_OUT', {
              error: {
                ErrorType: 'ExecutionTimedOut',
                ErrorMessage: `The execution exceeded its ExecutionTimeout of ${exec.executionTimeoutSeconds} seconds.`,
              },
            });
          }
          continue;
        }
        if (timer.kind === 'invocation-retry') {
          if (!runningInvocation(exec)) this.markNeedsInvocation(exec);
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
    const out: ExecutionSchedule[] = [];
    for (const arn of this.needing) {
      const exec = this.executions.get(arn);
      if (exec && exec.status === 'RUNNING' && exec.needsInvocation && !exec.pendingClose && !runningInvocation(exec)) {
        out.push({ executionArn: exec.arn, functionName: exec.functionName, executedVersion: exec.version });
      }
    }
    return out;
  }

  isInvocationRunning(executionArn: string): boolean {
    const exec = this.executions.get(executionArn);
    return exec !== undefined && runningInvocation(exec) !== undefined;
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
    return this.mutate(() => this.lookup(executionArn).operations.map((r) => deepCopy(r.op)));
  }

  describeCheckpointToken(executionArn: string, checkpointToken: string): CheckpointTokenInfo | undefined {
    const exec = this.executions.get(executionArn);
    const inv = exec?.tokens.get(checkpointToken);
    if (!exec || !inv) return undefined;
    return {
      executionArn: exec.arn,
      invocationId: inv.id,
      requestId: inv.requestId,
      invocationNumber: inv.seq,
      current: inv.running && exec.status === 'RUNNING',
    };
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

  /**
   * Ends an execution. A still-running invocation is closed first so that the terminal event is
   * the last one (§5.2); its host's later endInvocation is then a no-op.
   */
  private finishExecution(
    exec: ExecutionRecord,
    status: Exclude<ExecutionStatus, 'RUNNING'>,
    outcome: { result?: string; error?: ErrorObject },
  ): void {
    const now = this.clock.now();
    const inv = runningInvocation(exec);
    if (inv) {
      inv.running = false;
      inv.closedByService = true;
      const why = status === 'STOPPED' ? 'stopped' : status === 'TIMED_OUT' ? 'timed out' : 'closed';
      exec.history.append('InvocationCompleted', now, undefined, {
        StartTimestamp: new Date(inv.startedAt),
        EndTimestamp: new Date(now),
        RequestId: inv.requestId,
        Error: eventError({ ErrorType: 'InvocationInterrupted', ErrorMessage: `The execution was ${why} while this invocation was running.` }),
      });
    }
    exec.status = status;
    exec.endedAt = now;
    exec.pendingClose = undefined;
    exec.needsInvocation = false;
    this.needing.delete(exec.arn);
    this.timers.disarmExecution(exec.arn);
    if (outcome.result !== undefined) exec.result = outcome.result;
    if (outcome.error !== undefined) exec.error = deepCopy(outcome.error);
    const execRec = exec.operationsById.get(exec.id) as OperationRecord;
    execRec.op.Status = status;
    execRec.op.EndTimestamp = new Date(now);
    touch(exec, execRec);
    const subject = { Id: exec.id, Name: exec.name };
    if (status === 'SUCCEEDED') exec.history.append('ExecutionSucceeded', now, subject, { Result: eventResult(outcome.result) });
    else if (status === 'FAILED') exec.history.append('ExecutionFailed', now, subject, { Error: eventError(outcome.error) });
    else if (status === 'TIMED_OUT') exec.history.append('ExecutionTimedOut', now, subject, { Error: eventError(outcome.error) });
    else exec.history.append('ExecutionStopped', now, subject, { Error: eventError(outcome.error) });
    this.wake(exec, 'ended');
    if (exec.parent) {
      const parent = this.executions.get(exec.parent.executionArn);
      const rec = parent?.operationsById.get(exec.parent.operationId);
      if (parent && rec && parent.status === 'RUNNING' && rec.op.Status === 'STARTED') {
        finishChainedInvoke(
          parent,
          rec,
          status === 'SUCCEEDED' ? { status, result: outcome.result } : { status, error: outcome.error },
          now,
        );
        this.serviceChanged(parent);
      }
    }
  }

  /** A change the service made on its own: deliver it to the running invocation or invoke again (§4.3). */
  private serviceChanged(exec: ExecutionRecord): void {
    const inv = runningInvocation(exec);
    if (inv) {
      inv.serviceChangeSeen = true;
    } else if (exec.status === 'RUNNING' && !exec.pendingClose) {
      this.markNeedsInvocation(exec);
    }
    this.wake(exec, 'service-change');
  }

  private markNeedsInvocation(exec: ExecutionRecord): void {
    exec.needsInvocation = true;
    this.needing.add(exec.arn);
    this.timers.disarm('invocation-retry', exec.arn, '');
  }

  /** Operations changed after `seq`, in start order. */
  private changedSince(exec: ExecutionRecord, seq: number): Operation[] {
    return exec.operations.filter((r) => r.changeSeq > seq).map((r) => deepCopy(r.op));
  }

  /**
   * A page of the operations GetState and InitialExecutionState return: in start order, without
   * the descendants of a completed CONTEXT that does not ask for ReplayChildren (§3.2).
   */
  private statePage(exec: ExecutionRecord, start: number, size: number): { Operations: Operation[]; NextMarker?: string } {
    const hidden = new Set<string>();
    for (const { op } of exec.operations) {
      if (op.ParentId === undefined) continue;
      const parent = exec.operationsById.get(op.ParentId)?.op;
      const parentClosedWithoutChildren =
        parent?.Type === 'CONTEXT' &&
        (parent.Status === 'SUCCEEDED' || parent.Status === 'FAILED') &&
        parent.ContextDetails?.ReplayChildren !== true;
      if (hidden.has(op.ParentId) || parentClosedWithoutChildren) hidden.add(op.Id as string);
    }
    const operations: Operation[] = [];
    let pos = start;
    for (; pos < exec.operations.length; pos++) {
      const { op } = exec.operations[pos];
      if (hidden.has(op.Id as string)) continue;
      if (operations.length === size) break;
      operations.push(deepCopy(op));
    }
    return pos < exec.operations.length ? { Operations: operations, NextMarker: encodeMarker('state', pos) } : { Operations: operations };
  }

  private lookup(arn: string | undefined): ExecutionRecord {
    return this.executions.lookup(arn);
  }

  /** The execution a data-plane call names; an unknown one makes the token invalid (no 404 is modelled there). */
  private lookupForToken(arn: string | undefined): ExecutionRecord {
    const exec = typeof arn === 'string' ? this.executions.live(arn) : undefined;
    if (!exec) throw invalidParameter(INVALID_CHECKPOINT_TOKEN);
    return exec;
  }

  /**
   * The running invocation a token belongs to. A checkpoint needs the newest unconsumed token;
   * GetState accepts any token of the running invocation (emulator rule, §3.2).
   */
  private invocationForToken(exec: ExecutionRecord, token: string, use: 'checkpoint' | 'state'): InvocationRecord {
    const inv = exec.tokens.get(token);
    const current = runningInvocation(exec);
    if (!inv || inv !== current || exec.status !== 'RUNNING' || exec.pendingClose) {
      throw invalidParameter(INVALID_CHECKPOINT_TOKEN);
    }
    if (use === 'checkpoint' && (token !== inv.activeToken || inv.tokens.get(token)?.consumed)) {
      throw invalidParameter(INVALID_CHECKPOINT_TOKEN);
    }
    return inv;
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

function requireToken(token: unknown): string {
  if (token === undefined || token === null || token === '') {
    throw invalidParameter(CheckpointMessages.tokenRequired);
  }
  if (typeof token !== 'string' || !isCheckpointTokenShape(token)) {
    throw invalidParameter(INVALID_CHECKPOINT_TOKEN);
  }
  return token;
}

function optionalDate(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw invalidParameter(`${name} must be a timestamp.`);
  }
  return value.getTime();
}

/** The error of an invocation-error outcome, made safe to store even when a host passed junk. */
function assertErrorLike(error: unknown): ErrorObject {
  if (error && typeof error === 'object' && !Array.isArray(error)) {
    const e = error as Record<string, unknown>;
    const out: ErrorObject = {};
    if (typeof e.ErrorType === 'string') out.ErrorType = e.ErrorType;
    if (typeof e.ErrorMessage === 'string') out.ErrorMessage = e.ErrorMessage;
    if (typeof e.ErrorData === 'string') out.ErrorData = e.ErrorData;
    if (Array.isArray(e.StackTrace) && e.StackTrace.every((l) => typeof l === 'string')) out.StackTrace = [...(e.StackTrace as string[])];
    return out;
  }
  return { ErrorMessage: String(error) };
}
