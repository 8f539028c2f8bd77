/**
 * A complete durable-execution service in this process, for tests: the core, a scheduler, a
 * clock (virtual by default) and an in-process `LambdaClient`. Handlers are plain functions
 * called with the durable event, as Lambda would call them.
 */
import type { ErrorObject, Operation } from '@aws-sdk/client-lambda';
import { RealClock, VirtualClock, type ServiceClock } from '../clock';
import {
  DurableServiceCore,
  parseFunctionReference,
  type ChainedInvokeOutcome,
  type ChainedInvokeRequest,
  type DurableInvocationEvent,
  type ExecutionSchedule,
  type InvocationOutcome,
} from '../core';
import { pauseRequest, resumeRequest, type PauseOptions, type ResumeOptions } from '../execution-control';
import { describeOutcome, type ExecutionOutcome } from '../execution-outcome';
import type { FaultPlan } from '../faults';
import { createInProcessLambdaClient, type InProcessLambdaClient, type RecordedCall, type RetryBackoff } from '../in-process-client';
import { ExecutionScheduler, errorObjectFrom, type InvocationContext, type InvocationReport } from '../scheduler';

/** The Lambda context object handed to a handler (the fields handlers commonly read). */
export interface LambdaContextLike {
  readonly awsRequestId: string;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  /** Milliseconds left before the function timeout (real time). */
  getRemainingTimeInMillis(): number;
}

/** A durable handler: what `withDurableExecution(workflow)` returns. */
export type DurableHandler = (event: DurableInvocationEvent, context: LambdaContextLike) => unknown;

/** A plain (non-durable) function a chained invoke may call: input and output are JSON values. */
export type PlainHandler = (input: unknown, context: LambdaContextLike) => unknown;

/** Options of {@link InProcessDurableService}. */
export interface InProcessServiceOptions {
  /** `virtual` (default) skips idle time; `real` waits it out; or pass your own clock. */
  readonly clock?: 'virtual' | 'real' | ServiceClock;
  /** Faults to inject into the client's data-plane requests. */
  readonly faults?: FaultPlan;
  /** Operations in `InitialExecutionState` (default 100; 0 sends an empty first page). */
  readonly initialStatePageSize?: number;
  /** Invocations an execution may take before it is stopped as a runaway (default 1000). */
  readonly maxInvocations?: number;
  /** Delay between client retries; default `none`. */
  readonly retryBackoff?: RetryBackoff;
}

/** Options of {@link InProcessDurableService.registerHandler}. */
export interface HandlerOptions {
  /** `DurableConfig.ExecutionTimeout`; default 86,400 s. */
  readonly executionTimeoutSeconds?: number;
  /** `DurableConfig.RetentionPeriodInDays`; default 14. */
  readonly retentionPeriodDays?: number;
  /** The function timeout: an invocation running longer is an invocation error. Default 60 s. */
  readonly timeoutSeconds?: number;
  /** Published versions ("1", "2", …). */
  readonly versions?: readonly string[];
  /** Alias → version. */
  readonly aliases?: Readonly<Record<string, string>>;
}

/** What happens between two invocations of an execution. */
export type InvocationHook = (info: InvocationReport) => void | Promise<void>;

/** Options of {@link InProcessDurableService.start} and {@link InProcessDurableService.run}. */
export interface RunOptions {
  /** `DurableExecutionName` (idempotent start). */
  readonly executionName?: string;
  /** Qualifier to invoke; default `$LATEST`. */
  readonly qualifier?: string;
  /** Invocations this execution may take before it is stopped as a runaway. */
  readonly maxInvocations?: number;
  /** Default `RequestResponse` (6 MB input limit); `Event` has the 1 MB limit. */
  readonly invocationType?: 'RequestResponse' | 'Event';
  /** Runs after each invocation of this execution, before the next one (awaited). */
  readonly betweenInvocations?: InvocationHook;
}

/** One invocation of a run. */
export interface RunInvocation {
  readonly requestId: string;
  /** 1-based. */
  readonly invocationNumber: number;
  readonly outcome: InvocationOutcome;
  /** The data-plane requests this invocation made (by its checkpoint tokens), retries included. */
  readonly dataPlaneCalls: RecordedCall[];
}

/** An execution as it ended. */
export interface RunResult extends ExecutionOutcome {
  readonly invocations: RunInvocation[];
}

interface Registration {
  readonly kind: 'durable' | 'plain';
  readonly handler: DurableHandler | PlainHandler;
  readonly timeoutSeconds: number;
}

const DATA_PLANE = new Set(['CheckpointDurableExecution', 'GetDurableExecutionState']);

/**
 * The in-process durable-execution service.
 *
 * @example
 * const svc = new InProcessDurableService();
 * svc.registerHandler('orders', withDurableExecution(workflow, { client: svc.client }));
 * const run = await svc.run('orders', { id: 42 });
 * expect(run.status).toBe('SUCCEEDED');
 * await svc.close();
 */
export class InProcessDurableService {
  readonly core: DurableServiceCore;
  readonly clock: ServiceClock;
  readonly scheduler: ExecutionScheduler;
  /** Pass this to the runtime as its `LambdaClient`. */
  readonly client: InProcessLambdaClient;
  private readonly registrations = new Map<string, Registration>();
  private readonly reports = new Map<string, InvocationReport[]>();
  private readonly runHooks = new Map<string, InvocationHook>();
  private readonly hooks = new Set<InvocationHook>();
  private closed = false;

  constructor(options: InProcessServiceOptions = {}) {
    const clock = options.clock ?? 'virtual';
    this.clock = clock === 'virtual' ? new VirtualClock() : clock === 'real' ? new RealClock() : clock;
    this.core = new DurableServiceCore({ clock: this.clock, initialStatePageSize: options.initialStatePageSize });
    this.client = createInProcessLambdaClient(this.core, { faults: options.faults, retryBackoff: options.retryBackoff });
    this.scheduler = new ExecutionScheduler({
      core: this.core,
      clock: this.clock,
      maxInvocationsPerExecution: options.maxInvocations ?? 1000,
      invoker: (target, event, ctx) => this.invoke(target, event, ctx),
      chainedInvoker: (request) => this.invokePlain(request),
      afterInvocation: (report) => this.afterInvocation(report),
    });
  }

  /** Every data-plane request (Checkpoint, GetState) the service received, retries included. */
  get calls(): RecordedCall[] {
    return this.client.calls.filter((c) => DATA_PLANE.has(c.command));
  }

  /**
   * Registers a durable function and its handler. Registering a name again replaces both.
   * @example svc.registerHandler('orders', handler, { executionTimeoutSeconds: 3600 });
   */
  registerHandler(functionName: string, handler: DurableHandler, options: HandlerOptions = {}): void {
    this.assertOpen();
    if (typeof handler !== 'function') throw new TypeError(`The handler of ${functionName} must be a function.`);
    this.core.registerFunction({
      functionName,
      durableConfig: { executionTimeoutSeconds: options.executionTimeoutSeconds ?? 86_400, retentionPeriodDays: options.retentionPeriodDays },
      versions: options.versions,
      aliases: options.aliases,
    });
    this.registrations.set(functionName, { kind: 'durable', handler, timeoutSeconds: checkTimeout(options.timeoutSeconds, functionName) });
  }

  /**
   * Registers a plain (non-durable) function that chained invokes may call.
   * @example svc.registerPlainHandler('pricing', (input) => ({ price: 3 }));
   */
  registerPlainHandler(functionName: string, handler: PlainHandler, options: { timeoutSeconds?: number } = {}): void {
    this.assertOpen();
    if (typeof handler !== 'function') throw new TypeError(`The handler of ${functionName} must be a function.`);
    if (this.registrations.get(functionName)?.kind === 'durable') {
      throw new TypeError(`${functionName} is registered as a durable function; use another name for the plain one.`);
    }
    this.registrations.set(functionName, { kind: 'plain', handler, timeoutSeconds: checkTimeout(options.timeoutSeconds, functionName) });
  }

  /**
   * Starts an execution and returns its ARN without waiting for it.
   * @example const arn = await svc.start('orders', { id: 1 }); const cb = await svc.waitForCallbackId(arn);
   */
  async start(functionName: string, input?: unknown, options: RunOptions = {}): Promise<string> {
    this.assertOpen();
    const payload = input === undefined ? undefined : JSON.stringify(input);
    const { executionArn, created } = this.core.startExecution({
      functionName,
      qualifier: options.qualifier ?? (functionName.includes(':') ? undefined : '$LATEST'),
      executionName: options.executionName,
      payload,
      invocationType: options.invocationType ?? 'RequestResponse',
    });
    if (created) {
      if (options.maxInvocations !== undefined) this.scheduler.setInvocationLimit(executionArn, options.maxInvocations);
      if (options.betweenInvocations) this.runHooks.set(executionArn, options.betweenInvocations);
    }
    return executionArn;
  }

  /** Waits for an execution to end and describes it. */
  async waitFor(executionArn: string): Promise<RunResult> {
    await this.scheduler.waitForExecution(executionArn);
    return this.describe(executionArn);
  }

  /**
   * Starts an execution and waits for it to end.
   * @example const run = await svc.run('orders', { id: 1 }, { maxInvocations: 20 });
   */
  async run(functionName: string, input?: unknown, options: RunOptions = {}): Promise<RunResult> {
    return this.waitFor(await this.start(functionName, input, options));
  }

  /** Describes an execution as it stands now (running or not). */
  describe(executionArn: string): RunResult {
    const outcome = describeOutcome(this.core, executionArn);
    const byRequest = new Map<string, RecordedCall[]>();
    for (const call of this.calls) {
      if (call.input.DurableExecutionArn !== executionArn) continue;
      const token = call.input.CheckpointToken;
      const info = typeof token === 'string' ? this.core.describeCheckpointToken(executionArn, token) : undefined;
      if (!info) continue;
      const list = byRequest.get(info.requestId) ?? [];
      list.push(call);
      byRequest.set(info.requestId, list);
    }
    const invocations = (this.reports.get(executionArn) ?? []).map((r) => ({
      requestId: r.requestId,
      invocationNumber: r.invocationNumber,
      outcome: r.outcome,
      dataPlaneCalls: byRequest.get(r.requestId) ?? [],
    }));
    const { executionName: _executionName, ...shared } = outcome;
    return {
      ...shared,
      invocations,
    };
  }

  /**
   * Resolves with the first operation of the execution that matches, as soon as it exists
   * (checked after every change). Rejects if the execution ends first.
   */
  waitForOperation(executionArn: string, predicate: (op: Operation) => boolean, description = 'the awaited operation'): Promise<Operation> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.core.getOperations(executionArn).find(predicate);
        if (found) {
          resolve(found);
          return true;
        }
        const status = this.core.getExecution({ DurableExecutionArn: executionArn, IncludeExecutionData: false }).Status;
        if (status !== 'RUNNING' && status !== 'PAUSING' && status !== 'PAUSED') {
          reject(new Error(`${executionArn} ended ${status} before ${description} appeared.`));
          return true;
        }
        return false;
      };
      try {
        if (check()) return;
      } catch (err) {
        reject(err as Error);
        return;
      }
      const off = this.core.onWake((wake) => {
        if (wake.executionArn !== executionArn) return;
        try {
          if (check()) off();
        } catch (err) {
          off();
          reject(err as Error);
        }
      });
    });
  }

  /**
   * Resolves with the CallbackId of the first started callback (by `name` when given).
   * @example const id = await svc.waitForCallbackId(arn, 'approval');
   */
  async waitForCallbackId(executionArn: string, name?: string): Promise<string> {
    const op = await this.waitForOperation(
      executionArn,
      (o) => o.Type === 'CALLBACK' && o.CallbackDetails?.CallbackId !== undefined && (name === undefined || o.Name === name),
      name === undefined ? 'a callback' : `callback "${name}"`,
    );
    return op.CallbackDetails?.CallbackId as string;
  }

  /**
   * Pauses an execution (`PauseDurableExecution`, protocol.md §9.4): PAUSED at once, or PAUSING
   * until its running invocation's next checkpoint. No invocation starts until {@link resume}.
   * Hold the virtual clock (`holdClock`) while paused, or idle time runs into the timeout cap.
   *
   * @throws CoreServiceError 409 unless it is RUNNING, 404 when unknown.
   * @example await svc.pause(arn, { reason: 'deploy' }); await svc.resume(arn);
   */
  async pause(executionArn: string, options: PauseOptions = {}): Promise<void> {
    this.assertOpen();
    this.core.pauseExecution(pauseRequest(executionArn, options));
  }

  /**
   * Resumes a PAUSING or PAUSED execution (§9.6); it is invoked at once when it owes an invocation.
   * @throws CoreServiceError 409 unless it is PAUSING or PAUSED.
   * @example await svc.resume(arn, { reason: 'deploy done' });
   */
  async resume(executionArn: string, options: ResumeOptions = {}): Promise<void> {
    this.assertOpen();
    this.core.resumeExecution(resumeRequest(executionArn, options));
  }

  /**
   * Deletes a finished execution and its history (§9.8); returns when the deletion was requested.
   * @throws CoreServiceError 409 unless it is SUCCEEDED, FAILED, TIMED_OUT or STOPPED, 404 when unknown.
   * @example await svc.delete(run.executionArn);
   */
  async delete(executionArn: string): Promise<Date> {
    this.assertOpen();
    this.reports.delete(executionArn);
    return this.core.deleteExecution({ DurableExecutionArn: executionArn }).DeletionRequestTimestamp as Date;
  }

  /** Runs `hook` after every invocation of every execution, before the next one; returns the remover. */
  onInvocationEnd(hook: InvocationHook): () => void {
    this.hooks.add(hook);
    return () => {
      this.hooks.delete(hook);
    };
  }

  /** Keeps the virtual clock from skipping ahead until the returned function is called. */
  holdClock(): () => void {
    return this.scheduler.holdClock();
  }

  /** Stops the scheduler and waits for invocations in flight. */
  async close(): Promise<void> {
    this.closed = true;
    await this.scheduler.stop();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('This InProcessDurableService is closed; create a new one.');
  }

  private async afterInvocation(report: InvocationReport): Promise<void> {
    const list = this.reports.get(report.executionArn) ?? [];
    list.push(report);
    this.reports.set(report.executionArn, list);
    for (const hook of [...this.hooks]) await hook(report);
    await this.runHooks.get(report.executionArn)?.(report);
  }

  private context(functionName: string, version: string, requestId: string, timeoutSeconds: number): LambdaContextLike {
    const deadline = Date.now() + timeoutSeconds * 1000;
    const arn = `arn:${this.core.location.partition}:lambda:${this.core.location.region}:${this.core.location.accountId}:function:${functionName}:${version}`;
    return {
      awsRequestId: requestId,
      functionName,
      functionVersion: version,
      invokedFunctionArn: arn,
      memoryLimitInMB: '128',
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: `in-process/${requestId}`,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
  }

  /** Calls a handler like Lambda: JSON in and out, a function timeout, thrown errors as function errors. */
  private callWithTimeout(
    registration: Registration,
    input: unknown,
    context: LambdaContextLike,
  ): Promise<{ kind: 'value'; value: unknown } | { kind: 'error'; error: ErrorObject }> {
    return new Promise((resolve) => {
      const seconds = registration.timeoutSeconds;
      const timer = setTimeout(
        () => resolve({ kind: 'error', error: { ErrorType: 'Sandbox.Timedout', ErrorMessage: `Task timed out after ${seconds.toFixed(2)} seconds` } }),
        seconds * 1000,
      );
      Promise.resolve()
        .then(() => (registration.handler as (i: unknown, c: LambdaContextLike) => unknown)(input, context))
        .then(
          (value) => {
            clearTimeout(timer);
            let json: unknown;
            try {
              // Lambda serialises the return value; undefined becomes null.
              json = value === undefined ? null : JSON.parse(JSON.stringify(value));
            } catch (err) {
              resolve({ kind: 'error', error: { ErrorType: 'Runtime.MarshalError', ErrorMessage: `Unable to serialize the response: ${(err as Error).message}` } });
              return;
            }
            resolve({ kind: 'value', value: json });
          },
          (err) => {
            clearTimeout(timer);
            resolve({ kind: 'error', error: errorObjectFrom(err) });
          },
        );
    });
  }

  private async invoke(target: ExecutionSchedule, event: DurableInvocationEvent, ctx: InvocationContext): Promise<InvocationOutcome> {
    const registration = this.registrations.get(target.functionName);
    if (!registration || registration.kind !== 'durable') {
      return { kind: 'error', error: { ErrorType: 'ResourceNotFoundException', ErrorMessage: `No handler is registered for ${target.functionName}.` } };
    }
    const context = this.context(target.functionName, target.executedVersion, ctx.requestId, registration.timeoutSeconds);
    const res = await this.callWithTimeout(registration, JSON.parse(JSON.stringify(event)), context);
    return res.kind === 'value' ? { kind: 'returned', output: res.value } : { kind: 'error', error: res.error };
  }

  private async invokePlain(request: ChainedInvokeRequest): Promise<ChainedInvokeOutcome> {
    let name: string;
    try {
      name = parseFunctionReference(request.functionName).functionName;
    } catch (err) {
      return { status: 'FAILED', error: errorObjectFrom(err) };
    }
    const registration = this.registrations.get(name);
    if (!registration || registration.kind !== 'plain') {
      return {
        status: 'FAILED',
        error: { ErrorType: 'ResourceNotFoundException', ErrorMessage: `Function not found: ${request.functionName}. Register it with registerPlainHandler or registerHandler.` },
      };
    }
    const input = request.payload === undefined || request.payload === '' ? null : JSON.parse(request.payload);
    const context = this.context(name, '$LATEST', `chained-${request.operationId}`, registration.timeoutSeconds);
    const res = await this.callWithTimeout(registration, input, context);
    if (res.kind === 'error') return { status: 'FAILED', error: res.error };
    return res.value === null ? { status: 'SUCCEEDED' } : { status: 'SUCCEEDED', result: JSON.stringify(res.value) };
  }
}

function checkTimeout(seconds: number | undefined, functionName: string): number {
  const value = seconds ?? 60;
  if (!(value > 0) || value > 900) {
    throw new RangeError(`timeoutSeconds of ${functionName} must be more than 0 and at most 900 (Lambda's limit); got ${String(seconds)}.`);
  }
  return value;
}
