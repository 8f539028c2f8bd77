/**
 * What the runtime sees of an execution's operations: pages of its state (InitialExecutionState,
 * GetDurableExecutionState, §3.2) and the changes a checkpoint response delivers (§3.1).
 */
import type { Operation } from '@aws-sdk/client-lambda';
import { deepCopy } from './clone';
import { encodeMarker } from './pagination';
import type { ExecutionRecord } from './records';

/** One page of operations, with the marker of the next one while more remain. */
export interface StatePage {
  Operations: Operation[];
  NextMarker?: string;
}

/**
 * A page of operations in start order, from position `start`, without the descendants of a
 * completed CONTEXT that does not ask for ReplayChildren (§3.2): a replay never re-enters it.
 *
 * @example statePage(exec, 0, 100).Operations[0].Type // 'EXECUTION'
 */
export function statePage(exec: ExecutionRecord, start: number, size: number): StatePage {
  const hidden = new Set<string>();
  for (const { op } of exec.operations) {
    if (op.ParentId === undefined) continue;
    const parent = exec.operationsById.get(op.ParentId)?.op;
    const parentClosedWithoutChildren =
      parent?.Type === 'CONTEXT' &&
      (parent.Status === 'SUCCEEDED' || parent.Status === 'FAILED') &&
      parent.ContextDetails?.ReplayChildren !== true;
    // Start order puts a parent before its children, so one pass hides whole subtrees.
    if (hidden.has(op.ParentId) || parentClosedWithoutChildren) hidden.add(op.Id as string);
  }
  const operations: Operation[] = [];
  let pos = start;
  for (; pos < exec.operations.length; pos++) {
    const { op } = exec.operations[pos];
    if (hidden.has(op.Id as string)) continue;
    if (operations.length === size) break;
    operations.push(deepCopy(op));
  }
  return pos < exec.operations.length ? { Operations: operations, NextMarker: encodeMarker('state', pos) } : { Operations: operations };
}

/** Copies of the operations changed after change number `seq`, in start order (NewExecutionState). */
export function changedSince(exec: ExecutionRecord, seq: number): Operation[] {
  return exec.operations.filter((r) => r.changeSeq > seq).map((r) => deepCopy(r.op));
}

/** Copies of every operation in start order, nothing hidden (hosts, diagnostics, tests). */
export function allOperations(exec: ExecutionRecord): Operation[] {
  return exec.operations.map((r) => deepCopy(r.op));
}
