/**
 * Recorded operations the new code never reaches. No determinism check at an operation can see
 * them: a step removed from the end of a workflow, or ids that all changed (a re-nested or
 * renamed parent, another id scheme), leave the new code asking only for operations the
 * recording does not have. The runtime's replay-only invocation reports what it reached
 * ({@link ReplayTraceData}); every recorded operation it was expected to reach and did not is a
 * divergence.
 */
import type { Operation } from '@aws-sdk/client-lambda';

/**
 * The handler-output field of a replay-only invocation's trace. It must equal the runtime's
 * `REPLAY_TRACE_OUTPUT_KEY` (runtime/invocation/replay-trace.ts); `local/` does not import runtime code.
 */
export const REPLAY_TRACE_OUTPUT_KEY = 'CdkDurableFunctionReplayTrace';

/** What a replay-only invocation reached (see the runtime's `ReplayTraceData`). */
export interface ReplayTraceData {
  /** Recorded operations the code asked for. */
  readonly visited: readonly string[];
  /** Recorded operations whose recorded descendants the code deliberately does not run. */
  readonly answered: readonly string[];
}

/** The first recorded operation the new code never reached. */
export interface UnreachedOperation {
  readonly operation: Operation;
  /** 1-based position among the recorded operations of its context. */
  readonly position: number;
  /** Its context, when not the root. */
  readonly parent?: Operation;
  /** How many recorded operations in all were not reached (this one included). */
  readonly count: number;
}

/**
 * Reads the trace from a replay-only invocation's output; undefined when the bundled runtime
 * does not report one.
 *
 * @example
 * const trace = readReplayTrace(outcome.output);
 */
export function readReplayTrace(output: unknown): ReplayTraceData | undefined {
  const trace = (output as Record<string, unknown> | undefined)?.[REPLAY_TRACE_OUTPUT_KEY] as Partial<ReplayTraceData> | undefined;
  if (!trace || !Array.isArray(trace.visited) || !Array.isArray(trace.answered)) return undefined;
  return { visited: trace.visited, answered: trace.answered };
}

/**
 * The recorded operations the new code was expected to reach, and did not, in recorded order.
 *
 * A recorded operation is expected to be reached unless the code had no reason to: it is the
 * EXECUTION itself; or it, or a context above it, was answered from its stored outcome without
 * running its body (a finished child context, parallel or map replayed from its stored result, a
 * batch branch the recording left unfinished that a rebuild skips); or a context above it that
 * the code reached is one whose rerun the replay only infers (`lenient`: a context that succeeded
 * without a result, which the service replays from its record when the function returned
 * nothing).
 *
 * @example
 * const first = firstUnreached(operations, trace, new Set(inferredReplayChildren));
 */
export function firstUnreached(operations: readonly Operation[], trace: ReplayTraceData, lenient: ReadonlySet<string>): UnreachedOperation | undefined {
  const byId = new Map<string, Operation>();
  for (const op of operations) if (op.Id !== undefined) byId.set(op.Id, op);
  const visited = new Set(trace.visited);
  const answered = new Set(trace.answered);
  const excused = (op: Operation): boolean => {
    if (answered.has(op.Id as string)) return true;
    // Ancestors, at most as many as there are operations (a malformed history could loop).
    let parentId = op.ParentId;
    for (let hops = 0; parentId !== undefined && hops <= byId.size; hops += 1) {
      if (answered.has(parentId) || (lenient.has(parentId) && visited.has(parentId))) return true;
      parentId = byId.get(parentId)?.ParentId;
    }
    return false;
  };
  const unreached = operations.filter((op) => op.Type !== 'EXECUTION' && op.Id !== undefined && !visited.has(op.Id) && !excused(op));
  const first = unreached[0];
  if (!first) return undefined;
  const siblings = operations.filter((op) => op.Type !== 'EXECUTION' && op.ParentId === first.ParentId);
  const parent = first.ParentId === undefined ? undefined : byId.get(first.ParentId);
  return { operation: first, position: siblings.indexOf(first) + 1, ...(parent ? { parent } : {}), count: unreached.length };
}
