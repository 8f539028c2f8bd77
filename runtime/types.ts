import type { BatchResult } from './batch/batch-result';
import type { CompletionConfig } from './batch/completion-policy';
import type { Duration } from './duration';
import type { LambdaContext } from './lambda-context';
import type { DurableLogger } from './logger';
import type { RetryStrategy } from './retry';
import type { Serdes } from './serdes';

/**
 * How often a step's function may run per attempt.
 *
 * - `AT_LEAST_ONCE_PER_RETRY` (default): if the invocation dies mid-attempt, the attempt runs again.
 * - `AT_MOST_ONCE_PER_RETRY`: the attempt's START is recorded before the function runs; an attempt
 *   interrupted by the invocation's end counts as failed (a {@link StepInterruptedError} handed to
 *   the retry strategy) and is never silently re-run.
 *
 * @example
 * await ctx.step('charge', charge, { semantics: StepSemantics.AtMostOncePerRetry });
 */
export type StepSemantics = 'AT_LEAST_ONCE_PER_RETRY' | 'AT_MOST_ONCE_PER_RETRY';

/** Names of the {@link StepSemantics} values. */
export const StepSemantics = {
  AtLeastOncePerRetry: 'AT_LEAST_ONCE_PER_RETRY',
  AtMostOncePerRetry: 'AT_MOST_ONCE_PER_RETRY',
} as const;

/**
 * What a step function receives.
 *
 * @example
 * await ctx.step('greet', async ({ logger, attempt }) => { logger.info(`attempt ${attempt}`); return 'hi'; });
 */
export interface StepContext {
  /** Logger stamped with the step's id, name and attempt. */
  readonly logger: DurableLogger;
  /** 1-based number of the running attempt. */
  readonly attempt: number;
  /** Id of the step operation. */
  readonly operationId: string;
  /** Fires when the enclosing context is aborted (e.g. a parallel branch no longer needed). */
  readonly signal: AbortSignal;
}

/**
 * The function run by a step.
 *
 * @example
 * const charge: StepFunction<string> = async ({ attempt }) => payments.charge({ idempotencyKey: `order-1-${attempt}` });
 */
export type StepFunction<T> = (stepContext: StepContext) => Promise<T> | T;

/**
 * Options of `ctx.step`.
 *
 * @example
 * { retryStrategy: RetryPresets.fixed({ maxAttempts: 3, delay: Duration.seconds(2) }), semantics: 'AT_MOST_ONCE_PER_RETRY' }
 */
export interface StepConfig<T> {
  /** Default: {@link RetryPresets.default} (6 attempts, exponential backoff with full jitter). */
  readonly retryStrategy?: RetryStrategy;
  /** Default `AT_LEAST_ONCE_PER_RETRY`. */
  readonly semantics?: StepSemantics;
  /** How the result is stored. Default JSON. */
  readonly serdes?: Serdes<T>;
}

/**
 * Options of `ctx.runInChildContext`.
 *
 * @example
 * { subType: 'Checkout', errorMapping: (e) => new CheckoutFailed(String(e)) }
 */
export interface ChildContextConfig<T> {
  /** Recorded `SubType` of the CONTEXT operation (1–32 of `[a-zA-Z0-9-_]`). Default `RunInChildContext`. */
  readonly subType?: string;
  /** How the result is stored. Default JSON. Results over 256 KB are rebuilt by replaying the children. */
  readonly serdes?: Serdes<T>;
  /**
   * Turns the error thrown by the child function into the error recorded and rethrown (as the
   * `cause` of the {@link ChildContextError}). Not applied to structural errors (non-determinism,
   * checkpoint failures, validation errors).
   */
  readonly errorMapping?: (error: unknown) => unknown;
}

/**
 * The function run by a child context.
 *
 * @example
 * const checkout: ChildContextFunction<string> = async (child) => child.step(() => pay());
 */
export type ChildContextFunction<T> = (ctx: DurableContext) => Promise<T>;

/**
 * Options of `ctx.createCallback`.
 *
 * @example
 * { timeout: Duration.hours(24), heartbeatTimeout: Duration.minutes(10) }
 */
export interface CallbackConfig<T> {
  /** Fail the callback with "Callback timed out" after this long. Default: no timeout. */
  readonly timeout?: Duration;
  /** Fail it when no heartbeat arrives within this long. Default: no heartbeat timeout. */
  readonly heartbeatTimeout?: Duration;
  /** How the result sent by the external system is read. Default JSON. */
  readonly serdes?: Serdes<T>;
}

/**
 * A created callback: hand `callbackId` to the external system, then await `promise`. Hand the id
 * over inside a step (or use `waitForCallback`): while the promise is awaited and nothing else runs,
 * the invocation suspends, and code outside a step runs again on the next invocation.
 *
 * @example
 * const { callbackId, promise } = await ctx.createCallback('approval', { timeout: Duration.days(1) });
 * await ctx.step('ask', () => sendEmail(callbackId));
 * const decision = await promise;
 */
export interface CreatedCallback<T> {
  readonly callbackId: string;
  /**
   * Resolves with the result sent to the callback; rejects with a {@link CallbackError}. It starts
   * waiting when first awaited.
   */
  readonly promise: Promise<T>;
}

/**
 * Hands the callback id to the external system; runs as a step.
 *
 * @example
 * const submitter: CallbackSubmitter = async (callbackId) => queue.send({ callbackId });
 */
export type CallbackSubmitter = (callbackId: string, stepContext: StepContext) => Promise<void> | void;

/**
 * Options of `ctx.waitForCallback`.
 *
 * @example
 * { timeout: Duration.hours(1), retryStrategy: RetryPresets.fixed({ maxAttempts: 3 }) }
 */
export interface WaitForCallbackConfig<T> extends CallbackConfig<T> {
  /** Retry strategy of the submitter step. Default: the step default. */
  readonly retryStrategy?: RetryStrategy;
}

/**
 * A parallel branch: receives its own context and the signal that fires when it is no longer needed.
 *
 * @example
 * const branch: BranchFunction<number> = async (ctx, signal) => ctx.step(() => fetchPrice({ signal }));
 */
export type BranchFunction<T> = (ctx: DurableContext, signal: AbortSignal) => Promise<T>;

/**
 * A named parallel branch.
 *
 * @example
 * { name: 'inventory', func: async (ctx) => ctx.step(() => reserve()) }
 */
export interface NamedBranch<T> {
  readonly name: string;
  readonly func: BranchFunction<T>;
}

/**
 * Any branch `ctx.parallel` accepts, whatever its result type.
 *
 * @example
 * const branches: ParallelBranch[] = [async (ctx) => ctx.step(() => 1), { name: 'b', func: async (ctx) => ctx.step(() => 'two') }];
 */
export type ParallelBranch = BranchFunction<unknown> | NamedBranch<unknown>;

/**
 * The result type of a list of parallel branches: the union of every branch's result, so branches
 * returning different types need no type argument.
 *
 * @example
 * type R = BranchesResult<[BranchFunction<number>, NamedBranch<string>]>; // number | string
 */
export type BranchesResult<TBranches extends ReadonlyArray<ParallelBranch>> = BranchResultOf<TBranches[number]>;

/** The result type of one branch. */
type BranchResultOf<TBranch> = TBranch extends BranchFunction<infer R>
  ? R
  : TBranch extends NamedBranch<infer R>
    ? R
    : never;

/**
 * The result type of a map item function, awaited: the union of what it may return.
 *
 * @example
 * type R = MapFunctionResult<(ctx: DurableContext, n: number) => Promise<string> | Promise<number>>; // string | number
 */
export type MapFunctionResult<TFn> = TFn extends (...args: never[]) => infer R ? Awaited<R> : never;

/**
 * How branch operations are recorded: NESTED (a CONTEXT per branch, default) or FLAT (none; the
 * branches' operations hang off the batch, and each outcome lives in the batch's summary).
 *
 * @example
 * await ctx.parallel(branches, { nesting: 'FLAT' });
 */
export type BatchNesting = 'NESTED' | 'FLAT';

/**
 * Options of `ctx.parallel`.
 *
 * @example
 * { maxConcurrency: 5, completionConfig: CompletionConfig.firstSuccessful() }
 */
export interface ParallelConfig<T> {
  /** At most this many branches in flight (integer >= 1). Default: unlimited. */
  readonly maxConcurrency?: number;
  /** When the batch is decided. Default {@link CompletionConfig.allSuccessful}. */
  readonly completionConfig?: CompletionConfig;
  /** Default NESTED. */
  readonly nesting?: BatchNesting;
  /** How each branch result is stored. Default JSON. */
  readonly itemSerdes?: Serdes<T>;
  /**
   * How the whole result is stored on the parent. Default: a summary carrying every branch's
   * outcome. A custom serdes must deserialise to a {@link BatchResult} or to its plain data
   * (`{ completionReason, all }`), e.g. with `BatchResult.from`.
   */
  readonly serdes?: Serdes<BatchResult<T>>;
}

/**
 * A map item function: receives its own context, the item, its index and its signal.
 *
 * @example
 * const ship: MapFunction<Order, string> = async (ctx, order, index) => ctx.step(`ship-${index}`, () => shipOrder(order));
 */
export type MapFunction<TItem, TResult> = (ctx: DurableContext, item: TItem, index: number, signal: AbortSignal) => Promise<TResult>;

/**
 * Options of `ctx.map`.
 *
 * @example
 * { maxConcurrency: 10, itemNamer: (order) => `order-${order.id}` }
 */
export interface MapConfig<TItem, TResult> extends ParallelConfig<TResult> {
  /** Names each item's context. Default: the index ("0", "1", …). */
  readonly itemNamer?: (item: TItem, index: number) => string;
}

/**
 * The context handed to workflow code. Every method is a durable operation: its outcome is
 * checkpointed, and on replay it returns the recorded outcome without running user code again.
 * Operation ids are taken when a method is called, so call operations in a deterministic order.
 *
 * @example
 * export const handler = withDurableExecution(async (order: Order, ctx) => {
 *   const charge = await ctx.step('charge', () => payments.charge(order));
 *   await ctx.wait('cool-off', Duration.minutes(5));
 *   return ctx.step('ship', () => shipping.ship(order, charge));
 * });
 */
export interface DurableContext {
  /** Replay-aware structured logger of this context. */
  readonly logger: DurableLogger;
  /** The Lambda context of the current invocation. */
  readonly lambdaContext: LambdaContext | undefined;
  /** ARN of the durable execution. */
  readonly executionArn: string;

  /** Runs `fn` once (per retry semantics) and checkpoints its result. */
  step<T>(name: string | undefined, fn: StepFunction<T>, config?: StepConfig<T>): Promise<T>;
  step<T>(fn: StepFunction<T>, config?: StepConfig<T>): Promise<T>;

  /** Suspends for `duration` without consuming compute. */
  wait(name: string | undefined, duration: Duration): Promise<void>;
  wait(duration: Duration): Promise<void>;

  /** Runs `fn` in a child context with its own operation ids; its result is checkpointed as one CONTEXT. */
  runInChildContext<T>(name: string | undefined, fn: ChildContextFunction<T>, config?: ChildContextConfig<T>): Promise<T>;
  runInChildContext<T>(fn: ChildContextFunction<T>, config?: ChildContextConfig<T>): Promise<T>;

  /** Creates a callback that an external system completes with SendDurableExecutionCallbackSuccess/Failure. */
  createCallback<T = unknown>(name?: string, config?: CallbackConfig<T>): Promise<CreatedCallback<T>>;
  createCallback<T = unknown>(config?: CallbackConfig<T>): Promise<CreatedCallback<T>>;

  /** Creates a callback, hands its id to `submitter` (run as a step) and waits for the result. */
  waitForCallback<T = unknown>(name: string | undefined, submitter: CallbackSubmitter, config?: WaitForCallbackConfig<T>): Promise<T>;
  waitForCallback<T = unknown>(submitter: CallbackSubmitter, config?: WaitForCallbackConfig<T>): Promise<T>;

  /** Runs branches concurrently; see {@link ParallelConfig} and {@link BatchResult}. */
  parallel<T>(name: string | undefined, branches: ReadonlyArray<BranchFunction<T> | NamedBranch<T>>, config?: ParallelConfig<T>): Promise<BatchResult<T>>;
  parallel<T>(branches: ReadonlyArray<BranchFunction<T> | NamedBranch<T>>, config?: ParallelConfig<T>): Promise<BatchResult<T>>;
  /** Branches with different result types: the result is the union of theirs. */
  parallel<TBranches extends ReadonlyArray<ParallelBranch>>(name: string | undefined, branches: TBranches, config?: ParallelConfig<BranchesResult<TBranches>>): Promise<BatchResult<BranchesResult<TBranches>>>;
  parallel<TBranches extends ReadonlyArray<ParallelBranch>>(branches: TBranches, config?: ParallelConfig<BranchesResult<TBranches>>): Promise<BatchResult<BranchesResult<TBranches>>>;

  /** Runs `fn` for every item concurrently; see {@link MapConfig} and {@link BatchResult}. */
  map<TItem, TResult>(name: string | undefined, items: readonly TItem[], fn: MapFunction<TItem, TResult>, config?: MapConfig<TItem, TResult>): Promise<BatchResult<TResult>>;
  map<TItem, TResult>(items: readonly TItem[], fn: MapFunction<TItem, TResult>, config?: MapConfig<TItem, TResult>): Promise<BatchResult<TResult>>;
  /** An item function whose returns differ in type: the result is the union of them. */
  map<TItem, TFn extends MapFunction<TItem, unknown>>(name: string | undefined, items: readonly TItem[], fn: TFn, config?: MapConfig<TItem, MapFunctionResult<TFn>>): Promise<BatchResult<MapFunctionResult<TFn>>>;
  map<TItem, TFn extends MapFunction<TItem, unknown>>(items: readonly TItem[], fn: TFn, config?: MapConfig<TItem, MapFunctionResult<TFn>>): Promise<BatchResult<MapFunctionResult<TFn>>>;
}
