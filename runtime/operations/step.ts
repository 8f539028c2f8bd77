import type { Operation } from '@aws-sdk/client-lambda';
import type { DurableContextImpl } from '../context/durable-context';
import {
  beforeStarting,
  checkpoint,
  describeOperation,
  epochMs,
  operationIdentity,
  raceAbort,
  recordedOperation,
  throwIfAborted,
  waitForOperation,
  type OperationIdentity,
} from '../context/operation-support';
import { AttemptContext } from '../context/attempt-context';
import { runInsideStep } from '../context/step-scope';
import { toDelaySeconds } from '../duration';
import { fitErrorUpdate, toErrorObject, typedErrorFrom } from '../error-object';
import { DurableError, type DurableErrorOptions, DurableOperationInStepError, OperationAbortedError, SerdesError, StepError, StepInterruptedError, ValidationError } from '../errors';
import { validateName } from '../names';
import { RetryPresets, type RetryStrategy } from '../retry';
import { deserializeNow, MAX_OPERATION_PAYLOAD_BYTES, payloadBytes, Serdes, serializeNow, type SerdesSubject } from '../serdes';
import { StepSemantics, type StepConfig, type StepFunction } from '../types';

let defaultRetry: RetryStrategy | undefined;

/**
 * `ctx.step`: runs `fn` and checkpoints the outcome (START, then SUCCEED / RETRY / FAIL).
 *
 * Replay returns the recorded result or rethrows the recorded error without calling `fn`. A PENDING
 * retry waits for the service (the invocation may suspend meanwhile). A STARTED step whose attempt
 * was interrupted is re-run under at-least-once semantics, and counted as a failed attempt under
 * at-most-once semantics.
 */
export function runStep<T>(ctx: DurableContextImpl, name: string | undefined, fn: StepFunction<T>, config: StepConfig<T> = {}): Promise<T> {
  validateName(name, 'a step');
  if (typeof fn !== 'function') throw new ValidationError(`${describeOperation('step', name)} needs a function; got ${typeof fn}.`);
  const semantics = config.semantics ?? StepSemantics.AtLeastOncePerRetry;
  if (semantics !== StepSemantics.AtLeastOncePerRetry && semantics !== StepSemantics.AtMostOncePerRetry) {
    throw new ValidationError(
      `${describeOperation('step', name)}: semantics must be 'AT_LEAST_ONCE_PER_RETRY' or 'AT_MOST_ONCE_PER_RETRY'; got ${String(semantics)}.`,
    );
  }
  if (config.retryStrategy !== undefined && typeof config.retryStrategy !== 'function') {
    throw new ValidationError(`${describeOperation('step', name)}: retryStrategy must be a function (error, attempt) => { shouldRetry, delay }.`);
  }
  const { id, position } = ctx.allocateOperationId();
  const run = new StepRun<T>(ctx, id, position, name, fn, {
    retryStrategy: config.retryStrategy ?? (defaultRetry ??= RetryPresets.default()),
    semantics,
    serdes: config.serdes ?? Serdes.json<T>(),
  });
  return run.execute();
}

interface ResolvedStepConfig<T> {
  readonly retryStrategy: RetryStrategy;
  readonly semantics: StepSemantics;
  readonly serdes: Serdes<T>;
}

class StepRun<T> {
  private readonly identity: OperationIdentity;
  private readonly what: string;
  private ownSubject: SerdesSubject | undefined;
  /** When the retry recorded by this invocation is due (local clock). */
  private retryDueAt: number | undefined;

  constructor(
    private readonly ctx: DurableContextImpl,
    private readonly id: string,
    private readonly position: number,
    private readonly name: string | undefined,
    private readonly fn: StepFunction<T>,
    private readonly config: ResolvedStepConfig<T>,
  ) {
    this.identity = operationIdentity(id, ctx.scope.parentId, 'STEP', 'Step', name);
    this.what = describeOperation('step', name);
  }

  /** What the serdes and its errors are told; built only when one of them reads it. */
  private subject(): SerdesSubject {
    this.ownSubject ??= { what: this.what, context: { operationId: this.id, executionArn: this.ctx.runtime.executionArn } };
    return this.ownSubject;
  }

  async execute(): Promise<T> {
    throwIfAborted(this.ctx, this.what);
    return this.continueFrom(recordedOperation(this.ctx, this.identity, this.position));
  }

  private async continueFrom(recorded: Operation | undefined): Promise<T> {
    let operation = recorded;
    for (;;) {
      if (!operation) return this.attempt(1, true);
      const attempt = (operation.StepDetails?.Attempt ?? 0) + 1;
      switch (operation.Status) {
        case 'SUCCEEDED':
          return deserializeNow(this.config.serdes, operation.StepDetails?.Result, () => this.subject());
        case 'FAILED':
          throw typedErrorFrom(StepError, operation.StepDetails?.Error);
        case 'PENDING':
          operation = await this.waitUntilReady();
          continue;
        case 'READY':
          return this.attempt(attempt, true);
        case 'STARTED':
          if (this.config.semantics === StepSemantics.AtMostOncePerRetry) {
            const interrupted = new StepInterruptedError(
              `${this.what} attempt ${attempt} was interrupted before it recorded an outcome ` +
                '(the invocation ended while it ran); with AT_MOST_ONCE_PER_RETRY it is not run again silently.',
            );
            await this.recordFailure(interrupted, attempt);
            operation = await this.waitUntilReady();
            continue;
          }
          return this.attempt(attempt, false);
        default:
          throw new StepError(`${this.what} is in status ${String(operation.Status)}, which a step cannot continue from.`, {
            errorType: operation.Status,
          });
      }
    }
  }

  /** Runs one attempt; `sendStart` is false when re-running an interrupted at-least-once attempt. */
  private async attempt(attempt: number, sendStart: boolean): Promise<T> {
    const { runtime, scope } = this.ctx;
    // Once the invocation has ended (suspended, failed, superseded), its outcome can no longer be
    // recorded: the function must not run here, where its side effects would be lost or, in a
    // sandbox thawed for a later invocation, doubled. The step stays pending with the invocation.
    if (runtime.termination.terminated) return new Promise<T>(() => undefined);
    const gate = beforeStarting(this.ctx, this.what);
    if (gate) return gate.then(() => this.attempt(attempt, sendStart));
    const endWork = runtime.suspension.beginWork();
    try {
      if (sendStart) {
        const started = checkpoint(this.ctx, { ...this.identity, Action: 'START' }, this.what);
        if (this.config.semantics === StepSemantics.AtMostOncePerRetry) await started;
        else started.catch(() => undefined);
      }
      if (runtime.termination.terminated) return new Promise<T>(() => undefined);
      // Not awaited: the attempt's work ends here (finally), so the invocation can suspend.
      if (runtime.replayOnly) return holdForReplay(this.ctx);
      // Aborted while the START was being recorded: the attempt is not run (its START stands, so a
      // later replay sees an interrupted attempt, as for any at-most-once attempt that never ended).
      throwIfAborted(this.ctx, this.what);
      const stepContext = new AttemptContext(runtime, this.id, this.name, attempt, scope.signal);
      let value: T;
      try {
        value = await raceAbort(
          runInsideStep(this.what, runtime, () => Promise.resolve().then(() => this.fn(stepContext))),
          scope.signal,
          this.what,
        );
      } catch (error) {
        if (error instanceof OperationAbortedError && scope.signal.aborted) throw error;
        // Misuse fails the same way on every attempt: retrying would only delay the error.
        if (error instanceof DurableOperationInStepError) return await this.failForGood(error);
        await this.recordFailure(error, attempt);
        endWork();
        return this.continueFrom(await this.waitUntilReady());
      }
      return await this.recordSuccess(value);
    } finally {
      endWork();
    }
  }

  private async recordSuccess(value: T): Promise<T> {
    let payload: string | undefined;
    try {
      const data = serializeNow(this.config.serdes, value, () => this.subject());
      payload = data instanceof Promise ? await data : data;
      const size = payloadBytes(payload);
      if (size > MAX_OPERATION_PAYLOAD_BYTES) {
        throw new SerdesError(
          `The result of ${this.what} is ${size} bytes once serialised; the service stores at most ${MAX_OPERATION_PAYLOAD_BYTES} ` +
            'bytes per step. Return less data (e.g. store it elsewhere and return a reference), or run the work in ' +
            'runInChildContext, whose large results are rebuilt by replay.',
        );
      }
    } catch (error) {
      // Serialising again cannot succeed, so this is a final failure, never retried.
      return this.failForGood(error);
    }
    await checkpoint(this.ctx, { ...this.identity, Action: 'SUCCEED', ...(payload !== undefined ? { Payload: payload } : {}) }, this.what);
    return deserializeNow(this.config.serdes, payload, () => this.subject());
  }

  /**
   * Asks the retry strategy about a failed attempt and checkpoints RETRY (then returns) or FAIL
   * (then throws the step's error).
   */
  private async recordFailure(error: unknown, attempt: number): Promise<void> {
    let decision: { shouldRetry: boolean; delaySeconds: number };
    try {
      const asError = error instanceof Error ? error : new DurableError(toErrorObject(error).ErrorMessage as string, { cause: error });
      const answer = this.config.retryStrategy(asError, attempt);
      decision = {
        shouldRetry: Boolean(answer?.shouldRetry),
        delaySeconds: answer?.shouldRetry ? toDelaySeconds(answer.delay ?? { seconds: 1 }, `${this.what} retry delay`) : 0,
      };
    } catch (strategyError) {
      return this.failForGood(strategyError);
    }
    if (!decision.shouldRetry) return this.failForGood(error);
    this.retryDueAt = Date.now() + decision.delaySeconds * 1000;
    await checkpoint(
      this.ctx,
      { ...this.identity, Action: 'RETRY', Error: toErrorObject(error), StepOptions: { NextAttemptDelaySeconds: decision.delaySeconds } },
      this.what,
    );
  }

  private failForGood(error: unknown): Promise<never> {
    return failStepOperation(this.ctx, this.identity, error, StepError, this.what);
  }

  private waitUntilReady(): Promise<Operation> {
    return waitForStepRetry(this.ctx, this.id, this.retryDueAt, this.what);
  }
}

/**
 * Checkpoints FAIL for a STEP-type operation (a step, a waitForCondition) and throws its typed
 * error, built from the error as recorded (after truncation), so the first run and a replay agree.
 *
 * @example
 * return failStepOperation(ctx, identity, error, StepError, 'step "charge"');
 */
export async function failStepOperation<E extends DurableError>(
  ctx: DurableContextImpl,
  identity: OperationIdentity,
  error: unknown,
  ErrorClass: new (message: string, options?: DurableErrorOptions) => E,
  what: string,
): Promise<never> {
  const update = fitErrorUpdate({ ...identity, Action: 'FAIL', Error: toErrorObject(error) });
  await checkpoint(ctx, update, what);
  throw typedErrorFrom(ErrorClass, update.Error);
}

/**
 * Waits until a STEP-type operation that is between attempts (PENDING) becomes READY.
 *
 * @param localDue when this invocation scheduled the retry (epoch ms), if it did: our own estimate
 *   comes first, since the service's timestamps follow its clock, not ours.
 * @example
 * const ready = await waitForStepRetry(ctx, id, Date.now() + 2000, 'step "charge"');
 */
export function waitForStepRetry(ctx: DurableContextImpl, id: string, localDue: number | undefined, what: string): Promise<Operation> {
  return waitForOperation(
    ctx,
    id,
    (operation) => operation.Status !== 'PENDING',
    (operation) => localDue ?? epochMs(operation?.StepDetails?.NextAttemptTimestamp),
    what,
  );
}

/**
 * Replay-only invocation (the replay gate): a step's function or a waitForCondition check must
 * not run. The attempt's START, if it sends one, is already queued, so the gate sees the
 * operation; the operation then waits on the service for good, which lets the rest of the workflow
 * replay as far as it can before the invocation suspends.
 */
export function holdForReplay<T>(ctx: DurableContextImpl): Promise<T> {
  ctx.runtime.suspension.addServiceWait(undefined);
  return new Promise<T>(() => undefined);
}
