import type { BatchResult } from '../batch/batch-result';
import type { Duration } from '../duration';
import { ValidationError } from '../errors';
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
import type {
  BranchFunction,
  BranchesResult,
  CallbackConfig,
  CallbackSubmitter,
  ChildContextConfig,
  ChildContextFunction,
  CreatedCallback,
  DurableContext,
  MapConfig,
  MapFunction,
  MapFunctionResult,
  NamedBranch,
  ParallelBranch,
  ParallelConfig,
  StepConfig,
  StepFunction,
  WaitForCallbackConfig,
} from '../types';
import type { ContextScope } from './context-scope';
import { currentStep } from './step-scope';

/**
 * The {@link DurableContext} implementation. It owns what is per context — the operation counter,
 * the replay-aware logger — and hands each call to the module of that operation.
 */
export class DurableContextImpl implements DurableContext {
  readonly logger: DurableLogger;
  private counter = 0;
  private replayCheckedFor = -1;
  private replaying = false;

  constructor(
    readonly runtime: InvocationRuntime,
    readonly scope: ContextScope,
  ) {
    this.logger = createLogger(runtime.loggerOptions, {
      executionArn: runtime.executionArn,
      operationId: scope.logOperationId,
      operationName: scope.logOperationName,
      requestId: runtime.requestId,
      isReplaying: () => this.isReplaying(),
    });
  }

  get lambdaContext(): LambdaContext | undefined {
    return this.runtime.lambdaContext;
  }

  get executionArn(): string {
    return this.runtime.executionArn;
  }

  /** Takes the next operation id of this context (synchronously, at call time). */
  allocateOperationId(): { id: string; position: number } {
    const step = currentStep();
    if (step !== undefined) {
      throw new ValidationError(
        `A durable operation was called inside the function of ${step}. Step functions run plain code only; ` +
          'call ctx.step, ctx.wait and the other operations from the workflow or a child context, not from a step.',
      );
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

  /** Creates a child context sharing this invocation (rebuilding when this one is). */
  createChild(scope: ContextScope): DurableContextImpl {
    return new DurableContextImpl(this.runtime, this.scope.rebuilding && !scope.rebuilding ? { ...scope, rebuilding: true } : scope);
  }

  step<T>(name: string | undefined, fn: StepFunction<T>, config?: StepConfig<T>): Promise<T>;
  step<T>(fn: StepFunction<T>, config?: StepConfig<T>): Promise<T>;
  step<T>(first: string | undefined | StepFunction<T>, second?: StepFunction<T> | StepConfig<T>, third?: StepConfig<T>): Promise<T> {
    return settleSync(() =>
      typeof first === 'function' ? runStep(this, undefined, first, second as StepConfig<T> | undefined) : runStep(this, first, second as StepFunction<T>, third),
    );
  }

  wait(name: string | undefined, duration: Duration): Promise<void>;
  wait(duration: Duration): Promise<void>;
  wait(first: string | undefined | Duration, second?: Duration): Promise<void> {
    return typeof first === 'object' && first !== null ? runWait(this, undefined, first) : runWait(this, first as string | undefined, second as Duration);
  }

  runInChildContext<T>(name: string | undefined, fn: ChildContextFunction<T>, config?: ChildContextConfig<T>): Promise<T>;
  runInChildContext<T>(fn: ChildContextFunction<T>, config?: ChildContextConfig<T>): Promise<T>;
  runInChildContext<T>(
    first: string | undefined | ChildContextFunction<T>,
    second?: ChildContextFunction<T> | ChildContextConfig<T>,
    third?: ChildContextConfig<T>,
  ): Promise<T> {
    return settleSync(() =>
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
    return settleSync(() =>
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
    return settleSync(() =>
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
    return settleSync(() =>
      typeof first === 'string' || (first === undefined && typeof third === 'function')
        ? runMap(this, first as string | undefined, second as readonly TItem[], third as MapFunction<TItem, TResult>, fourth)
        : runMap(this, undefined, first as readonly TItem[], second as MapFunction<TItem, TResult>, third as MapConfig<TItem, TResult> | undefined),
    );
  }
}

/** Turns a synchronous throw (a validation error) into a rejected promise, like an async function would. */
function settleSync<T>(start: () => Promise<T>): Promise<T> {
  try {
    return start();
  } catch (error) {
    return Promise.reject(error);
  }
}
