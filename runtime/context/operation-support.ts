import type { Operation, OperationType, OperationUpdate } from '@aws-sdk/client-lambda';
import { NonDeterministicError, OperationAbortedError, type NonDeterminismDetails } from '../errors';
import type { InvocationRuntime } from '../invocation/runtime';
import type { ContextScope } from './context-scope';
import { beforeNewWork } from './new-work-gate';

/** What an operation needs from the context it runs in. */
export interface OperationHost {
  readonly runtime: InvocationRuntime;
  readonly scope: ContextScope;
}

/** The fields sent on every update of one operation (protocol.md §2.5: same values each time). */
export interface OperationIdentity {
  readonly Id: string;
  readonly ParentId?: string;
  readonly Name?: string;
  readonly Type: OperationType;
  readonly SubType: string;
}

/** Builds an identity, leaving out absent fields (an unnamed operation carries no `Name`). */
export function operationIdentity(
  id: string,
  parentId: string | undefined,
  type: OperationType,
  subType: string,
  name: string | undefined,
): OperationIdentity {
  return {
    Id: id,
    ...(parentId !== undefined ? { ParentId: parentId } : {}),
    ...(name !== undefined ? { Name: name } : {}),
    Type: type,
    SubType: subType,
  };
}

/** Describes an operation for messages: `step "charge"` or `wait (unnamed)`. */
export function describeOperation(kind: string, name: string | undefined): string {
  return name === undefined ? `${kind} (unnamed)` : `${kind} "${name}"`;
}

/**
 * Returns the recorded copy of an operation, after checking that the code still asks for the same
 * thing at this id. A mismatch is non-determinism: the execution fails (even if the code catches
 * the error) and the error names the operation, both values and the likely cause.
 */
export function recordedOperation(host: OperationHost, identity: OperationIdentity, position: number): Operation | undefined {
  const recorded = host.runtime.state.get(identity.Id);
  if (!recorded) return undefined;
  host.runtime.replayTrace?.visit(identity.Id);
  const checks: Array<['Type' | 'Name' | 'SubType', string | undefined, string | undefined]> = [
    ['Type', recorded.Type, identity.Type],
    ['Name', recorded.Name, identity.Name],
    ['SubType', recorded.SubType, identity.SubType],
  ];
  for (const [field, was, now] of checks) {
    if ((was ?? undefined) === (now ?? undefined)) continue;
    throw nonDeterminism(host, identity.Id, field, was, now, `operation #${position} of ${host.scope.description}`, {
      position,
      recordedOperation: { Type: recorded.Type, Name: recorded.Name, SubType: recorded.SubType },
      requestedOperation: { Type: identity.Type, Name: identity.Name, SubType: identity.SubType },
    });
  }
  return recorded;
}

/** Builds a {@link NonDeterministicError}, fails the execution with it and returns it for throwing. */
export function nonDeterminism(
  host: OperationHost,
  id: string,
  field: 'Type' | 'Name' | 'SubType' | 'BranchName',
  recorded: string | undefined,
  requested: string | undefined,
  where: string,
  identities: Pick<NonDeterminismDetails, 'position' | 'recordedOperation' | 'requestedOperation'> = {},
): NonDeterministicError {
  const show = (value: string | undefined) => (value === undefined ? '(none)' : JSON.stringify(value));
  const details: NonDeterminismDetails = { operationId: id, field, recorded, requested, where, ...identities, stack: callStack() };
  const error = new NonDeterministicError(
    `Non-deterministic execution: ${where} (id ${id}) has ${field} ${show(recorded)} in the execution history ` +
      `but the code now asks for ${show(requested)}. The workflow code changed while this execution was in flight, ` +
      'or it chooses its durable operations from something that differs between invocations (time, randomness, ' +
      'environment, data read outside a step). Keep the order, types and names of durable operations stable for ' +
      'running executions (deploy changes as a new version).',
    id,
    field,
    recorded,
    requested,
    details,
  );
  host.runtime.termination.terminate({ kind: 'fail', error });
  return error;
}

/**
 * The frames of the current call stack below {@link nonDeterminism}: deep enough to reach the
 * workflow line that asked for the operation, past the runtime's own frames.
 */
function callStack(): string[] {
  const limit = Error.stackTraceLimit;
  const holder: { stack?: string } = {};
  try {
    Error.stackTraceLimit = 40;
    Error.captureStackTrace(holder, nonDeterminism);
  } finally {
    Error.stackTraceLimit = limit;
  }
  return (holder.stack ?? '')
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '));
}

/** Throws when the context is aborted: an aborted context starts nothing new. */
export function throwIfAborted(host: OperationHost, what: string): void {
  if (host.scope.signal.aborted) {
    throw new OperationAbortedError(`${what} was not started: ${host.scope.description} was aborted (its result is no longer needed).`);
  }
}

/**
 * Asks the context whether an operation may start new work now (see `new-work-gate.ts`): undefined
 * when it may (no promise turn is spent); otherwise a promise to await first, which rejects with
 * {@link OperationAbortedError} when the batch gave the branch up instead.
 */
export function beforeStarting(host: OperationHost, what: string): Promise<void> | undefined {
  const { signal, description } = host.scope;
  return beforeNewWork(signal, () => new OperationAbortedError(`${what} was not started: ${description} was aborted (its result is no longer needed).`));
}

/**
 * The error a context operation (a child context, a batch) rejects with when its context is aborted
 * before the operation could record an outcome.
 */
export function abortedBeforeFinishing(what: string): OperationAbortedError {
  return new OperationAbortedError(`${what} was aborted before it finished; its outcome is not recorded.`);
}

/**
 * Queues an update unless the context is aborted (an aborted context emits no further checkpoints);
 * resolves when the service has accepted it.
 */
export function checkpoint(host: OperationHost, update: OperationUpdate, what: string): Promise<void> {
  if (host.scope.signal.aborted) {
    return Promise.reject(
      new OperationAbortedError(`${what} was not checkpointed: ${host.scope.description} was aborted (its result is no longer needed).`),
    );
  }
  // Waiting for an acknowledgement is progress inside this invocation: it must not look idle.
  const endWork = host.runtime.suspension.beginWork();
  const accepted = host.runtime.queue.enqueue(update);
  accepted.then(endWork, endWork);
  return accepted;
}

/**
 * Queues a CONTEXT's closing update (SUCCEED or FAIL) and resolves without waiting for the service
 * to accept it, so what the code does next (the next branch of a batch, the parent's own close,
 * the next operation) joins the same call instead of waiting a round trip. What waiting guaranteed
 * still holds:
 * - the queue sends in order, so anything queued afterwards (a parent's close, an at-most-once
 *   step's START) is accepted only with this update or after it;
 * - the update counts as work until it is accepted, and the handler flushes the queue before it
 *   returns, so the invocation neither suspends nor returns before the call is answered;
 * - a failed call ends the invocation whoever waits for it (protocol.md §3.3): it throws or
 *   returns FAILED exactly as when the caller waited.
 * Like {@link checkpoint} it rejects when the context is aborted; once the invocation has ended
 * nothing is sent and it never settles, so code never goes on as if the context were recorded.
 *
 * @example
 * await checkpointWithoutWaiting(host, { ...identity, Action: 'SUCCEED', Payload: payload }, what);
 */
export function checkpointWithoutWaiting(host: OperationHost, update: OperationUpdate, what: string): Promise<void> {
  const accepted = checkpoint(host, update, what);
  if (host.scope.signal.aborted || host.runtime.termination.terminated) return accepted;
  return Promise.resolve();
}

/**
 * Waits until the service moves operation `id` to a state `isDone` accepts (a wait elapsing, a retry
 * becoming READY, a callback completing). While waiting, the invocation may suspend; `dueAt` tells
 * when the service is expected to finish, for polling. Rejects with {@link OperationAbortedError}
 * when the context is aborted.
 */
export function waitForOperation(
  host: OperationHost,
  id: string,
  isDone: (operation: Operation) => boolean,
  dueAt: (operation: Operation | undefined) => number | undefined,
  what: string,
): Promise<Operation> {
  const { state, suspension } = host.runtime;
  const current = state.get(id);
  if (current && isDone(current)) return Promise.resolve(current);
  const signal = host.scope.signal;
  const stopped = () => new OperationAbortedError(`${what} stopped waiting: ${host.scope.description} was aborted.`);
  if (signal.aborted) return Promise.reject(stopped());
  return new Promise<Operation>((resolve, reject) => {
    const wait = suspension.addServiceWait(dueAt(current));
    const cleanup = () => {
      unsubscribe();
      signal.removeEventListener('abort', onAbort);
      wait.release();
    };
    const unsubscribe = state.subscribe(id, (operation) => {
      if (isDone(operation)) {
        cleanup();
        resolve(operation);
      } else {
        wait.setDueAt(dueAt(operation));
      }
    });
    const onAbort = () => {
      cleanup();
      reject(stopped());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Settles with `promise`, or rejects with {@link OperationAbortedError} as soon as `signal` fires. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  const stopped = () => new OperationAbortedError(`${what} stopped waiting: its context was aborted.`);
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(stopped());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => undefined);
      reject(stopped());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Epoch ms of a service timestamp, if present: a `Date` from the client, or the raw epoch seconds
 * (or an ISO string) an invocation event may carry.
 */
export function epochMs(value: Date | number | string | undefined): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}
