import type { DurableContextImpl } from '../context/durable-context';
import {
  abortedBeforeFinishing,
  beforeStarting,
  checkpoint,
  checkpointWithoutWaiting,
  describeOperation,
  operationIdentity,
  recordedOperation,
  throwIfAborted,
  type OperationIdentity,
} from '../context/operation-support';
import { fitErrorUpdate, toErrorObject, typedErrorFrom } from '../error-object';
import { ChildContextError, type DurableError, type DurableErrorOptions, isStructuralError, ValidationError } from '../errors';
import { validateName } from '../names';
import { deserializeNow, deserializeValue, MAX_OPERATION_PAYLOAD_BYTES, payloadBytes, Serdes, serializeNow, serializeValue, type SerdesSubject } from '../serdes';
import type { ChildContextConfig, ChildContextFunction } from '../types';

const SUB_TYPE = /^[a-zA-Z0-9_-]{1,32}$/;

/**
 * `ctx.runInChildContext`: runs `fn` in a child context whose operations hang off one CONTEXT
 * operation (START, then SUCCEED with the serialised result or FAIL with the error).
 */
export function runInChildContext<T>(
  ctx: DurableContextImpl,
  name: string | undefined,
  fn: ChildContextFunction<T>,
  config: ChildContextConfig<T> = {},
): Promise<T> {
  validateName(name, 'a child context');
  const what = describeOperation('child context', name);
  if (typeof fn !== 'function') throw new ValidationError(`${what} needs a function; got ${typeof fn}.`);
  const subType = config.subType ?? 'RunInChildContext';
  if (typeof subType !== 'string' || !SUB_TYPE.test(subType)) {
    throw new ValidationError(`${what}: subType must be 1 to 32 characters of [a-zA-Z0-9-_]; got ${JSON.stringify(subType)}.`);
  }
  if (config.errorMapping !== undefined && typeof config.errorMapping !== 'function') {
    throw new ValidationError(`${what}: errorMapping must be a function (error) => error.`);
  }
  const { id, position } = ctx.allocateOperationId();
  return runContextOperation(ctx, {
    id,
    position,
    name,
    subType,
    what,
    signal: ctx.scope.signal,
    serdes: config.serdes ?? Serdes.json<T>(),
    errorClass: ChildContextError,
    errorMapping: config.errorMapping,
    body: fn,
  });
}

/** One CONTEXT operation to run (also used for batch branches and waitForCallback). */
export interface ContextOperation<T> {
  readonly id: string;
  /** 1-based position among the parent's operations (for messages). */
  readonly position: number;
  readonly name: string | undefined;
  readonly subType: string;
  readonly what: string;
  /** The child context's signal (the parent's, or a batch branch's own). */
  readonly signal: AbortSignal;
  readonly serdes: Serdes<T>;
  /** The error class a failure is rethrown as. */
  readonly errorClass: new (message: string, options?: DurableErrorOptions) => DurableError;
  readonly errorMapping?: (error: unknown) => unknown;
  readonly body: (child: DurableContextImpl) => Promise<T>;
}

/**
 * Runs a CONTEXT operation under `parent`, replaying it when recorded:
 * - SUCCEEDED: the stored result, or, when the result was too large to store (ReplayChildren), the
 *   function again with every child operation replayed;
 * - FAILED: the stored error, rethrown;
 * - STARTED or absent: the function, then SUCCEED / FAIL.
 *
 * Structural errors (non-determinism, checkpoint failures, validation, abort) pass through without a
 * checkpoint. An aborted context checkpoints nothing more; its terminal update, once queued, stands.
 * The terminal update is queued, not waited for ({@link checkpointWithoutWaiting}): the context is
 * settled as soon as its outcome is queued.
 */
export async function runContextOperation<T>(parent: DurableContextImpl, op: ContextOperation<T>): Promise<T> {
  throwIfAborted(parent, op.what);
  const identity = operationIdentity(op.id, parent.scope.parentId, 'CONTEXT', op.subType, op.name);
  const recorded = recordedOperation(parent, identity, op.position);
  // Built only if a custom serdes reads its context or an error names the operation.
  let subjectValue: SerdesSubject | undefined;
  const subject = (): SerdesSubject => (subjectValue ??= { what: op.what, context: { operationId: op.id, executionArn: parent.runtime.executionArn } });
  const child = parent.createChild({
    idBase: op.id,
    parentId: op.id,
    signal: op.signal,
    logOperationId: op.id,
    logOperationName: op.name,
    description: op.what,
    rebuilding: recorded?.Status === 'SUCCEEDED',
  });
  if (recorded?.Status === 'SUCCEEDED') {
    if (recorded.ContextDetails?.ReplayChildren) {
      const rebuilt = await closeAfter(child, op.body(child));
      return roundTrip(op.serdes, rebuilt, subject());
    }
    parent.runtime.replayTrace?.answer(op.id);
    return deserializeNow(op.serdes, recorded.ContextDetails?.Result, subject);
  }
  if (recorded?.Status === 'FAILED') {
    parent.runtime.replayTrace?.answer(op.id);
    throw typedErrorFrom(op.errorClass, recorded.ContextDetails?.Error);
  }
  const host = { runtime: parent.runtime, scope: child.scope };
  if (!recorded) {
    const gate = beforeStarting(parent, op.what);
    if (gate) await gate;
    checkpoint(host, { ...identity, Action: 'START' }, op.what).catch(() => undefined);
  }

  let value: T;
  try {
    value = await closeAfter(child, op.body(child));
  } catch (error) {
    if (isStructuralError(error)) throw error;
    if (op.signal.aborted) throw abortedBeforeFinishing(op.what);
    return fail(host, identity, op, mapError(op, error));
  }
  if (op.signal.aborted) throw abortedBeforeFinishing(op.what);
  let payload: string | undefined;
  try {
    const data = serializeNow(op.serdes, value, subject);
    payload = data instanceof Promise ? await data : data;
  } catch (error) {
    return fail(host, identity, op, error);
  }
  if (payloadBytes(payload) > MAX_OPERATION_PAYLOAD_BYTES) {
    // Too large to store: record success without the value and rebuild it by replaying the children.
    await checkpointWithoutWaiting(host, { ...identity, Action: 'SUCCEED', ContextOptions: { ReplayChildren: true } }, op.what);
  } else {
    await checkpointWithoutWaiting(host, { ...identity, Action: 'SUCCEED', ...(payload !== undefined ? { Payload: payload } : {}) }, op.what);
  }
  return deserializeNow(op.serdes, payload, subject);
}

/**
 * Runs a FLAT batch branch: a virtual child context whose operations are parented to `parentId`
 * while their ids derive from `idBase`. Nothing is checkpointed for the context itself.
 * `rebuilding` is set when the batch completed earlier and the branch re-runs to rebuild its result.
 */
export function runVirtualContext<T>(
  parent: DurableContextImpl,
  options: { idBase: string; parentId: string | undefined; signal: AbortSignal; name: string | undefined; what: string; rebuilding: boolean },
  body: (child: DurableContextImpl) => Promise<T>,
): Promise<T> {
  const child = parent.createChild({
    idBase: options.idBase,
    parentId: options.parentId,
    signal: options.signal,
    logOperationId: options.idBase,
    logOperationName: options.name,
    description: options.what,
    rebuilding: options.rebuilding,
  });
  return closeAfter(child, body(child));
}

/** Closes the context once its function has settled (see `DurableContextImpl.close`). */
function closeAfter<T>(child: DurableContextImpl, running: Promise<T>): Promise<T> {
  return running.finally(() => child.close());
}

async function fail<T>(
  host: Pick<DurableContextImpl, 'runtime' | 'scope'>,
  identity: OperationIdentity,
  op: ContextOperation<T>,
  error: unknown,
): Promise<never> {
  // The error thrown now is the one recorded (after truncation), so every replay rethrows the same.
  const update = fitErrorUpdate({ ...identity, Action: 'FAIL', Error: toErrorObject(error) });
  await checkpointWithoutWaiting(host, update, op.what);
  throw typedErrorFrom(op.errorClass, update.Error);
}

function mapError<T>(op: ContextOperation<T>, error: unknown): unknown {
  if (!op.errorMapping) return error;
  try {
    return op.errorMapping(error);
  } catch (mappingError) {
    return mappingError;
  }
}

async function roundTrip<T>(serdes: Serdes<T>, value: T, subject: SerdesSubject): Promise<T> {
  const data = await serializeValue(serdes, value, subject);
  return deserializeValue(serdes, data, subject);
}

