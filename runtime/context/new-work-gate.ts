import { OperationAbortedError } from '../errors';
import { unboundedSignal } from './abort';

/**
 * What a batch tells the operations of its branches about starting new work (a step's attempt,
 * the START of a wait, callback, invoke, child context or batch), keyed by the branch's signal.
 *
 * Two moments call for holding new work back, both in the gap between what the batch knows and
 * the abort of its branches:
 * - A branch the batch has given up (decided without it) is aborted at the end of the tick, so
 *   that siblings closing in the same tick keep their real status (parallel.md rule 5). Work it
 *   started in that gap would run for nothing: a step's function, side effects included, whose
 *   outcome is thrown away. It must finish what it started, not start more.
 * - A batch replaying a STARTED record learns its decision only as its branches replay their
 *   recorded outcomes; a branch that reaches new work meanwhile (a wait that has since ended)
 *   must not run ahead of outcomes that were recorded before it. New work waits until the
 *   recorded part of the batch has replayed; then it is either released or given up.
 */
interface BranchGate {
  /** The signal of the context the batch runs in. */
  readonly parent: AbortSignal;
  readonly batch: BatchGate;
  abandoned: boolean;
}

/** Shared by the branches of one batch run. */
export interface BatchGate {
  /** Settles when the batch's recorded outcomes have replayed; undefined when nothing is held. */
  replaying: Promise<void> | undefined;
}

const gates = new WeakMap<AbortSignal, BranchGate>();

/**
 * The signal of a batch branch running in the context whose signal is `parent`: an
 * {@link unboundedSignal} whose operations follow the batch's gate.
 */
export function branchSignal(controller: AbortController, parent: AbortSignal, batch: BatchGate): AbortSignal {
  const signal = unboundedSignal(controller);
  gates.set(signal, { parent, batch, abandoned: false });
  return signal;
}

/** Marks a branch its batch has given up: its abort follows; until then it starts nothing new. */
export function abandon(signal: AbortSignal): void {
  const gate = gates.get(signal);
  if (gate) gate.abandoned = true;
}

/**
 * Called before an operation starts new work in the context whose signal is `signal`: undefined
 * when it may start at once (the usual case, no promise turn is spent); otherwise a promise that
 * resolves when it may start, or rejects with {@link OperationAbortedError} (from `stopped`) when
 * the context is given up and aborted instead.
 */
export function beforeNewWork(signal: AbortSignal, stopped: () => OperationAbortedError): Promise<void> | undefined {
  let held: Array<Promise<void>> | undefined;
  for (let current: AbortSignal | undefined = signal; current; ) {
    const gate = gates.get(current);
    if (current.aborted || gate?.abandoned) return untilAborted(signal, stopped);
    if (gate?.batch.replaying) (held ??= []).push(gate.batch.replaying);
    current = gate?.parent;
  }
  if (!held) return undefined;
  return Promise.all(held).then(() => beforeNewWork(signal, stopped));
}

function untilAborted(signal: AbortSignal, stopped: () => OperationAbortedError): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    if (signal.aborted) reject(stopped());
    else signal.addEventListener('abort', () => reject(stopped()), { once: true });
  });
}
