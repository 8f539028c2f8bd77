/**
 * Drives executions on a service core: invokes whatever needs an invocation (one at a time per
 * execution, executions in parallel), fires due timers, skips idle time on a virtual clock,
 * performs chained invokes a host must do, and lets callers await an execution's end.
 */
import type { ErrorObject, GetDurableExecutionResponse } from '@aws-sdk/client-lambda';
import { waitInRealTime, type ServiceClock } from './clock';
import type {
  ChainedInvokeOutcome,
  ChainedInvokeRequest,
  DurableInvocationEvent,
  DurableServiceCoreApi,
  ExecutionSchedule,
  InvocationOutcome,
} from './core/api';

/** What an invoker learns about the invocation it runs. */
export interface InvocationContext {
  /** The Lambda request id (recorded in `InvocationCompleted.RequestId`). */
  readonly requestId: string;
  readonly invocationId: string;
  /** 1-based number of this invocation within its execution. */
  readonly invocationNumber: number;
  /** The service clock's time when the invocation began (epoch ms). */
  readonly virtualNow: number;
}

/**
 * Runs one invocation of the handler and reports how it ended. It should not throw; a thrown
 * error or rejection is recorded as an invocation error. Function timeouts are the invoker's job.
 */
export type Invoker = (target: ExecutionSchedule, event: DurableInvocationEvent, ctx: InvocationContext) => Promise<InvocationOutcome>;

/** Performs a chained invoke whose target is not a durable function of the core. */
export type ChainedInvoker = (request: ChainedInvokeRequest) => Promise<ChainedInvokeOutcome>;

/** One finished invocation. */
export interface InvocationReport {
  readonly executionArn: string;
  readonly functionName: string;
  readonly requestId: string;
  readonly invocationId: string;
  readonly invocationNumber: number;
  readonly outcome: InvocationOutcome;
}

/** Options of {@link ExecutionScheduler}. */
export interface ExecutionSchedulerOptions {
  readonly core: DurableServiceCoreApi;
  /** The clock the core reads; a virtual one is advanced to the next timer when nothing runs. */
  readonly clock: ServiceClock;
  readonly invoker: Invoker;
  /** Performs chained invokes to functions the core does not run; without it they fail as "function not found". */
  readonly chainedInvoker?: ChainedInvoker;
  /** Invocations an execution may take before it is stopped as a runaway loop; default 10,000. */
  readonly maxInvocationsPerExecution?: number;
  /**
   * Runs after each invocation has ended, before the execution is invoked again or the virtual
   * clock moves (the execution's slot is held while it runs). A rejection is reported to the
   * execution's waiters.
   */
  readonly afterInvocation?: (report: InvocationReport) => void | Promise<void>;
  /**
   * On a virtual clock, whether an execution waiting on an open callback is skipped ahead too (its
   * callback timeout then fires at once). Default false.
   */
  readonly skipTimeWhileCallbacksOpen?: boolean;
}

/** Why the scheduler gave up on an execution or a wait. */
export type SchedulerErrorCode = 'invocation-limit' | 'stopped' | 'hook-failed';

/**
 * An error from the scheduler itself (not from the workflow).
 * @example if (err instanceof SchedulerError && err.code === 'invocation-limit') { … }
 */
export class SchedulerError extends Error {
  override readonly name = 'SchedulerError';
  constructor(
    readonly code: SchedulerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'STOPPED']);

/** Turns anything thrown into an ErrorObject. */
export function errorObjectFrom(err: unknown): ErrorObject {
  if (err instanceof Error) {
    const out: ErrorObject = { ErrorType: err.name, ErrorMessage: err.message };
    if (err.stack) out.StackTrace = err.stack.split('\n').slice(1).map((l) => l.trim());
    return out;
  }
  return { ErrorType: 'Error', ErrorMessage: typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err)) };
}

function isOutcome(value: unknown): value is InvocationOutcome {
  const v = value as { kind?: unknown; error?: unknown } | null;
  return !!v && ((v.kind === 'returned' && 'output' in v) || (v.kind === 'error' && typeof v.error === 'object' && v.error !== null));
}

interface Waiter {
  resolve(value: GetDurableExecutionResponse): void;
  reject(err: Error): void;
}

/**
 * The event-driven loop around a core. It starts working when constructed and reacts to the
 * core's wake notifications; nothing polls.
 *
 * @example
 * const scheduler = new ExecutionScheduler({ core, clock, invoker: (t, event) => host.invoke(t, event) });
 * const { executionArn } = core.startExecution({ functionName: 'orders:$LATEST', invocationType: 'Event' });
 * const final = await scheduler.waitForExecution(executionArn);
 * await scheduler.stop();
 */
export class ExecutionScheduler {
  private readonly core: DurableServiceCoreApi;
  private readonly clock: ServiceClock;
  private readonly options: ExecutionSchedulerOptions;
  private readonly maxInvocations: number;
  private readonly limits = new Map<string, number>();
  private readonly counts = new Map<string, number>();
  /** Executions with an invocation (or its after-hook) in flight. */
  private readonly busy = new Set<string>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly unsubscribe: () => void;
  private holds = 0;
  /** Holds that keep the whole service clock from jumping, while executions may still skip on their own. */
  private serviceHolds = 0;
  private skipPassHandle?: NodeJS.Immediate;
  private stopped = false;
  private pumpQueued = false;
  private timerAbort?: AbortController;
  private skipHandle?: NodeJS.Immediate;
  private armedAt?: number;
  private armedSkip = false;
  private fatal?: Error;

  constructor(options: ExecutionSchedulerOptions) {
    this.options = options;
    this.core = options.core;
    this.clock = options.clock;
    this.maxInvocations = options.maxInvocationsPerExecution ?? 10_000;
    if (!Number.isInteger(this.maxInvocations) || this.maxInvocations < 1) {
      throw new RangeError(`maxInvocationsPerExecution must be an integer >= 1; got ${this.maxInvocations}.`);
    }
    this.unsubscribe = this.core.onWake((wake) => {
      if (wake.reason === 'ended') this.settle(wake.executionArn);
      this.kick();
    });
    this.kick();
  }

  /** Looks for work soon (after the current synchronous code). Core changes do this on their own. */
  kick(): void {
    if (this.stopped || this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  /**
   * Resolves with the execution's description once it is SUCCEEDED, FAILED, TIMED_OUT or STOPPED.
   * Rejects when the scheduler stops first, when the execution hits the invocation limit, or when
   * an after-invocation hook fails.
   */
  waitForExecution(executionArn: string): Promise<GetDurableExecutionResponse> {
    return new Promise((resolve, reject) => {
      if (this.fatal) {
        reject(this.fatal);
        return;
      }
      let current: GetDurableExecutionResponse;
      try {
        current = this.core.getExecution({ DurableExecutionArn: executionArn });
      } catch (err) {
        reject(err as Error);
        return;
      }
      if (TERMINAL.has(current.Status as string)) {
        resolve(current);
        return;
      }
      if (this.stopped) {
        reject(new SchedulerError('stopped', `The scheduler is stopped; ${executionArn} will not finish.`));
        return;
      }
      const list = this.waiters.get(executionArn) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(executionArn, list);
    });
  }

  /** Overrides the invocation limit for one execution (e.g. a test's `maxInvocations`). */
  setInvocationLimit(executionArn: string, max: number): void {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`The invocation limit must be an integer >= 1; got ${max}.`);
    this.limits.set(executionArn, max);
  }

  /** Invocations started so far for an execution. */
  invocationCount(executionArn: string): number {
    return this.counts.get(executionArn) ?? 0;
  }

  /**
   * Keeps a virtual clock from skipping ahead until the returned release function is called, so
   * that code outside the scheduler (a test sending a callback) can act before timeouts fire.
   * Time still flows at the real pace meanwhile.
   */
  holdClock(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.kick();
    };
  }

  /**
   * Keeps the service clock from jumping when everything is idle, until the returned function is
   * called; each idle execution still skips its own waits (see {@link holdClock} to stop both).
   */
  holdServiceClock(): () => void {
    this.serviceHolds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.serviceHolds--;
      this.kick();
    };
  }

  /** Number of invocations and chained invokes in flight. */
  get inFlight(): number {
    return this.inflight.size;
  }

  /**
   * Stops scheduling: no new invocations, timers cleared, waiters rejected. Resolves once the
   * invocations in flight have ended (their outcomes are still applied to the core).
   */
  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.unsubscribe();
      this.clearTimer();
      if (this.skipPassHandle) clearImmediate(this.skipPassHandle);
      this.skipPassHandle = undefined;
      for (const [arn, list] of this.waiters) {
        for (const w of list) w.reject(new SchedulerError('stopped', `The scheduler stopped before ${arn} finished.`));
      }
      this.waiters.clear();
    }
    while (this.inflight.size > 0) {
      await Promise.allSettled([...this.inflight]);
    }
  }

  private pump(): void {
    if (this.stopped) return;
    try {
      this.core.fireDueTimers();
      for (const request of this.core.takeChainedInvokes()) this.dispatchChained(request);
      for (const target of this.core.executionsNeedingInvocation()) {
        if (this.busy.has(target.executionArn)) continue;
        const count = this.invocationCount(target.executionArn);
        const limit = this.limits.get(target.executionArn) ?? this.maxInvocations;
        if (count >= limit) {
          this.stopRunaway(target.executionArn, limit);
          continue;
        }
        this.launch(target);
      }
      this.armTimer();
    } catch (err) {
      this.fail(err);
    }
  }

  private launch(target: ExecutionSchedule): void {
    const arn = target.executionArn;
    const start = this.core.beginInvocation(arn);
    const invocationNumber = this.invocationCount(arn) + 1;
    this.counts.set(arn, invocationNumber);
    this.busy.add(arn);
    const ctx: InvocationContext = {
      requestId: start.requestId,
      invocationId: start.invocationId,
      invocationNumber,
      virtualNow: this.core.executionNow?.(arn) ?? this.clock.now(),
    };
    const run = async () => {
      let outcome: InvocationOutcome;
      try {
        const value = await this.options.invoker(target, start.event, ctx);
        outcome = isOutcome(value)
          ? value
          : { kind: 'error', error: { ErrorType: 'InvalidInvokerResult', ErrorMessage: 'The invoker resolved with something that is not an InvocationOutcome.' } };
      } catch (err) {
        outcome = { kind: 'error', error: errorObjectFrom(err) };
      }
      this.core.endInvocation(arn, start.invocationId, outcome);
      const hook = this.options.afterInvocation;
      if (hook && !this.stopped) {
        try {
          await hook({ executionArn: arn, functionName: target.functionName, requestId: start.requestId, invocationId: start.invocationId, invocationNumber, outcome });
        } catch (err) {
          this.rejectWaiters(arn, new SchedulerError('hook-failed', `The after-invocation hook failed for ${arn}: ${(err as Error)?.message ?? String(err)}`, { cause: err }));
        }
      }
    };
    this.track(
      run().finally(() => {
        this.busy.delete(arn);
      }),
    );
  }

  private dispatchChained(request: ChainedInvokeRequest): void {
    const perform = async (): Promise<ChainedInvokeOutcome> => {
      if (!this.options.chainedInvoker) {
        return {
          status: 'FAILED',
          error: {
            ErrorType: 'ResourceNotFoundException',
            ErrorMessage: `Function not found: ${request.functionName}. Register it as a durable function, or give the scheduler a chainedInvoker.`,
          },
        };
      }
      try {
        return await this.options.chainedInvoker(request);
      } catch (err) {
        return { status: 'FAILED', error: errorObjectFrom(err) };
      }
    };
    this.track(
      perform().then((outcome) => {
        this.core.completeChainedInvoke(request.executionArn, request.operationId, outcome);
      }),
    );
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((err) => this.fail(err)).finally(() => {
      this.inflight.delete(tracked);
      this.kick();
    });
    this.inflight.add(tracked);
  }

  /** Arms the wake-up for the next timer: a jump when idle on a virtual clock, a real timer otherwise. */
  private armTimer(): void {
    this.armSkipPass();
    const next = this.core.nextTimerAt();
    const idle = this.inflight.size === 0 && this.holds === 0 && this.serviceHolds === 0;
    const skip = idle && this.clock.mode === 'virtual';
    // Most changes leave the next timer alone; keep the armed wait then instead of re-creating it.
    if (next !== undefined && next === this.armedAt && skip === this.armedSkip && (this.timerAbort || this.skipHandle)) return;
    this.clearTimer();
    if (next === undefined || this.stopped) return;
    this.armedAt = next;
    this.armedSkip = skip;
    if (skip) {
      // Yield a macrotask first: callers reacting to the last change (in microtasks) act before time jumps.
      this.skipHandle = setImmediate(() => {
        this.skipHandle = undefined;
        if (this.stopped) return;
        if (this.inflight.size === 0 && this.holds === 0 && this.serviceHolds === 0 && this.core.executionsNeedingInvocation().length === 0) {
          this.clock.waitUntil(next).then(
            () => this.kick(),
            (err) => this.fail(err),
          );
        } else {
          this.kick();
        }
      });
      return;
    }
    const abort = new AbortController();
    this.timerAbort = abort;
    waitInRealTime(this.clock, next, abort.signal).then(
      () => {
        if (this.timerAbort === abort) this.timerAbort = undefined;
        this.kick();
      },
      () => undefined,
    );
  }

  /**
   * On a virtual clock, lets each idle execution skip ahead to its own next timer, whatever the
   * others do (after a macrotask, like the service-wide jump, so callers reacting to the last
   * change act first). One pass is pending at a time.
   */
  private armSkipPass(): void {
    if (this.clock.mode !== 'virtual' || this.holds > 0 || this.skipPassHandle || !this.core.skipIdleExecutions) return;
    this.skipPassHandle = setImmediate(() => {
      this.skipPassHandle = undefined;
      if (this.stopped || this.holds > 0) return;
      try {
        const moved = this.core.skipIdleExecutions?.({ callbacks: this.options.skipTimeWhileCallbacksOpen === true }) ?? [];
        if (moved.length > 0) this.kick();
      } catch (err) {
        this.fail(err);
      }
    });
  }

  private clearTimer(): void {
    this.armedAt = undefined;
    this.timerAbort?.abort();
    this.timerAbort = undefined;
    if (this.skipHandle) {
      clearImmediate(this.skipHandle);
      this.skipHandle = undefined;
    }
  }

  private stopRunaway(arn: string, limit: number): void {
    const message =
      `Execution ${arn} took ${limit} invocations without finishing, so it was stopped. ` +
      'Raise the invocation limit if that many are expected, or look for a loop (a handler that fails or suspends without progress).';
    // Waiters learn the reason first; stopping would otherwise settle them as a plain STOPPED.
    this.rejectWaiters(arn, new SchedulerError('invocation-limit', message));
    this.core.stopExecution({ DurableExecutionArn: arn, Error: { ErrorType: 'InvocationLimitExceeded', ErrorMessage: message } });
  }

  private settle(arn: string): void {
    const list = this.waiters.get(arn);
    if (!list) return;
    this.waiters.delete(arn);
    let final: GetDurableExecutionResponse;
    try {
      final = this.core.getExecution({ DurableExecutionArn: arn });
    } catch (err) {
      for (const w of list) w.reject(err as Error);
      return;
    }
    for (const w of list) w.resolve(final);
  }

  private rejectWaiters(arn: string, err: Error): void {
    const list = this.waiters.get(arn);
    this.waiters.delete(arn);
    for (const w of list ?? []) w.reject(err);
  }

  /** An unexpected error in the loop itself: every waiter learns of it, and the scheduler stops scheduling. */
  private fail(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    this.fatal ??= error;
    for (const [, list] of this.waiters) for (const w of list) w.reject(error);
    this.waiters.clear();
    this.stopped = true;
    this.unsubscribe();
    this.clearTimer();
  }
}
