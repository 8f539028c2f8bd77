import { createLogger, type DurableLogger } from '../logger';
import type { InvocationRuntime } from '../invocation/runtime';
import type { StepContext } from '../types';

/**
 * What a step function (or a waitForCondition check) receives for one attempt. Its logger is
 * made when first read: a map of thousands of one-step items would otherwise make a logger, its
 * closures and a dictionary-mode object per attempt for steps that never log.
 *
 * @example
 * const stepContext = new AttemptContext(runtime, id, name, attempt, scope.signal);
 * await fn(stepContext);
 */
export class AttemptContext implements StepContext {
  readonly #runtime: InvocationRuntime;
  readonly #operationName: string | undefined;
  #logger: DurableLogger | undefined;

  constructor(
    runtime: InvocationRuntime,
    readonly operationId: string,
    operationName: string | undefined,
    readonly attempt: number,
    readonly signal: AbortSignal,
  ) {
    this.#runtime = runtime;
    this.#operationName = operationName;
  }

  /** Logger stamped with the step's id, name and attempt; a step attempt never replays. */
  get logger(): DurableLogger {
    this.#logger ??= createLogger(this.#runtime.loggerOptions, {
      executionArn: this.#runtime.executionArn,
      operationId: this.operationId,
      operationName: this.#operationName,
      attempt: this.attempt,
      requestId: this.#runtime.requestId,
      isReplaying: () => false,
    });
    return this.#logger;
  }
}
