import type { BatchResult } from '../batch/batch-result';
import type { Duration } from '../duration';
import { ContextClosedError, DurableOperationInStepError } from '../errors';
import { operationId } from '../ids';
import type { InvocationRuntime } from '../invocation/runtime';
import type { LambdaContext } from '../lambda-context';
import { createLogger, type DurableLogger } from '../logger';
import { createCallback, waitForCallback } from '../operations/callback';
import { runInChildContext } from '../operations/child-context';
import { runMap } from '../operations/map';
import { runParallel } from '../operations/parallel';
import { runStep } from '../operations/step';
import { runWait } from '../operations/wait';
import { runInvoke } from '../operations/invoke';
import { markDurable, promiseCombinators } from '../operations/promise-combinators';
import { runWaitForCondition } from '../operations/wait-for-condition';
import type {
  BranchFunction,
  BranchesResult,
  CallbackConfig,
  CallbackSubmitter,
  ChildContextConfig,
  ChildContextFunction,
  CreatedCallback,
  DurableContext,
  DurablePromiseCombinators,
  InvokeConfig,
  MapConfig,
  MapFunction,
  MapFunctionResult,
  NamedBranch,
  ParallelBranch,
  ParallelConfig,
  StepConfig,
  StepFunction,
  WaitForCallbackConfig,
  WaitForConditionCheck,
  WaitForConditionConfig,
} from '../types';
import type { ContextScope } from './context-scope';
import { currentStep } from './step-scope';

/**
 * The {@link DurableContext} implementation. It owns what is per context — the operation counter,
 * the replay-aware logger — and hands each call to the module of that operation.
 */
export class DurableContextImpl implements DurableContext {
  private ownLogger: DurableLogger | undefined;
  private counter = 0;
  private replayCheckedFor = -1;
  private replaying = false;
  private closed = false;
  /** Steps of this context whose promise nobody has awaited yet (see {@link close}); made on the first step. */
  private unobservedSteps: Set<ObservedStep> | undefined;

  constructor(
    readonly runtime: InvocationRuntime,
    readonly scope: ContextScope,
  ) {}

  /**
   * The replay-aware logger of this context, made when first used: a map or parallel makes a
   * context per item, and most never log.
   */
  get logger(): DurableLogger {
    this.ownLogger ??= createLogger(this.runtime.loggerOptions, {
      executionArn: this.runtime.executionArn,
      operationId: this.scope.logOperationId,
      operationName: this.scope.logOperationName,
      requestId: this.runtime.requestId,
      isReplaying: () => this.isReplaying(),
    });
    return this.ownLogger;
  }

  get lambdaContext(): LambdaContext | undefined {
    return this.runtime.lambdaContext;
  }

  get executionArn(): string {
    return this.runtime.executionArn;
  }

  /** Takes the next operation id of this context (synchronously, at call time). */
  allocateOperationId(): { id: string; position: number } {
    const step = currentStep(this.runtime);
    if (step !== undefined) {
      throw new DurableOperationInStepError(
        `A durable operation was called inside the function of ${step}. Step functions run plain code only; ` +
          'call ctx.step, ctx.wait and the other operations from the workflow or a child context, not from a step.',
      );
    }
    if (this.closed) {
      // Ids taken after the function returned depend on timing, so replay could not find them again:
      // fail the execution now rather than on some later replay.
      const error = new ContextClosedError(
        `A durable operation was called on ${this.scope.description} after its function had returned. ` +
          "A context's operations must be called, and awaited, inside its function; keep no reference to it for later " +
          '(use the context of the code that is still running, e.g. the parent).',
      );
      this.runtime.termination.terminate({ kind: 'fail', error });
      throw error;
    }
    this.counter += 1;
    return { id: operationId(this.scope.idBase, this.counter), position: this.counter };
  }

  /** The id the n-th (1-based) operation of this context has, without taking it. */
  operationIdAt(position: number): string {
    return operationId(this.scope.idBase, position);
  }

  /**
   * True while this context re-runs code that already ran in an earlier invocation: the next
   * operation it will call was recorded before this invocation started.
   */
  isReplaying(): boolean {
    if (this.scope.rebuilding) return true;
    if (this.replayCheckedFor !== this.counter) {
      this.replayCheckedFor = this.counter;
      this.replaying = this.runtime.state.existedAtStart(this.operationIdAt(this.counter + 1));
    }
    return this.replaying;
  }

  /**
   * Marks the end of this context's function: later operations on it fail the execution, and every
   * step it started but nobody awaited is reported through the replay-aware logger (its outcome is
   * lost, and the invocation may end before it ran).
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const step of this.unobservedSteps ?? []) {
      this.logger.warn(
        `${step.name === undefined ? 'step (unnamed)' : `step "${step.name}"`} was started but never awaited: its result and any error are lost, and the workflow may finish ` +
          'before it ran. Await it (or pass it to Promise.all) inside the function that started it.',
        { operationId: this.operationIdAt(step.position) },
      );
    }
    this.unobservedSteps = undefined;
  }

  /** Creates a child context sharing this invocation (rebuilding when this one is). */
  createChild(scope: ContextScope): DurableContextImpl {
    return new DurableContextImpl(this.runtime, this.scope.rebuilding && !scope.rebuilding ? { ...scope, rebuilding: true } : scope);
  }

  step<T>(name: string | undefined, fn: StepFunction<T>, config?: StepConfig<T>): Promise<T>;
  step<T>(fn: StepFunction<T>, config?: StepConfig<T>): Promise<T>;
  step<T>(first: string | undefined | StepFunction<T>, second?: StepFunction<T> | StepConfig<T>, third?: StepConfig<T>): Promise<T> {
    const name = typeof first === 'function' ? undefined : first;
    const before = this.counter;
    const started = settleSync(this, () =>
      typeof first === 'function' ? runStep(this, undefined, first, second as StepConfig<T> | undefined) : runStep(this, first, second as StepFunction<T>, third),
    );
    if (this.counter === before) return started; // refused before it took an id: nothing ran
    // Its description and id are worked out only if the warning is written.
    const entry: ObservedStep = { name, position: this.counter };
    const unobserved = (this.unobservedSteps ??= new Set());
    unobserved.add(entry);
    // The combinators must know the promise the caller holds as a durable operation's.
    return markDurable(this, new ObservedPromise<T>(started, () => unobserved.delete(entry)));
  }

  wait(name: string | undefined, duration: Duration): Promise<void>;
  wait(duration: Duration): Promise<void>;
  wait(first: string | undefined | Duration, second?: Duration): Promise<void> {
    return settleSync(this, () =>
      typeof first === 'object' && first !== null ? runWait(this, undefined, first) : runWait(this, first as string | undefined, second as Duration),
    );
  }

  runInChildContext<T>(name: string | undefined, fn: ChildContextFunction<T>, config?: ChildContextConfig<T>): Promise<T>;
  runInChildContext<T>(fn: ChildContextFunction<T>, config?: ChildContextConfig<T>): Promise<T>;
  runInChildContext<T>(
    first: string | undefined | ChildContextFunction<T>,
    second?: ChildContextFunction<T> | ChildContextConfig<T>,
    third?: ChildContextConfig<T>,
  ): Promise<T> {
    return settleSync(this, () =>
      typeof first === 'function'
        ? runInChildContext(this, undefined, first, second as ChildContextConfig<T> | undefined)
        : runInChildContext(this, first, second as ChildContextFunction<T>, third),
    );
  }

  createCallback<T = unknown>(name?: string, config?: CallbackConfig<T>): Promise<CreatedCallback<T>>;
  createCallback<T = unknown>(config?: CallbackConfig<T>): Promise<CreatedCallback<T>>;
  createCallback<T = unknown>(first?: string | CallbackConfig<T>, second?: CallbackConfig<T>): Promise<CreatedCallback<T>> {
    return typeof first === 'object' && first !== null ? createCallback(this, undefined, first) : createCallback(this, first, second);
  }

  waitForCallback<T = unknown>(name: string | undefined, submitter: CallbackSubmitter, config?: WaitForCallbackConfig<T>): Promise<T>;
  waitForCallback<T = unknown>(submitter: CallbackSubmitter, config?: WaitForCallbackConfig<T>): Promise<T>;
  waitForCallback<T = unknown>(
    first: string | undefined | CallbackSubmitter,
    second?: CallbackSubmitter | WaitForCallbackConfig<T>,
    third?: WaitForCallbackConfig<T>,
  ): Promise<T> {
    return settleSync(this, () =>
      typeof first === 'function'
        ? waitForCallback(this, undefined, first, second as WaitForCallbackConfig<T> | undefined)
        : waitForCallback(this, first, second as CallbackSubmitter, third),
    );
  }

  parallel<T>(name: string | undefined, branches: ReadonlyArray<BranchFunction<T> | NamedBranch<T>>, config?: ParallelConfig<T>): Promise<BatchResult<T>>;
  parallel<T>(branches: ReadonlyArray<BranchFunction<T> | NamedBranch<T>>, config?: ParallelConfig<T>): Promise<BatchResult<T>>;
  parallel<TBranches extends ReadonlyArray<ParallelBranch>>(name: string | undefined, branches: TBranches, config?: ParallelConfig<BranchesResult<TBranches>>): Promise<BatchResult<BranchesResult<TBranches>>>;
  parallel<TBranches extends ReadonlyArray<ParallelBranch>>(branches: TBranches, config?: ParallelConfig<BranchesResult<TBranches>>): Promise<BatchResult<BranchesResult<TBranches>>>;
  parallel<T>(
    first: string | undefined | ReadonlyArray<BranchFunction<T> | NamedBranch<T>>,
    second?: ReadonlyArray<BranchFunction<T> | NamedBranch<T>> | ParallelConfig<T>,
    third?: ParallelConfig<T>,
  ): Promise<BatchResult<T>> {
    return settleSync(this, () =>
      typeof first === 'string' || (first === undefined && Array.isArray(second))
        ? runParallel(this, first as string | undefined, second as ReadonlyArray<BranchFunction<T> | NamedBranch<T>>, third)
        : runParallel(this, undefined, first as ReadonlyArray<BranchFunction<T> | NamedBranch<T>>, second as ParallelConfig<T> | undefined),
    );
  }

  map<TItem, TResult>(
    name: string | undefined,
    items: readonly TItem[],
    fn: MapFunction<TItem, TResult>,
    config?: MapConfig<TItem, TResult>,
  ): Promise<BatchResult<TResult>>;
  map<TItem, TResult>(items: readonly TItem[], fn: MapFunction<TItem, TResult>, config?: MapConfig<TItem, TResult>): Promise<BatchResult<TResult>>;
  map<TItem, TFn extends MapFunction<TItem, unknown>>(name: string | undefined, items: readonly TItem[], fn: TFn, config?: MapConfig<TItem, MapFunctionResult<TFn>>): Promise<BatchResult<MapFunctionResult<TFn>>>;
  map<TItem, TFn extends MapFunction<TItem, unknown>>(items: readonly TItem[], fn: TFn, config?: MapConfig<TItem, MapFunctionResult<TFn>>): Promise<BatchResult<MapFunctionResult<TFn>>>;
  map<TItem, TResult>(
    first: string | undefined | readonly TItem[],
    second?: readonly TItem[] | MapFunction<TItem, TResult>,
    third?: MapFunction<TItem, TResult> | MapConfig<TItem, TResult>,
    fourth?: MapConfig<TItem, TResult>,
  ): Promise<BatchResult<TResult>> {
    return settleSync(this, () =>
      typeof first === 'string' || (first === undefined && typeof third === 'function')
        ? runMap(this, first as string | undefined, second as readonly TItem[], third as MapFunction<TItem, TResult>, fourth)
        : runMap(this, undefined, first as readonly TItem[], second as MapFunction<TItem, TResult>, third as MapConfig<TItem, TResult> | undefined),
    );
  }

  invoke<TInput = unknown, TOutput = unknown>(name: string | undefined, functionName: string, input?: TInput, config?: InvokeConfig<TInput, TOutput>): Promise<TOutput>;
  invoke<TInput = unknown, TOutput = unknown>(functionName: string, input?: TInput, config?: InvokeConfig<TInput, TOutput>): Promise<TOutput>;
  invoke<TInput = unknown, TOutput = unknown>(
    first: string | undefined,
    second?: string | TInput,
    third?: TInput | InvokeConfig<TInput, TOutput>,
    fourth?: InvokeConfig<TInput, TOutput>,
  ): Promise<TOutput> {
    // As in the reference runtime: a string second argument means (name, functionName, …).
    return settleSync(this, () =>
      typeof second === 'string' || first === undefined
        ? runInvoke<TInput, TOutput>(this, first, second as string, third as TInput | undefined, fourth)
        : runInvoke<TInput, TOutput>(this, undefined, first, second as TInput | undefined, third as InvokeConfig<TInput, TOutput> | undefined),
    );
  }

  waitForCondition<T>(name: string | undefined, check: WaitForConditionCheck<T>, config: WaitForConditionConfig<T>): Promise<T>;
  waitForCondition<T>(check: WaitForConditionCheck<T>, config: WaitForConditionConfig<T>): Promise<T>;
  waitForCondition<T>(
    first: string | undefined | WaitForConditionCheck<T>,
    second: WaitForConditionCheck<T> | WaitForConditionConfig<T>,
    third?: WaitForConditionConfig<T>,
  ): Promise<T> {
    return settleSync(this, () =>
      typeof first === 'function'
        ? runWaitForCondition(this, undefined, first, second as WaitForConditionConfig<T>)
        : runWaitForCondition(this, first, second as WaitForConditionCheck<T>, third as WaitForConditionConfig<T>),
    );
  }

  private combinators: DurablePromiseCombinators | undefined;

  get promise(): DurablePromiseCombinators {
    this.combinators ??= promiseCombinators(this);
    return this.combinators;
  }
}

interface ObservedStep {
  readonly name: string | undefined;
  /** 1-based position among the context's operations. */
  readonly position: number;
}

/**
 * A step's promise that notices being awaited: `await`, `then`, `catch`, `finally` and
 * `Promise.all` all go through `then`. Derived promises are plain ones.
 */
class ObservedPromise<T> extends Promise<T> {
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  private onObserved: (() => void) | undefined;

  constructor(source: Promise<T>, onObserved: () => void) {
    super((resolve, reject) => source.then(resolve, reject));
    this.onObserved = onObserved;
  }

  override then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    const observed = this.onObserved;
    this.onObserved = undefined;
    observed?.();
    return super.then(onfulfilled, onrejected);
  }
}

/**
 * Turns a synchronous throw (a validation error) into a rejected promise, like an async function
 * would, and marks the promise as a durable operation of `owner` (for the promise combinators).
 */
function settleSync<T>(owner: DurableContextImpl, start: () => Promise<T>): Promise<T> {
  try {
    return markDurable(owner, start());
  } catch (error) {
    return Promise.reject(error);
  }
}
