/**
 * Recorded operations the new code never reaches. No determinism check at an operation can see
 * them: a step removed from the end of a workflow, or ids that all changed (a re-nested or
 * renamed parent, another id scheme), leave the new code asking only for operations the
 * recording does not have. The runtime's replay-only invocation reports what it reached
 * ({@link ReplayTraceData}); every recorded operation it was expected to reach and did not is a
 * divergence.
 */
import type { Event, Operation } from '@aws-sdk/client-lambda';
import { parseFunctionReference, type FunctionReference } from '../core/arns';

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
  /** The function each recorded chained invoke the code reached now names, by operation id. */
  readonly invokeTargets: Readonly<Record<string, string>>;
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
  const targets = trace.invokeTargets !== null && typeof trace.invokeTargets === 'object' ? trace.invokeTargets : {};
  return { visited: trace.visited, answered: trace.answered, invokeTargets: targets };
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
  return { operation: first, ...placeOf(operations, first), count: unreached.length };
}

/** A recorded chained invoke whose target the new code changed. */
export interface RetargetedInvoke {
  readonly operation: Operation;
  readonly position: number;
  readonly parent?: Operation;
  readonly recordedTarget: string;
  readonly requestedTarget: string;
}

/**
 * The first recorded chained invoke (in recorded order) whose function the new code names
 * differently from the recording (`ChainedInvokeStartedDetails.FunctionName`).
 *
 * @example
 * const changed = firstRetargetedInvoke(operations, saved.events, trace);
 */
export function firstRetargetedInvoke(operations: readonly Operation[], events: readonly Event[], trace: ReplayTraceData): RetargetedInvoke | undefined {
  const recordedTargets = new Map<string, string>();
  for (const event of events) {
    const target = event.ChainedInvokeStartedDetails?.FunctionName;
    if (event.EventType === 'ChainedInvokeStarted' && event.Id !== undefined && target !== undefined) recordedTargets.set(event.Id, target);
  }
  for (const op of operations) {
    const recordedTarget = recordedTargets.get(op.Id as string);
    const requestedTarget = trace.invokeTargets[op.Id as string];
    if (recordedTarget === undefined || requestedTarget === undefined || sameTarget(recordedTarget, requestedTarget)) continue;
    const { position, parent } = placeOf(operations, op);
    return { operation: op, position, ...(parent ? { parent } : {}), recordedTarget, requestedTarget };
  }
  return undefined;
}

/**
 * True when two `FunctionName`s name the same function: a name, a partial ARN and a full ARN of it
 * are the same (the history may hold the form the service resolved); a qualifier counts only
 * when both give one. Identifiers the service would refuse are compared as written.
 */
function sameTarget(a: string, b: string): boolean {
  let x: FunctionReference;
  let y: FunctionReference;
  try {
    [x, y] = [parseFunctionReference(a), parseFunctionReference(b)];
  } catch {
    return a === b;
  }
  return x.functionName === y.functionName && (x.qualifier === undefined || y.qualifier === undefined || x.qualifier === y.qualifier);
}

/** An operation's 1-based position among the recorded operations of its context, and that context. */
function placeOf(operations: readonly Operation[], op: Operation): { position: number; parent?: Operation } {
  const siblings = operations.filter((other) => other.Type !== 'EXECUTION' && other.ParentId === op.ParentId);
  const parent = op.ParentId === undefined ? undefined : operations.find((other) => other.Id === op.ParentId);
  return { position: siblings.indexOf(op) + 1, ...(parent ? { parent } : {}) };
}
