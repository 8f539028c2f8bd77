/**
 * The local durable-execution service, assembled: the service core, a clock, the scheduler that
 * invokes handlers, the function host that runs them in worker threads or child processes, and
 * the HTTP server that speaks the Lambda REST API. An unmodified `LambdaClient` pointed at
 * {@link LocalDurableService.endpoint} works against it, inside the hosted functions (through
 * `AWS_ENDPOINT_URL_LAMBDA`) and from test code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ErrorObject,
  Event,
  ExecutionStatus,
  GetDurableExecutionResponse,
  LambdaClient,
  LambdaClientConfig,
} from '@aws-sdk/client-lambda';
import { RealClock, ServiceClock, VirtualClock } from './clock';
import { assertLocalReference, functionArn, parseFunctionReference, resolveVersion } from './core/arns';
import { DurableServiceCore } from './core';
import { readFullHistory } from './execution-history';
import { describeOutcome, type ExecutionOutcome } from './execution-outcome';
import { FaultInjector, FaultPlan } from './faults';
import { FunctionHost, PERMANENT_INVOCATION_ERRORS } from './hosting/function-host';
import { HostedFunction, HostedFunctionOptions, resolveHostedFunction, toCoreDefinition } from './hosting/hosted-function';
import { OutputSink } from './hosting/sandbox';
import { bundleTypeScriptEntry, needsBundling } from './hosting/typescript-entry';
import { coreBackend } from './http/core-backend';
import { DurableApiBackend, InvokeApiRequest, InvokeApiResult } from './http/durable-api';
import { consoleLogger, ServiceLogger } from './http/logger';
import { DurableHttpServer, RequestObserver, ResponseDropped } from './http/server';
import { HttpServiceError } from './http/service-errors';
import { ExecutionObserver, type LocalFunctionMetrics, type StatusChangeListener } from './observability';
import { pauseRequest, resumeRequest, type PauseOptions, type ResumeOptions } from './execution-control';
import { ExecutionScheduler, SchedulerError } from './scheduler';
import { formatTimeline } from './timeline';

/**
 * Kills the handler sandbox right after the service applied a chosen checkpoint call, as if the
 * Lambda instance crashed at that point; the checkpoint's response is lost with it.
 *
 * @example
 * // Crash the first invocation right after its second checkpoint was stored.
 * const rule: HandlerKillRule = { afterCheckpoint: 2 };
 */
export interface HandlerKillRule {
  /** The 1-based number of the applied checkpoint call, counted per invocation. */
  readonly afterCheckpoint: number;
  /** The 1-based invocation of the execution it applies to (default 1, the first). */
  readonly invocation?: number;
  /** Only executions of this function (default: any). */
  readonly functionName?: string;
  /** How many times the rule may fire (default 1; `Infinity` for every match). */
  readonly times?: number;
}

/**
 * Options of {@link LocalDurableService.start}.
 *
 * @example
 * await LocalDurableService.start({ clock: 'real', freshProcessPerInvocation: true, handlerOutput: 'silent' });
 */
export interface LocalDurableServiceOptions {
  /**
   * `virtual` (default): idle time is skipped, so a one-hour wait takes no real time and `Date`
   * inside handlers follows the service clock. `real`: waits take real time. Or a clock instance.
   */
  readonly clock?: 'virtual' | 'real' | ServiceClock;
  /** TCP port on 127.0.0.1 (default: a free ephemeral port). */
  readonly port?: number;
  /** Run every invocation in a new Node process (default: reused worker threads). */
  readonly freshProcessPerInvocation?: boolean;
  /** Faults to inject into CheckpointDurableExecution / GetDurableExecutionState calls. */
  readonly faults?: FaultPlan;
  /** Handler crashes to inject after chosen checkpoint calls. */
  readonly handlerKills?: readonly HandlerKillRule[];
  /** Service diagnostics (default: warnings and errors to stderr). */
  readonly logger?: ServiceLogger;
  /** Handler stdout/stderr: `inherit` (default) writes to this process's streams, `silent` drops it, or a sink. */
  readonly handlerOutput?: 'inherit' | 'silent' | OutputSink;
  /** Region of every ARN (default us-east-1). */
  readonly region?: string;
  /** Account of every ARN (default 123456789012). */
  readonly accountId?: string;
  /** Invocations one execution may take before it is stopped as a runaway (default 10,000). */
  readonly maxInvocationsPerExecution?: number;
  /** Real-time limit of a synchronous Invoke in ms (default 15 minutes, as on Lambda). */
  readonly syncInvokeTimeoutMs?: number;
  /**
   * On the virtual clock, whether idle time is skipped while an execution waits on an open
   * callback. Default false: only someone outside the service can complete a callback, so the
   * clock then runs at the real pace (timeouts fire in real time) instead of jumping straight to
   * the callback's or the execution's timeout.
   */
  readonly skipTimeWhileCallbacksOpen?: boolean;
  /**
   * Stop an execution at once when its handler cannot be loaded (missing export, missing module,
   * syntax error) instead of retrying until the execution timeout as Lambda would. Default true.
   */
  readonly stopWhenHandlerCannotLoad?: boolean;
  /**
   * Metrics hook: told about every HTTP request the service answered (operation, execution ARN
   * label, request and response sizes, status), e.g. to count a runtime's checkpoint traffic.
   */
  readonly onRequest?: RequestObserver;
  /**
   * Told about every durable execution status change (start, then its end), as the EventBridge
   * event Lambda publishes for it; see also {@link LocalDurableService.onExecutionStatusChange}.
   */
  readonly onExecutionStatusChange?: StatusChangeListener;

  /**
   * How long a deleted execution stays `DELETING` (visible to Get and List) before it is gone, in
   * ms of the service clock. Default 0: removed as soon as the Delete is answered.
   */
  readonly deletionDelayMs?: number;
}

/**
 * A registered function.
 *
 * @example
 * const { functionArn } = await svc.registerFunction({ name: 'orders', bundle: 'dist/index.js' });
 */
export interface RegisteredFunction {
  readonly name: string;
  /** The unqualified function ARN. */
  readonly functionArn: string;
  readonly versions: readonly string[];
  readonly aliases: Readonly<Record<string, string>>;
  /** The CommonJS file that runs (the bundle built from a TypeScript entry, when one was given). */
  readonly bundlePath: string;
}

/**
 * Options of {@link LocalDurableService.run} and {@link LocalDurableService.startExecution}.
 *
 * @example
 * await svc.run('orders:live', input, { executionName: 'order-42', timeoutMs: 30_000 });
 */
export interface RunOptions {
  /** `DurableExecutionName`, for an idempotent start. */
  readonly executionName?: string;
  /** Real-time limit in ms for `run` to wait; on expiry it rejects with the timeline so far. */
  readonly timeoutMs?: number;
}

/**
 * One invocation of an execution, from its `InvocationCompleted` event.
 *
 * @example
 * run.invocations.filter((i) => i.error !== undefined).length; // failed invocations
 */
export interface InvocationSummary {
  readonly requestId: string;
  readonly startedAt: Date;
  readonly endedAt: Date;
  /** Set when the invocation failed (threw, crashed, timed out) or returned FAILED. */
  readonly error?: ErrorObject;
}

/**
 * An execution as {@link LocalDurableService.run} reports it.
 *
 * @example
 * const { status, result, history, timeline } = await svc.run('orders:live', { orderId: '42' });
 */
export interface ExecutionRun extends ExecutionOutcome {
  readonly executionName: string;
  readonly invocations: InvocationSummary[];
  /** The readable operation timeline (see `formatTimeline`). */
  readonly timeline: string;
}

const DEFAULT_SYNC_INVOKE_TIMEOUT_MS = 15 * 60 * 1000;

/**
 * The local durable-execution service.
 *
 * @example
 * const svc = await LocalDurableService.start();
 * await svc.registerFunction({ name: 'orders', bundle: 'cdk.out/asset.abc/index.js' });
 * const run = await svc.run('orders:live', { orderId: '42' });
 * console.log(run.status, run.result);
 * console.log(run.timeline);
 * await svc.stop();
 */
export class LocalDurableService {
  /**
   * Starts the service: the HTTP server on 127.0.0.1 and the scheduler.
   */
  static async start(options: LocalDurableServiceOptions = {}): Promise<LocalDurableService> {
    const service = new LocalDurableService(options);
    await service.open();
    return service;
  }

  /** The service core (for diagnostics and advanced tests). */
  readonly core: DurableServiceCore;
  /** The clock the service runs on. */
  readonly clock: ServiceClock;
  /** Status-change events and durable metrics of every execution (see {@link metrics}). */
  readonly observability: ExecutionObserver;
  private readonly logger: ServiceLogger;
  private readonly clients = new Set<LambdaClient>();
  private readonly killRules: Array<{ rule: HandlerKillRule; fired: number }> = [];
  /** Applied checkpoint calls per invocation id. */
  private readonly checkpointCounts = new Map<string, number>();
  /** `arn\0ClientToken` of checkpoint requests already applied once (their repeats are replays). */
  private readonly seenClientTokens = new Set<string>();
  /** Executions that started a callback and may still be waiting on one. */
  private readonly callbackExecutions = new Set<string>();
  /** Executions that were paused and may still be PAUSING or PAUSED. */
  private readonly pausedExecutions = new Set<string>();
  private releaseCallbackHold: (() => void) | undefined;
  private injector: FaultInjector;
  private server: DurableHttpServer | undefined;
  private host: FunctionHost | undefined;
  private scheduler: ExecutionScheduler | undefined;
  private stopping: Promise<void> | undefined;

  private constructor(private readonly options: LocalDurableServiceOptions) {
    this.clock = options.clock === 'real' ? new RealClock() : options.clock === undefined || options.clock === 'virtual' ? new VirtualClock() : options.clock;
    this.logger = options.logger ?? consoleLogger(false);
    this.core = new DurableServiceCore({
      clock: this.clock,
      location: {
        ...(options.region !== undefined ? { region: options.region } : {}),
        ...(options.accountId !== undefined ? { accountId: options.accountId } : {}),
      },
      deletionDelayMs: options.deletionDelayMs,
    });
    this.observability = new ExecutionObserver(this.core);
    if (options.onExecutionStatusChange !== undefined) {
      this.observability.onStatusChange(options.onExecutionStatusChange);
    }
    this.injector = new FaultInjector(options.faults ?? []);
    for (const rule of options.handlerKills ?? []) {
      this.killHandlerAt(rule);
    }
  }

  /** The base URL of the HTTP API, e.g. `http://127.0.0.1:39213`. */
  get endpoint(): string {
    return this.running().server.endpoint;
  }

  /**
   * A `LambdaClient` pointed at this service (region and dummy credentials filled in). The
   * service destroys it on {@link stop}.
   *
   * @example
   * await svc.client().send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }));
   */
  client(overrides: Partial<LambdaClientConfig> = {}): LambdaClient {
    const client = new LambdaClient({
      endpoint: this.endpoint,
      region: this.core.location.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      ...overrides,
    });
    this.clients.add(client);
    return client;
  }

  /**
   * Registers (or replaces) a function: a CommonJS bundle and export, as the CDK construct
   * produces, or a TypeScript entry, which is bundled with esbuild first. Defaults: version "1",
   * alias "live" → "1", and `$LATEST`.
   *
   * @throws FunctionRegistrationError for options that cannot be hosted.
   * @example
   * await svc.registerFunction({ name: 'orders', bundle: 'dist/orders.js', handler: 'handler', executionTimeout: 3600 });
   */
  async registerFunction(options: HostedFunctionOptions): Promise<RegisteredFunction> {
    const { host } = this.running();
    let bundlePath: string | undefined;
    if (needsBundling(options.bundle)) {
      const outDir = fs.mkdtempSync(path.join(host.workDir(), `${path.basename(options.bundle).replace(/\W/g, '_')}-`));
      bundlePath = await bundleTypeScriptEntry(options.bundle, outDir);
    }
    const fn = resolveHostedFunction(options, bundlePath);
    this.core.registerFunction(toCoreDefinition(fn));
    host.register(fn);
    this.logger.debug(`registered ${fn.name} (${fn.bundlePath}#${fn.handler})`);
    return {
      name: fn.name,
      functionArn: functionArn(this.core.location, fn.name),
      versions: fn.versions,
      aliases: fn.aliases,
      bundlePath: fn.bundlePath,
    };
  }

  /**
   * Starts an execution and waits for its end; resolves with its status, result, operations,
   * history, invocations and timeline whatever the status (it does not throw for FAILED).
   *
   * @param functionName a qualified name: `orders:live`, `orders:1` or `orders:$LATEST`.
   * @example
   * const run = await svc.run('orders:live', { orderId: '42' }, { executionName: 'order-42' });
   * expect(run.status).toBe('SUCCEEDED');
   */
  async run(functionName: string, input?: unknown, options: RunOptions = {}): Promise<ExecutionRun> {
    const executionArn = this.start(functionName, input, options, 'RequestResponse');
    return this.waitForExecution(executionArn, options.timeoutMs);
  }

  /**
   * Starts an execution without waiting (an asynchronous Invoke) and returns its ARN.
   *
   * @example
   * const arn = await svc.startExecution('orders:live', { orderId: '42' });
   * const run = await svc.waitForExecution(arn);
   */
  async startExecution(functionName: string, input?: unknown, options: RunOptions = {}): Promise<string> {
    return this.start(functionName, input, options, 'Event');
  }

  /**
   * Waits until the execution is SUCCEEDED, FAILED, TIMED_OUT or STOPPED and describes it.
   *
   * @param timeoutMs real-time limit; on expiry it rejects with the timeline so far.
   */
  async waitForExecution(executionArn: string, timeoutMs?: number): Promise<ExecutionRun> {
    const { scheduler } = this.running();
    const finished = scheduler.waitForExecution(executionArn).catch((error: unknown) => {
      if (error instanceof SchedulerError && error.code === 'invocation-limit') {
        // The scheduler stopped the runaway execution; report it like any other end.
        return this.core.getExecution({ DurableExecutionArn: executionArn });
      }
      throw error;
    });
    if (timeoutMs === undefined) {
      await finished;
    } else {
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          reject(
            new Error(
              `Execution ${executionArn} did not finish within ${timeoutMs} ms of real time. Timeline so far:\n${formatTimeline(this.history(executionArn))}`,
            ),
          );
        }, timeoutMs);
      });
      try {
        await Promise.race([finished, limit]);
      } finally {
        clearTimeout(timer);
      }
    }
    return this.describe(executionArn);
  }

  /**
   * The execution as it stands now (running or finished).
   *
   * @throws CoreServiceError 404 for an unknown ARN.
   */
  describe(executionArn: string): ExecutionRun {
    const outcome = describeOutcome(this.core, executionArn);
    const history = outcome.history;
    return {
      ...outcome,
      invocations: history
        .filter((event) => event.EventType === 'InvocationCompleted')
        .map((event) => {
          const details = event.InvocationCompletedDetails;
          return {
            requestId: details?.RequestId as string,
            startedAt: details?.StartTimestamp as Date,
            endedAt: details?.EndTimestamp as Date,
            ...(details?.Error?.Payload !== undefined ? { error: details.Error.Payload } : {}),
          };
        }),
      timeline: formatTimeline(history),
    };
  }

  /**
   * Calls `listener` with every durable execution status-change event from now on, in the shape
   * Lambda sends to EventBridge (`source` `aws.lambda`, `detail-type` `Durable Execution Status
   * Change`); returns the function that removes it.
   *
   * @example
   * const failed: string[] = [];
   * svc.onExecutionStatusChange((event) => {
   *   if (event.detail.status === 'FAILED') failed.push(event.detail.durableExecutionArn);
   * });
   */
  onExecutionStatusChange(listener: StatusChangeListener): () => void {
    return this.observability.onStatusChange(listener);
  }

  /**
   * The durable execution metrics Lambda would publish, counted per function since the service
   * started, named as the CloudWatch metrics (`DurableExecutionFailed`, …).
   *
   * @example
   * expect(svc.metrics('orders').DurableExecutionFailed).toBe(0);
   * console.log(formatMetrics(svc.metrics()));
   */
  metrics(functionName: string): LocalFunctionMetrics;
  metrics(): LocalFunctionMetrics[];
  metrics(functionName?: string): LocalFunctionMetrics | LocalFunctionMetrics[] {
    return functionName === undefined ? this.observability.metrics() : this.observability.metrics(functionName);
  }

  /**
   * Pauses an execution (`PauseDurableExecution`, protocol.md §9.4): no invocation starts until it
   * is resumed, while waits, callbacks and chained invokes keep completing. On the virtual clock,
   * time runs at the real pace while any execution is paused, since only a resume ends a pause.
   *
   * @throws CoreServiceError 409 `ResourceConflictException` unless it is RUNNING, 404 when unknown.
   * @example
   * await svc.pause(arn, { reason: 'payments deploy' });
   * await svc.resume(arn);
   */
  async pause(executionArn: string, options: PauseOptions = {}): Promise<void> {
    this.running();
    this.core.pauseExecution(pauseRequest(executionArn, options));
    this.pausedExecutions.add(executionArn);
    this.updateCallbackHold();
  }

  /**
   * Resumes a PAUSING or PAUSED execution (`ResumeDurableExecution`, §9.6): it is invoked at once
   * when the pause interrupted an invocation or something completed meanwhile.
   *
   * @throws CoreServiceError 409 `ResourceConflictException` unless it is PAUSING or PAUSED.
   * @example await svc.resume(arn, { reason: 'deploy done' });
   */
  async resume(executionArn: string, options: ResumeOptions = {}): Promise<void> {
    this.running();
    this.core.resumeExecution(resumeRequest(executionArn, options));
    this.updateCallbackHold();
  }

  /**
   * Deletes a finished execution with its history, state and payloads (`DeleteDurableExecution`,
   * §9.8); returns when the deletion was requested.
   *
   * @throws CoreServiceError 409 `ResourceConflictException` unless it is SUCCEEDED, FAILED,
   *   TIMED_OUT or STOPPED, 404 when unknown or already deleted.
   * @example await svc.delete(run.executionArn);
   */
  async delete(executionArn: string): Promise<Date> {
    this.running();
    return this.core.deleteExecution({ DurableExecutionArn: executionArn }).DeletionRequestTimestamp as Date;
  }

  /** Every history event of an execution, oldest first, with execution data. */
  history(executionArn: string): Event[] {
    return readFullHistory(this.core, executionArn);
  }

  /**
   * Replaces the data-plane fault plan; request counting starts again from 0. Returns the
   * injector, whose `firedCounts()` tells which rules fired.
   *
   * @example
   * svc.injectFaults([{ operation: 'CheckpointDurableExecution', callIndex: 1, fault: 'drop-response' }]);
   */
  injectFaults(plan: FaultPlan): FaultInjector {
    this.injector = new FaultInjector(plan);
    return this.injector;
  }

  /**
   * Adds a handler crash after a chosen checkpoint call (see {@link HandlerKillRule}).
   *
   * @example
   * svc.killHandlerAt({ afterCheckpoint: 2 });
   */
  killHandlerAt(rule: HandlerKillRule): void {
    if (!Number.isInteger(rule.afterCheckpoint) || rule.afterCheckpoint < 1) {
      throw new RangeError(`HandlerKillRule.afterCheckpoint must be an integer >= 1; got ${String(rule.afterCheckpoint)}.`);
    }
    if (rule.invocation !== undefined && (!Number.isInteger(rule.invocation) || rule.invocation < 1)) {
      throw new RangeError(`HandlerKillRule.invocation must be an integer >= 1; got ${String(rule.invocation)}.`);
    }
    this.killRules.push({ rule, fired: 0 });
  }

  /**
   * Kills the sandbox running the execution's current invocation now.
   *
   * @returns false when no invocation of it is running.
   */
  killInvocation(executionArn: string): Promise<boolean> {
    return this.running().host.killInvocation(executionArn, 'killed on request');
  }

  /**
   * Keeps the virtual clock from skipping idle time until the returned function is called, so
   * that test code can act (e.g. send a callback) before a timeout fires.
   *
   * @example
   * const release = svc.holdClock();
   * // … send the callback …
   * release();
   */
  holdClock(): () => void {
    return this.running().scheduler.holdClock();
  }

  /**
   * Stops everything: no new invocations, handler sandboxes terminated, the HTTP server closed,
   * clients destroyed, temporary bundles removed. Idempotent.
   */
  stop(): Promise<void> {
    if (this.stopping === undefined) {
      this.stopping = this.shutdown();
    }
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const schedulerStopped = this.scheduler?.stop();
    // Killing the sandboxes ends in-flight invocations now rather than at their function timeout.
    await this.host?.close();
    await schedulerStopped;
    await this.server?.close();
    for (const client of this.clients) {
      client.destroy();
    }
    this.clients.clear();
  }

  private async open(): Promise<void> {
    // Callback completions, timeouts and execution ends arrive as core wakes.
    this.core.onWake((wake) => {
      if (this.callbackExecutions.has(wake.executionArn) || this.pausedExecutions.has(wake.executionArn)) {
        this.updateCallbackHold();
      }
    });
    this.server = await DurableHttpServer.start({
      backend: this.backend(),
      port: this.options.port,
      logger: this.logger,
      onRequest: this.options.onRequest,
    });
    this.host = new FunctionHost({
      endpoint: this.server.endpoint,
      freshProcessPerInvocation: this.options.freshProcessPerInvocation,
      handlerOutput: outputSink(this.options.handlerOutput),
      logger: this.logger,
    });
    const host = this.host;
    this.scheduler = new ExecutionScheduler({
      core: this.core,
      clock: this.clock,
      maxInvocationsPerExecution: this.options.maxInvocationsPerExecution,
      invoker: (target, event, ctx) => host.invoke(target, event, { requestId: ctx.requestId, virtualNow: ctx.virtualNow }),
      afterInvocation: (report) => {
        this.updateCallbackHold();
        this.checkpointCounts.delete(report.invocationId);
        if (report.outcome.kind === 'error') {
          const error = report.outcome.error;
          if (this.options.stopWhenHandlerCannotLoad !== false && PERMANENT_INVOCATION_ERRORS.has(error.ErrorType ?? '')) {
            this.logger.info(`stopping ${report.executionArn}: ${error.ErrorType}: ${error.ErrorMessage}`);
            this.stopIfRunning(report.executionArn, error);
            return;
          }
          this.logger.info(
            `invocation ${report.invocationNumber} of ${report.executionArn} failed: ${report.outcome.error.ErrorType}: ${report.outcome.error.ErrorMessage}`,
          );
        }
      },
    });
  }

  /**
   * Holds the virtual clock while any execution waits on an open callback (see
   * `skipTimeWhileCallbacksOpen`). Only executions that started a callback are examined.
   */
  private updateCallbackHold(): void {
    if (this.clock.mode !== 'virtual' || this.scheduler === undefined) {
      return;
    }
    // A pause, like an open callback, ends only from outside: skipping idle time would run a
    // paused execution straight into its timeout.
    for (const arn of this.pausedExecutions) {
      const status = this.statusOf(arn);
      if (status !== 'PAUSING' && status !== 'PAUSED') {
        this.pausedExecutions.delete(arn);
      }
    }
    for (const arn of this.callbackExecutions) {
      const status = this.statusOf(arn);
      const open =
        this.options.skipTimeWhileCallbacksOpen !== true &&
        (status === 'RUNNING' || status === 'PAUSING' || status === 'PAUSED') &&
        this.core.getOperations(arn).some((op) => op.Type === 'CALLBACK' && op.Status === 'STARTED');
      if (!open) {
        this.callbackExecutions.delete(arn);
      }
    }
    const hold = this.callbackExecutions.size > 0 || this.pausedExecutions.size > 0;
    if (hold && this.releaseCallbackHold === undefined) {
      this.releaseCallbackHold = this.scheduler.holdClock();
    } else if (!hold && this.releaseCallbackHold !== undefined) {
      const release = this.releaseCallbackHold;
      this.releaseCallbackHold = undefined;
      release();
    }
  }

  /** The execution's status, or undefined once it is gone (deleted, past retention). */
  private statusOf(executionArn: string): string | undefined {
    try {
      return this.core.getExecution({ DurableExecutionArn: executionArn, IncludeExecutionData: false }).Status;
    } catch {
      return undefined;
    }
  }

  private stopIfRunning(executionArn: string, error: ErrorObject): void {
    if (this.core.getExecution({ DurableExecutionArn: executionArn, IncludeExecutionData: false }).Status === 'RUNNING') {
      this.core.stopExecution({ DurableExecutionArn: executionArn, Error: error });
    }
  }

  private running(): { server: DurableHttpServer; host: FunctionHost; scheduler: ExecutionScheduler } {
    if (this.server === undefined || this.host === undefined || this.scheduler === undefined) {
      throw new Error('The local durable service is not running; create it with `await LocalDurableService.start()`.');
    }
    if (this.stopping !== undefined) {
      throw new Error('The local durable service has been stopped; start a new one.');
    }
    return { server: this.server, host: this.host, scheduler: this.scheduler };
  }

  private start(functionName: string, input: unknown, options: RunOptions, invocationType: 'RequestResponse' | 'Event'): string {
    this.running();
    const payload = input === undefined ? undefined : JSON.stringify(input);
    const started = this.core.startExecution({ functionName, executionName: options.executionName, payload, invocationType });
    return started.executionArn;
  }

  /** The HTTP backend: the core, with fault injection on the data plane and Invoke run by the scheduler. */
  private backend(): DurableApiBackend {
    const plain = coreBackend(this.core, (request) => this.invoke(request));
    return {
      ...plain,
      pauseExecution: (request) => {
        const response = this.core.pauseExecution(request);
        this.pausedExecutions.add(request.DurableExecutionArn as string);
        this.updateCallbackHold();
        return response;
      },
      checkpoint: async (request) => {
        const decision = this.injector.decide('CheckpointDurableExecution', request);
        if (decision?.error) {
          throw decision.error;
        }
        const arn = request.DurableExecutionArn as string;
        const tokenInfo = this.core.describeCheckpointToken(arn, request.CheckpointToken as string);
        const replayKey = request.ClientToken === undefined ? undefined : `${arn}\u0000${request.ClientToken}`;
        const isReplay = replayKey !== undefined && this.seenClientTokens.has(replayKey);
        const response = this.core.checkpoint(request);
        if (request.Updates?.some((update) => update.Type === 'CALLBACK' && update.Action === 'START')) {
          this.callbackExecutions.add(arn);
          this.updateCallbackHold();
        }
        if (replayKey !== undefined) {
          this.seenClientTokens.add(replayKey);
        }
        if (tokenInfo !== undefined && !isReplay) {
          const applied = (this.checkpointCounts.get(tokenInfo.invocationId) ?? 0) + 1;
          this.checkpointCounts.set(tokenInfo.invocationId, applied);
          const rule = this.takeKillRule(arn, tokenInfo.invocationNumber, applied);
          if (rule !== undefined) {
            const reason = `injected crash after checkpoint ${applied} of invocation ${tokenInfo.invocationNumber}`;
            await this.running().host.killInvocation(arn, reason);
            throw new ResponseDropped(reason);
          }
        }
        if (decision?.fault === 'drop-response') {
          throw new ResponseDropped('fault plan: response dropped after the checkpoint was applied');
        }
        return response;
      },
      getState: async (request) => {
        const decision = this.injector.decide('GetDurableExecutionState', request);
        if (decision?.error) {
          throw decision.error;
        }
        const response = this.core.getState(request);
        if (decision?.fault === 'drop-response') {
          throw new ResponseDropped('fault plan: response dropped after the state was read');
        }
        return response;
      },
    };
  }

  private takeKillRule(executionArn: string, invocationNumber: number, applied: number): HandlerKillRule | undefined {
    const functionName = executionArn.split(':')[6];
    for (const entry of this.killRules) {
      const { rule } = entry;
      if (entry.fired >= (rule.times ?? 1)) continue;
      if (rule.afterCheckpoint !== applied || (rule.invocation ?? 1) !== invocationNumber) continue;
      if (rule.functionName !== undefined && rule.functionName !== functionName) continue;
      entry.fired++;
      return rule;
    }
    return undefined;
  }

  private async invoke(request: InvokeApiRequest): Promise<InvokeApiResult> {
    const { scheduler } = this.running();
    if (request.invocationType === 'DryRun') {
      return { kind: 'dry-run', executedVersion: this.resolveForDryRun(request) };
    }
    const started = this.core.startExecution({
      functionName: request.functionName,
      qualifier: request.qualifier,
      executionName: request.executionName,
      payload: request.payload,
      invocationType: request.invocationType,
    });
    if (request.invocationType === 'Event') {
      return { kind: 'accepted', executionArn: started.executionArn, executedVersion: started.executedVersion };
    }
    const limitMs = this.options.syncInvokeTimeoutMs ?? DEFAULT_SYNC_INVOKE_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const tooLong = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), limitMs);
    });
    const finished = scheduler.waitForExecution(started.executionArn).catch((error: unknown) => {
      if (error instanceof SchedulerError && error.code === 'invocation-limit') {
        return this.core.getExecution({ DurableExecutionArn: started.executionArn });
      }
      throw error;
    });
    let final: GetDurableExecutionResponse | 'timeout';
    try {
      final = await Promise.race([finished, tooLong]);
    } finally {
      clearTimeout(timer);
    }
    if (final === 'timeout') {
      return {
        kind: 'finished',
        executionArn: started.executionArn,
        executedVersion: started.executedVersion,
        status: 'RUNNING',
        error: {
          ErrorType: 'SynchronousInvocationTimeout',
          ErrorMessage: `The execution did not finish within the ${Math.round(limitMs / 1000)} s limit of a synchronous invocation; it continues to run. Invoke with InvocationType Event and poll GetDurableExecution for long executions.`,
        },
      };
    }
    return {
      kind: 'finished',
      executionArn: started.executionArn,
      executedVersion: started.executedVersion,
      status: final.Status as ExecutionStatus,
      ...(final.Result !== undefined ? { result: final.Result } : {}),
      ...(final.Error !== undefined ? { error: final.Error } : {}),
    };
  }

  private resolveForDryRun(request: InvokeApiRequest): string {
    const ref = parseFunctionReference(request.functionName, request.qualifier);
    assertLocalReference(ref, this.core.location, request.functionName);
    const fn: HostedFunction | undefined = this.running().host.getFunction(ref.functionName);
    if (fn === undefined) {
      throw new HttpServiceError(
        'ResourceNotFoundException',
        `Function not found: ${functionArn(this.core.location, ref.functionName)}. Register it before invoking it.`,
      );
    }
    return resolveVersion(toCoreDefinition(fn), ref.qualifier, this.core.location);
  }
}

function outputSink(option: LocalDurableServiceOptions['handlerOutput']): OutputSink | undefined {
  if (option === undefined || option === 'inherit') {
    return undefined;
  }
  if (option === 'silent') {
    return () => undefined;
  }
  return option;
}
