/**
 * The execution the viewer's benchmark draws: 3,000 operations, the service's limit — a map of
 * 1,499 items with `maxConcurrency: 5`, each item a child context running one step.
 */
import { withDurableExecution } from '../../runtime';

/** Items in the map: the execution + 1 map + 1,499 × (iteration + step) = 3,000 operations. */
export const VIEWER_BENCH_ITEMS = 1499;

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  const items = Array.from({ length: VIEWER_BENCH_ITEMS }, (_, index) => index);
  const batch = await ctx.map('items', items, async (child, item) => child.step('work', async () => item * 2), { maxConcurrency: 5 });
  return batch.getResults().reduce((sum, value) => sum + value, 0);
});
