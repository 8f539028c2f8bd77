import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Marks code running inside a step function. Durable operations called there would take ids at
 * timing-dependent positions and be checkpointed inside another operation's attempt, so they are
 * refused with a clear error instead.
 *
 * The mark belongs to one invocation: async work a step function started (a timer, a callback to
 * another system) may lead to another invocation in the same process, as with an in-process
 * service, and that invocation's workflow is not inside the step.
 */
const scope = new AsyncLocalStorage<{ readonly what: string; readonly invocation: object }>();

/** Runs `fn` as the body of the step `what` of the invocation `invocation`. */
export function runInsideStep<T>(what: string, invocation: object, fn: () => T): T {
  return scope.run({ what, invocation }, fn);
}

/** The step of `invocation` whose function is running, if any. */
export function currentStep(invocation: object): string | undefined {
  const store = scope.getStore();
  return store !== undefined && store.invocation === invocation ? store.what : undefined;
}
