import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Marks code running inside a step function. Durable operations called there would take ids at
 * timing-dependent positions and be checkpointed inside another operation's attempt, so they are
 * refused with a clear error instead.
 */
const scope = new AsyncLocalStorage<string>();

/** Runs `fn` as the body of the step `what`. */
export function runInsideStep<T>(what: string, fn: () => T): T {
  return scope.run(what, fn);
}

/** The step whose function is running, if any. */
export function currentStep(): string | undefined {
  return scope.getStore();
}
