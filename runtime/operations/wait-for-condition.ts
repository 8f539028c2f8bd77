import type { Operation } from '@aws-sdk/client-lambda';
import type { DurableContextImpl } from '../context/durable-context';
import {
  beforeStarting,
  checkpoint,
  describeOperation,
  operationIdentity,
  raceAbort,
  recordedOperation,
  throwIfAborted,
  type OperationIdentity,
} from '../context/operation-support';
import { AttemptContext } from '../context/attempt-context';
import { runInsideStep } from '../context/step-scope';
import { failStepOperation, holdForReplay, waitForStepRetry } from './step';
import { toDelaySeconds, toWholeSeconds, type Duration } from '../duration';
import { typedErrorFrom } from '../error-object';
import { OperationAbortedError, SerdesError, ValidationError, WaitForConditionError } from '../errors';
import { validateName } from '../names';
import type { JitterStrategy } from '../retry';
import { deserializeValue, MAX_OPERATION_PAYLOAD_BYTES, payloadBytes, Serdes, serializeValue, type SerdesSubject } from '../serdes';
import type { WaitForConditionCheck, WaitForConditionConfig, WaitForConditionWaitStrategy } from '../types';

/**
 * `ctx.waitForCondition`: polls `check(state)` as one STEP with SubType `WaitForCondition`
 * (protocol.md §2.5): `START` per attempt, then `RETRY { Payload: state, NextAttemptDelaySeconds }`
 * while the wait strategy continues (the invocation suspends until the next poll), `SUCCEED
 * { Payload: state }` once it stops, or `FAIL` when the check or the strategy throws. The state
 * survives invocations in the checkpoint; a check that throws is not retried.
 */
export function runWaitForCondition<T>(
  ctx: DurableContextImpl,
  name: string | undefined,
  check: WaitForConditionCheck<T>,
  config: WaitForConditionConfig<T>,
): Promise<T> {
  validateName(name, 'a waitForCondition');
  const what = describeOperation('waitForCondition', name);
  if (typeof check !== 'function') throw new ValidationError(`${what} needs a check function (state, stepContext) => newState; got ${typeof check}.`);
  if (config === null || typeof config !== 'object') {
    throw new ValidationError(`${what} needs a config { initialState, waitStrategy }; got ${String(config)}.`);
  }
  if (!('initialState' in config)) {
    throw new ValidationError(`${what}: config.initialState is missing; give the state the first check receives (it may be null).`);
  }
  if (typeof config.waitStrategy !== 'function') {
    throw new ValidationError(
      `${what}: config.waitStrategy must be a function (state, attempt) => { shouldContinue, delay }, e.g. WaitStrategies.fixed({ until: … }).`,
    );
  }
  const serdes = config.serdes ?? Serdes.json<T>();
  if (typeof serdes.serialize !== 'function' || typeof serdes.deserialize !== 'function') {
    throw new ValidationError(`${what}: serdes must be an object with serialize and deserialize functions.`);
  }
  const { id, position } = ctx.allocateOperationId();
  return new ConditionRun<T>(ctx, id, position, name, what, check, config.waitStrategy, config.initialState, serdes).execute();
}

class ConditionRun<T> {
  private readonly identity: OperationIdentity;
  private readonly subject: SerdesSubject;
  private retryDueAt: number | undefined;

  constructor(
    private readonly ctx: DurableContextImpl,
    private readonly id: string,
    private readonly position: number,
    private readonly name: string | undefined,
    private readonly what: string,
    private readonly check: WaitForConditionCheck<T>,
    private readonly strategy: WaitForConditionWaitStrategy<T>,
    private readonly initialState: T,
    private readonly serdes: Serdes<T>,
  ) {
    this.identity = operationIdentity(id, ctx.scope.parentId, 'STEP', 'WaitForCondition', name);
    this.subject = { what, context: { operationId: id, executionArn: ctx.runtime.executionArn } };
  }

  async execute(): Promise<T> {
    throwIfAborted(this.ctx, this.what);
    let operation = recordedOperation(this.ctx, this.identity, this.position);
    for (;;) {
      if (!operation) return this.poll(this.initialState, 1);
      const attempt = (operation.StepDetails?.Attempt ?? 0) + 1;
      switch (operation.Status) {
        case 'SUCCEEDED':
          return this.stateOf(operation);
        case 'FAILED':
          throw typedErrorFrom(WaitForConditionError, operation.StepDetails?.Error);
        case 'PENDING':
          operation = await this.waitUntilReady();
          continue;
        case 'READY':
        case 'STARTED':
          // STARTED: the poll was interrupted with the invocation; checking again is harmless.
          return this.poll(operation.StepDetails?.Result === undefined ? this.initialState : await this.stateOf(operation), attempt);
        default:
          throw new WaitForConditionError(`${this.what} is in status ${String(operation.Status)}, which it cannot continue from.`);
      }
    }
  }

  private stateOf(operation: Operation): Promise<T> {
    return deserializeValue(this.serdes, operation.StepDetails?.Result, this.subject);
  }

  private async poll(state: T, attempt: number): Promise<T> {
    const { runtime, scope } = this.ctx;
    if (runtime.termination.terminated) return new Promise<T>(() => undefined);
    const gate = beforeStarting(this.ctx, this.what);
    if (gate) return gate.then(() => this.poll(state, attempt));
    const endWork = runtime.suspension.beginWork();
    try {
      checkpoint(this.ctx, { ...this.identity, Action: 'START' }, this.what).catch(() => undefined);
      if (runtime.replayOnly) return holdForReplay(this.ctx);
      const stepContext = new AttemptContext(runtime, this.id, this.name, attempt, scope.signal);
      let next: T;
      let decision: { continue: boolean; delaySeconds: number };
      try {
        next = await raceAbort(
          runInsideStep(this.what, runtime, () => Promise.resolve().then(() => this.check(state, stepContext))),
          scope.signal,
          this.what,
        );
        const answer = this.strategy(next, attempt);
        if (answer === null || typeof answer !== 'object' || typeof answer.shouldContinue !== 'boolean') {
          throw new ValidationError(`The wait strategy of ${this.what} must return { shouldContinue: boolean, delay? }; got ${JSON.stringify(answer)}.`);
        }
        decision = {
          continue: answer.shouldContinue,
          delaySeconds: answer.shouldContinue ? toDelaySeconds(answer.delay ?? { seconds: 1 }, `${this.what} poll delay`) : 0,
        };
      } catch (error) {
        if (error instanceof OperationAbortedError && scope.signal.aborted) throw error;
        return await this.fail(error);
      }
      let payload: string | undefined;
      try {
        payload = await serializeValue(this.serdes, next, this.subject);
        const size = payloadBytes(payload);
        if (size > MAX_OPERATION_PAYLOAD_BYTES) {
          throw new SerdesError(
            `The state of ${this.what} is ${size} bytes once serialised; the service stores at most ${MAX_OPERATION_PAYLOAD_BYTES} bytes. Keep the state small.`,
          );
        }
      } catch (error) {
        return await this.fail(error);
      }
      if (!decision.continue) {
        await checkpoint(this.ctx, { ...this.identity, Action: 'SUCCEED', ...(payload !== undefined ? { Payload: payload } : {}) }, this.what);
        return deserializeValue(this.serdes, payload, this.subject);
      }
      this.retryDueAt = Date.now() + decision.delaySeconds * 1000;
      await checkpoint(
        this.ctx,
        {
          ...this.identity,
          Action: 'RETRY',
          ...(payload !== undefined ? { Payload: payload } : {}),
          StepOptions: { NextAttemptDelaySeconds: decision.delaySeconds },
        },
        this.what,
      );
    } finally {
      endWork();
    }
    const ready = await this.waitUntilReady();
    return this.poll(await this.stateOf(ready), attempt + 1);
  }

  private fail(error: unknown): Promise<never> {
    return failStepOperation(this.ctx, this.identity, error, WaitForConditionError, this.what);
  }

  private waitUntilReady(): Promise<Operation> {
    return waitForStepRetry(this.ctx, this.id, this.retryDueAt, this.what);
  }
}

/**
 * Settings shared by the {@link WaitStrategies} presets.
 *
 * @example
 * { until: (job) => job.status === 'DONE', maxAttempts: 20 }
 */
export interface WaitStrategyOptions<T> {
  /** True once the condition is met: polling stops and the state is the result. */
  readonly until: (state: T) => boolean;
  /** Checks in total, the first included, before giving up with a WaitForConditionError. Default 60. */
  readonly maxAttempts?: number;
}

/**
 * Settings of {@link WaitStrategies.fixed}.
 *
 * @example
 * { until: (s) => s.ready, delay: Duration.seconds(10) }
 */
export interface FixedWaitOptions<T> extends WaitStrategyOptions<T> {
  /** Delay between checks. Default 5 s. */
  readonly delay?: Duration;
}

/**
 * Settings of {@link WaitStrategies.exponential}.
 *
 * @example
 * { until: (s) => s.ready, initialDelay: Duration.seconds(2), maxDelay: Duration.minutes(5) }
 */
export interface ExponentialWaitOptions<T> extends WaitStrategyOptions<T> {
  /** Delay after the first check. Default 5 s. */
  readonly initialDelay?: Duration;
  /** Upper bound of any delay. Default 5 minutes. */
  readonly maxDelay?: Duration;
  /** Factor between consecutive delays. Default 1.5. */
  readonly backoffRate?: number;
  /** Default NONE (the delays are exactly the backoff). */
  readonly jitter?: JitterStrategy;
}

/**
 * Ready-made wait strategies for `ctx.waitForCondition`. When the attempts run out before `until`
 * holds, the strategy throws a {@link WaitForConditionError} that names the attempts, and the
 * operation fails with it.
 *
 * @example
 * await ctx.waitForCondition('job-done', (job) => fetchJob(job.id), {
 *   initialState: { id: jobId, status: 'PENDING' },
 *   waitStrategy: WaitStrategies.exponential({ until: (job) => job.status !== 'PENDING', maxAttempts: 10 }),
 * });
 */
export const WaitStrategies = {
  /** The same delay between every check. */
  fixed<T>(options: FixedWaitOptions<T>): WaitForConditionWaitStrategy<T> {
    const { until, maxAttempts } = presetBasics(options, 'WaitStrategies.fixed');
    const delay = options.delay ?? { seconds: 5 };
    toWholeSeconds(delay, 'WaitStrategies.fixed delay');
    return (state, attempt) => {
      if (until(state)) return { shouldContinue: false };
      giveUpAfter(maxAttempts, attempt, 'WaitStrategies.fixed');
      return { shouldContinue: true, delay };
    };
  },

  /** Delays growing by `backoffRate` from `initialDelay` up to `maxDelay`. */
  exponential<T>(options: ExponentialWaitOptions<T>): WaitForConditionWaitStrategy<T> {
    const { until, maxAttempts } = presetBasics(options, 'WaitStrategies.exponential');
    const initial = toWholeSeconds(options.initialDelay ?? { seconds: 5 }, 'WaitStrategies.exponential initialDelay');
    const max = toWholeSeconds(options.maxDelay ?? { minutes: 5 }, 'WaitStrategies.exponential maxDelay');
    const rate = options.backoffRate ?? 1.5;
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 1) {
      throw new ValidationError(`WaitStrategies.exponential backoffRate must be a number >= 1; got ${String(rate)}.`);
    }
    const jitter = options.jitter ?? 'NONE';
    if (jitter !== 'NONE' && jitter !== 'FULL' && jitter !== 'HALF') {
      throw new ValidationError(`WaitStrategies.exponential jitter must be 'NONE', 'FULL' or 'HALF'; got ${String(jitter)}.`);
    }
    return (state, attempt) => {
      if (until(state)) return { shouldContinue: false };
      giveUpAfter(maxAttempts, attempt, 'WaitStrategies.exponential');
      const base = Math.min(max, initial * rate ** (attempt - 1));
      const jittered = jitter === 'FULL' ? Math.random() * base : jitter === 'HALF' ? base / 2 + (Math.random() * base) / 2 : base;
      return { shouldContinue: true, delay: { seconds: Math.max(1, Math.ceil(jittered)) } };
    };
  },
} as const;

function presetBasics<T>(options: WaitStrategyOptions<T>, what: string): { until: (state: T) => boolean; maxAttempts: number } {
  if (options === null || typeof options !== 'object' || typeof options.until !== 'function') {
    throw new ValidationError(`${what} needs { until: (state) => boolean }, the test that ends polling.`);
  }
  const maxAttempts = options.maxAttempts ?? 60;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new ValidationError(`${what} maxAttempts must be an integer >= 1; got ${String(maxAttempts)}.`);
  }
  return { until: options.until, maxAttempts };
}

function giveUpAfter(maxAttempts: number, attempt: number, what: string): void {
  if (attempt >= maxAttempts) {
    throw new WaitForConditionError(
      `The condition was not met after ${attempt} check${attempt === 1 ? '' : 's'} (${what} maxAttempts ${maxAttempts}); ` +
        'raise maxAttempts or the delays if the condition needs longer.',
    );
  }
}
