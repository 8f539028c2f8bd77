import type { Operation } from '@aws-sdk/client-lambda';
import type { DurableContextImpl } from '../context/durable-context';
import {
  beforeStarting,
  checkpoint,
  describeOperation,
  operationIdentity,
  recordedOperation,
  throwIfAborted,
  waitForOperation,
} from '../context/operation-support';
import { toWholeSecondsOrZero } from '../duration';
import { typedErrorFrom } from '../error-object';
import { CallbackError, ValidationError } from '../errors';
import { validateName } from '../names';
import { deserializeValue, Serdes, type SerdesSubject } from '../serdes';
import type { CallbackConfig, CallbackSubmitter, CreatedCallback, WaitForCallbackConfig } from '../types';
import { runContextOperation } from './child-context';
import { markDurable } from './promise-combinators';
import { runStep } from './step';

/**
 * `ctx.createCallback`: checkpoints CALLBACK START (with its timeouts) and returns the service's
 * callback id plus a promise for the result. The promise settles when an external system calls
 * SendDurableExecutionCallbackSuccess / Failure or a timeout fires (protocol.md §4.2); while it is
 * awaited and nothing else runs, the invocation suspends.
 */
export async function createCallback<T>(ctx: DurableContextImpl, name: string | undefined, config: CallbackConfig<T> = {}): Promise<CreatedCallback<T>> {
  validateName(name, 'a callback');
  const what = describeOperation('callback', name);
  const options = callbackOptions(config, what);
  const { id, position } = ctx.allocateOperationId();
  throwIfAborted(ctx, what);
  const identity = operationIdentity(id, ctx.scope.parentId, 'CALLBACK', 'Callback', name);
  let operation = recordedOperation(ctx, identity, position);
  if (!operation) {
    const gate = beforeStarting(ctx, what);
    if (gate) await gate;
    await checkpoint(ctx, { ...identity, Action: 'START', CallbackOptions: options }, what);
    operation = ctx.runtime.state.get(id);
  }
  const callbackId = operation?.CallbackDetails?.CallbackId;
  if (!callbackId) {
    throw new CallbackError(`The service did not return a CallbackId for ${what} (operation ${id}).`);
  }
  const serdes = config.serdes ?? Serdes.json<T>();
  const subject: SerdesSubject = { what, context: { operationId: id, executionArn: ctx.runtime.executionArn } };
  const promise = new AwaitedPromise(() =>
    waitForOperation(ctx, id, (op) => op.Status !== 'STARTED', () => undefined, what).then((done) => settle(done, serdes, subject)),
  );
  return { callbackId, promise: markDurable(ctx, promise) };
}

/**
 * A promise that starts waiting only when it is first awaited (or `then`/`catch`/`finally` is
 * called). Until then the callback does not count as something the invocation waits on, so code
 * that never awaits it cannot be suspended by it, and an unobserved failure cannot surface as an
 * unhandled rejection.
 */
class AwaitedPromise<T> implements Promise<T> {
  readonly [Symbol.toStringTag] = 'Promise';
  private started: Promise<T> | undefined;

  constructor(private readonly start: () => Promise<T>) {}

  private get inner(): Promise<T> {
    this.started ??= this.start();
    return this.started;
  }

  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.inner.then(onFulfilled, onRejected);
  }

  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.inner.catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<T> {
    return this.inner.finally(onFinally);
  }
}

/**
 * `ctx.waitForCallback`: a CONTEXT (SubType WaitForCallback) holding a CALLBACK and a submitter STEP
 * that hands the callback id to the external system; resolves with the callback's result and rejects
 * with a {@link CallbackError} when the callback fails, times out, or the submitter fails.
 */
export function waitForCallback<T>(
  ctx: DurableContextImpl,
  name: string | undefined,
  submitter: CallbackSubmitter,
  config: WaitForCallbackConfig<T> = {},
): Promise<T> {
  validateName(name, 'a waitForCallback');
  const what = describeOperation('waitForCallback', name);
  if (typeof submitter !== 'function') throw new ValidationError(`${what} needs a submitter function (callbackId, stepContext) => …; got ${typeof submitter}.`);
  callbackOptions(config, what);
  const { id, position } = ctx.allocateOperationId();
  const serdes = config.serdes ?? Serdes.json<T>();
  return runContextOperation<T>(ctx, {
    id,
    position,
    name,
    subType: 'WaitForCallback',
    what,
    signal: ctx.scope.signal,
    serdes,
    errorClass: CallbackError,
    body: async (child) => {
      const { callbackId, promise } = await createCallback<T>(child, undefined, {
        timeout: config.timeout,
        heartbeatTimeout: config.heartbeatTimeout,
        serdes,
      });
      await runStep<void>(child, undefined, (stepContext) => submitter(callbackId, stepContext), {
        retryStrategy: config.retryStrategy,
      });
      return promise;
    },
  });
}

function callbackOptions(config: CallbackConfig<unknown>, what: string): { TimeoutSeconds?: number; HeartbeatTimeoutSeconds?: number } {
  if (config === null || typeof config !== 'object') throw new ValidationError(`${what}: config must be an object.`);
  const options: { TimeoutSeconds?: number; HeartbeatTimeoutSeconds?: number } = {};
  if (config.timeout !== undefined) options.TimeoutSeconds = toWholeSecondsOrZero(config.timeout, `The timeout of ${what}`);
  if (config.heartbeatTimeout !== undefined) {
    options.HeartbeatTimeoutSeconds = toWholeSecondsOrZero(config.heartbeatTimeout, `The heartbeat timeout of ${what}`);
  }
  return options;
}

async function settle<T>(operation: Operation, serdes: Serdes<T>, subject: SerdesSubject): Promise<T> {
  if (operation.Status === 'SUCCEEDED') return deserializeValue(serdes, operation.CallbackDetails?.Result, subject);
  const error = operation.CallbackDetails?.Error ?? {
    ErrorType: 'CallbackError',
    ErrorMessage: `The callback ended with status ${String(operation.Status)}.`,
  };
  throw typedErrorFrom(CallbackError, error);
}
