/**
 * Workload "concurrent hour waits" on this package's runtime: one step, a one-hour wait (left out
 * when `wait` is false, for the baseline), one step.
 */
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (input: { n: number; wait?: boolean }, ctx) => {
  const before = await ctx.step('before', async () => input.n);
  if (input.wait !== false) await ctx.wait('one-hour', Duration.hours(1));
  return ctx.step('after', async () => before + 1);
});
