/**
 * Test support for batches decided early: one workflow shape shared by the tests of abandoned
 * branches. It runs a parallel (or a map over the branch names) of the given branches, then a
 * one-second wait, so a later invocation replays the closed batch, and returns a summary of the
 * batch's result (or of the result a ParallelError/MapError carried).
 */
import { Duration, MapError, ParallelError, type BatchResult, type CompletionConfig, type DurableContext } from '../../runtime';
import type { RunResult } from '../../local/testing';

export type Nesting = 'NESTED' | 'FLAT';
export type Kind = 'parallel' | 'map';

/** What {@link batchThenWait} returns. */
export interface BatchSummary {
  readonly rejected: string | undefined;
  readonly reason: string;
  readonly statuses: string[];
  readonly results: string[];
  readonly errors: string[];
}

/** The workflow: the batch named `batch` over `branches` (by name), then the wait `after`. */
export function batchThenWait(
  kind: Kind,
  nesting: Nesting,
  completionConfig: CompletionConfig,
  branches: Readonly<Record<string, (c: DurableContext) => Promise<string>>>,
): (input: unknown, ctx: DurableContext) => Promise<BatchSummary> {
  const names = Object.keys(branches);
  return async (_input, ctx) => {
    let result: BatchResult<string>;
    let rejected: string | undefined;
    try {
      result =
        kind === 'parallel'
          ? await ctx.parallel('batch', names.map((name) => ({ name, func: branches[name] })), { nesting, completionConfig })
          : await ctx.map('batch', names, async (c, name) => branches[name](c), { nesting, completionConfig, itemNamer: (name) => name });
    } catch (error) {
      if (!(error instanceof ParallelError || error instanceof MapError)) throw error;
      result = error.result as BatchResult<string>;
      rejected = error.name;
    }
    await ctx.wait('after', Duration.seconds(1));
    return {
      rejected,
      reason: result.completionReason,
      statuses: result.all.map((item) => `${item.name}:${item.status}`),
      results: result.getResults(),
      errors: result.getErrors().map((error) => error.message),
    };
  };
}

/** Every operation of a run but the execution, as `Type SubType Name Id parent=ParentId Status`, sorted. */
export function operationLines(run: RunResult): string[] {
  return run.operations
    .filter((op) => op.Type !== 'EXECUTION')
    .map((op) => `${op.Type} ${op.SubType} ${op.Name ?? '-'} ${op.Id} parent=${op.ParentId ?? '-'} ${op.Status}`)
    .sort();
}

/** The operation events of each invocation of a run, as `EventType Name`. */
export function eventsByInvocation(run: RunResult): string[][] {
  const invocations: string[][] = [[]];
  for (const event of run.history) {
    if (event.EventType === 'InvocationCompleted') invocations.push([]);
    else if (!String(event.EventType).startsWith('Execution')) invocations[invocations.length - 1].push(`${event.EventType} ${event.Name ?? '-'}`);
  }
  return invocations.filter((events) => events.length > 0);
}
