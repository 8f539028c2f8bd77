/** Workload "concurrent hour waits" on this package's runtime: one step, a one-hour wait, one step. */
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (input: { n: number }, ctx) => {
  const before = await ctx.step('before', async () => input.n);
  await ctx.wait('one-hour', Duration.hours(1));
  return ctx.step('after', async () => before + 1);
});
