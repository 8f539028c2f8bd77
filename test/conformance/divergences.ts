/**
 * The deliberate, field-level differences between this project and recorded requirements.
 *
 * Only one kind is allowed (requirements README, "Known, intended divergence"): when a batch's
 * failure tolerance is exceeded, `parallel` / `map` reject with `ParallelError` / `MapError` and
 * close the batch's parent CONTEXT with FAIL, where the recorded runtimes always resolve and close
 * it with SUCCEED. Everything else must match.
 *
 * Example:
 * ```ts
 * declaredDivergences('8.13'); // [{ path: 'history[EventId=7].EventType', actual: 'ContextFailed', … }]
 * ```
 */
import { eventPath } from './compare';
import type { DeclaredDivergence } from './verdict';

function batchClosedWithFail(eventId: number, kind: 'Parallel' | 'Map'): DeclaredDivergence[] {
  const error = kind === 'Parallel' ? 'ParallelError' : 'MapError';
  const op = kind === 'Parallel' ? 'ctx.parallel' : 'ctx.map';
  return [
    {
      path: `${eventPath(eventId)}.EventType`,
      actual: 'ContextFailed',
      reason: `failure tolerance exceeded: ${op} rejects with ${error} and closes the ${kind} context with FAIL, not SUCCEED (spec/parallel.md rules 6-7)`,
    },
    {
      path: `${eventPath(eventId)}.ContextSucceededDetails`,
      actual: undefined,
      reason: `the closing event is ContextFailed, so its details are ContextFailedDetails (ErrorType ${error}, batch summary in ErrorData)`,
    },
  ];
}

const DIVERGENCES: Readonly<Record<string, readonly DeclaredDivergence[]>> = {
  // parallel, tolerated-failure-count=0 exceeded by branch 0; the handler rethrows from error.result
  '8.7': batchClosedWithFail(5, 'Parallel'),
  // parallel, tolerated-failure-percentage 25 % exceeded by the second failed branch
  '8.13': batchClosedWithFail(7, 'Parallel'),
  // map, tolerated-failure-count=0 exceeded by item 1
  '9.5': batchClosedWithFail(7, 'Map'),
  // map, tolerated-failure-count=1 exceeded by item 1
  '9.9': batchClosedWithFail(7, 'Map'),
};

/** The divergences declared for a requirement id (empty when it must match exactly). */
export function declaredDivergences(id: string): readonly DeclaredDivergence[] {
  return DIVERGENCES[id] ?? [];
}
