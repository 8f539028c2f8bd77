import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Marks code running inside a step function. Durable operations called there would take ids at
 * timing-dependent positions and be checkpointed inside another operation's attempt, so they are
 * refused with a clear error instead.
 *
 * The mark belongs to one invocation: async work a step function started (a timer, a callback to
 * another system) may lead to another invocation in the same process, as with an in-process
 * service, and that invocation's workflow is not inside the step.
 *
 * The storage is switched on only while a step function is running. On Node 20 an enabled
 * AsyncLocalStorage keeps promise hooks that run on every promise the process creates, and a
 * workflow creates most of its promises outside step functions (checkpoints, contexts, waits).
 * Async work a step function leaves behind after it settled is not followed once no step runs.
 */
const scope = new AsyncLocalStorage<{ readonly what: string; readonly invocation: object }>();

/** Step functions started and not yet settled, in this process. */
let running = 0;

/** Runs `fn` as the body of the step `what` of the invocation `invocation`. */
export function runInsideStep<T>(what: string, invocation: object, fn: () => Promise<T>): Promise<T> {
  running += 1;
  let result: Promise<T>;
  try {
    result = scope.run({ what, invocation }, fn);
  } catch (error) {
    leave();
    throw error;
  }
  // Both handlers given: this side chain never reports the rejection, the caller's await does.
  result.then(leave, leave);
  return result;
}

function leave(): void {
  running -= 1;
  if (running === 0) scope.disable();
}

/** The step of `invocation` whose function is running, if any. */
export function currentStep(invocation: object): string | undefined {
  const store = scope.getStore();
  return store !== undefined && store.invocation === invocation ? store.what : undefined;
}
