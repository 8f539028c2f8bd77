/**
 * What a replay-only invocation (the replay gate) reports back besides its outcome: which recorded
 * operations the code reached, and which recorded operations it accounted for without reaching
 * them. The gate compares that with the recording to find recorded operations the new code never
 * reaches (a step removed at the end, ids that changed), which no determinism check at an
 * operation can see.
 */

/**
 * The handler-output field holding a replay-only invocation's {@link ReplayTraceData}. The service
 * never asks for a replay-only invocation, so it never sees this field.
 */
export const REPLAY_TRACE_OUTPUT_KEY = 'CdkDurableFunctionReplayTrace';

/**
 * The trace as the handler returns it.
 *
 * @example
 * { visited: ['1', '2', '3'], answered: ['2'], invokeTargets: { '3': 'pricing' } }
 */
export interface ReplayTraceData {
  /** Recorded operations the code asked for (whatever it then did with them). */
  readonly visited: string[];
  /**
   * Recorded operations whose recorded descendants the code deliberately does not run: a finished
   * context or batch answered from its stored outcome, a batch branch the recording left
   * unfinished (abandoned once the batch was decided) and that a rebuild therefore skips.
   */
  readonly answered: string[];
  /**
   * The function each recorded chained invoke the code reached now names, by operation id. The
   * target is not part of an operation's identity (a replay returns the recorded outcome whatever
   * it names), so only the gate can tell the code now calls another function.
   */
  readonly invokeTargets: Record<string, string>;
}

/**
 * Collects a replay-only invocation's trace (see {@link ReplayTraceData}).
 *
 * @example
 * const trace = new ReplayTrace();
 * trace.visit(id);
 */
export class ReplayTrace {
  private readonly visited = new Set<string>();
  private readonly answered = new Set<string>();
  private readonly invokeTargets: Record<string, string> = {};

  /** The code asked for recorded operation `id`. */
  visit(id: string): void {
    this.visited.add(id);
  }

  /** Recorded operation `id` and everything recorded under it need not be reached. */
  answer(id: string): void {
    this.answered.add(id);
  }

  /** Recorded chained invoke `id` now names `functionName`. */
  invoke(id: string, functionName: string): void {
    this.invokeTargets[id] = functionName;
  }

  toData(): ReplayTraceData {
    return { visited: [...this.visited], answered: [...this.answered], invokeTargets: { ...this.invokeTargets } };
  }
}
