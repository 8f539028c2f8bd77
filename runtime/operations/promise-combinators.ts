import type { Operation } from '@aws-sdk/client-lambda';
import type { DurableContextImpl } from '../context/durable-context';
import { checkpoint, describeOperation, operationIdentity, recordedOperation, throwIfAborted, type OperationIdentity } from '../context/operation-support';
import { fitErrorUpdate, toErrorObject } from '../error-object';
import { ValidationError } from '../errors';
import { validateName } from '../names';

/**
 * The durable promise combinators: `ctx.promise.all / allSettled / any / race`.
 *
 * How they checkpoint: each call takes the next operation id of its context when it is called and
 * records its decision as one STEP (SubType `Step`, as the reference runtimes record combinators,
 * protocol.md §2.6): `START` and `SUCCEED` once the combined promise fulfils, `START` and `FAIL`
 * once it rejects. The payload (or the failure's `ErrorData`) holds only the decision, `{"index":
 * n}`: which input won a `race` or `any`, which input's rejection rejected an `all`. Values are not
 * copied: every input is a durable operation whose own record replays its value or error.
 *
 * Replay: a recorded decision is followed as recorded — the same `race` winner, the same rejecting
 * input — whatever finishes first in this invocation; an unrecorded combinator runs live.
 *
 * Inputs must be promises returned by durable operations of the same context (`ctx.step`,
 * `ctx.wait`, `ctx.invoke`, a callback's `promise`, …). Anything else (a bare `fetch`, a promise
 * of another context) would settle differently on replay, so it is refused with a
 * {@link ValidationError} before anything is checkpointed.
 */

const owners = new WeakMap<PromiseLike<unknown>, DurableContextImpl>();

/** Marks `promise` as the outcome of a durable operation of `ctx`; returns it. */
export function markDurable<P extends PromiseLike<unknown>>(ctx: DurableContextImpl, promise: P): P {
  owners.set(promise, ctx);
  return promise;
}

/** Which combinator. */
export type CombinatorKind = 'all' | 'allSettled' | 'any' | 'race';

/** The decision a combinator records. */
interface Decision {
  readonly index?: number;
}

/** Runs one combinator (after argument parsing). */
export function runCombinator(
  ctx: DurableContextImpl,
  kind: CombinatorKind,
  name: string | undefined,
  promises: ReadonlyArray<PromiseLike<unknown>>,
): Promise<unknown> {
  validateName(name, `a promise.${kind}`);
  const what = describeOperation(`promise.${kind}`, name);
  if (!Array.isArray(promises)) {
    throw new ValidationError(`${what} needs an array of promises returned by durable operations; got ${promises === null ? 'null' : typeof promises}.`);
  }
  promises.forEach((promise, index) => {
    const owner = owners.get(promise);
    if (owner === ctx) return;
    throw new ValidationError(
      owner === undefined
        ? `${what}: input #${index} is not the promise of a durable operation. Combinators take the promises that ctx.step, ctx.wait, ` +
            'ctx.invoke, a callback and the other operations return; wrap other work in ctx.step first, so replay sees the same outcome.'
        : `${what}: input #${index} is a durable operation of another context. Call the combinator in the context that started the operations.`,
    );
  });
  const { id, position } = ctx.allocateOperationId();
  throwIfAborted(ctx, what);
  const identity = operationIdentity(id, ctx.scope.parentId, 'STEP', 'Step', name);
  const recorded = recordedOperation(ctx, identity, position);
  if (recorded && (recorded.Status === 'SUCCEEDED' || recorded.Status === 'FAILED')) {
    return replay(kind, promises, recorded);
  }
  return live(ctx, kind, identity, what, promises);
}

function decisionOf(operation: Operation): Decision {
  const text = operation.Status === 'SUCCEEDED' ? operation.StepDetails?.Result : operation.StepDetails?.Error?.ErrorData;
  try {
    const parsed = text === undefined ? {} : (JSON.parse(text) as Decision);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

/** Follows the recorded decision: the recorded winner or rejection, whatever settles first now. */
function replay(kind: CombinatorKind, promises: ReadonlyArray<PromiseLike<unknown>>, recorded: Operation): Promise<unknown> {
  // As in a live run, every input gets a handler: an input that rejects after the decision must
  // not surface as an unhandled rejection.
  for (const promise of promises) Promise.resolve(promise).catch(() => undefined);
  const { index } = decisionOf(recorded);
  const chosen = index !== undefined && Number.isInteger(index) && index >= 0 && index < promises.length ? promises[index] : undefined;
  if (kind === 'allSettled') return Promise.allSettled(promises);
  if (kind === 'all') return chosen && recorded.Status === 'FAILED' ? Promise.resolve(chosen).then(() => Promise.all(promises)) : Promise.all(promises);
  if (kind === 'any' && recorded.Status === 'FAILED') return combine('any', promises).then(unwrap);
  return chosen ? Promise.resolve(chosen) : combine(kind, promises).then((r) => unwrap(r));
}

/** The settled outcome of a combinator and the input that decided it. */
type Settled = { readonly ok: true; readonly value: unknown; readonly index?: number } | { readonly ok: false; readonly error: unknown; readonly index?: number };

function combine(kind: CombinatorKind, promises: ReadonlyArray<PromiseLike<unknown>>): Promise<Settled> {
  const tag = () =>
    promises.map((p, index) =>
      Promise.resolve(p).then(
        (value) => ({ index, value }),
        (error: unknown) => Promise.reject({ index, error }),
      ),
    );
  const rejected = (e: unknown): Settled => {
    const r = e as { index: number; error: unknown };
    return { ok: false, error: r.error, index: r.index };
  };
  switch (kind) {
    case 'all':
      return Promise.all(tag()).then((all) => ({ ok: true, value: all.map((t) => t.value) }), rejected);
    case 'allSettled':
      return Promise.allSettled(promises).then((value) => ({ ok: true, value }));
    case 'any':
      return firstFulfilled(promises);
    case 'race':
      return Promise.race(tag()).then((t) => ({ ok: true, value: t.value, index: t.index }), rejected);
  }
}

/**
 * `Promise.any` with the winning index, written out: the package ships its TypeScript sources, and
 * a user's `lib: es2020` (the `cdk init` default) has neither `Promise.any` nor `AggregateError`.
 */
function firstFulfilled(promises: ReadonlyArray<PromiseLike<unknown>>): Promise<Settled> {
  return new Promise<Settled>((resolve) => {
    const errors: unknown[] = new Array(promises.length);
    let pending = promises.length;
    const allRejected = () => resolve({ ok: false, error: aggregateError(errors) });
    if (pending === 0) allRejected();
    promises.forEach((promise, index) => {
      Promise.resolve(promise).then(
        (value) => resolve({ ok: true, value, index }),
        (error: unknown) => {
          errors[index] = error;
          if (--pending === 0) allRejected();
        },
      );
    });
  });
}

/** An `AggregateError` (Node 15+), built without naming the ES2021 global in the types. */
function aggregateError(errors: unknown[]): Error {
  const Aggregate = (globalThis as unknown as { AggregateError: new (errors: unknown[], message: string) => Error }).AggregateError;
  return new Aggregate(errors, 'All promises were rejected');
}

function unwrap(settled: Settled): unknown {
  if (settled.ok) return settled.value;
  throw settled.error;
}

async function live(
  ctx: DurableContextImpl,
  kind: CombinatorKind,
  identity: OperationIdentity,
  what: string,
  promises: ReadonlyArray<PromiseLike<unknown>>,
): Promise<unknown> {
  const settled = await combine(kind, promises);
  const decision = settled.index === undefined ? undefined : JSON.stringify({ index: settled.index });
  checkpoint(ctx, { ...identity, Action: 'START' }, what).catch(() => undefined);
  if (settled.ok) {
    await checkpoint(ctx, { ...identity, Action: 'SUCCEED', ...(decision !== undefined ? { Payload: decision } : {}) }, what);
  } else {
    const error = toErrorObject(settled.error);
    await checkpoint(ctx, fitErrorUpdate({ ...identity, Action: 'FAIL', Error: { ...error, ...(decision !== undefined ? { ErrorData: decision } : {}) } }), what);
  }
  return unwrap(settled);
}

/**
 * The `ctx.promise` object of a context.
 *
 * @example
 * const fastest = await ctx.promise.race('fastest', [ctx.invoke('a:live', input), ctx.wait(Duration.minutes(5))]);
 */
export function promiseCombinators(ctx: DurableContextImpl): import('../types').DurablePromiseCombinators {
  const call =
    (kind: CombinatorKind) =>
    (first: string | undefined | ReadonlyArray<PromiseLike<unknown>>, second?: ReadonlyArray<PromiseLike<unknown>>): Promise<never> => {
      try {
        return (
          typeof first === 'string' || first === undefined
            ? runCombinator(ctx, kind, first, second as ReadonlyArray<PromiseLike<unknown>>)
            : runCombinator(ctx, kind, undefined, first)
        ) as Promise<never>;
      } catch (error) {
        return Promise.reject(error);
      }
    };
  return { all: call('all'), allSettled: call('allSettled'), any: call('any'), race: call('race') };
}
