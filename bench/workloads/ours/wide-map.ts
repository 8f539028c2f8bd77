/**
 * Workload "wide map" on this package's runtime: a map of items with no durable operation inside
 * (one context each), then waits; each invocation after a wait replays the map.
 */
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';
import { instrumented } from '../instrument';
import { WideMapInput, valueOf } from '../inputs';

export const handler = instrumented(
  withDurableExecution(async (input: WideMapInput, ctx) => {
    const items = Array.from({ length: input.items }, (_, i) => i);
    const result = await ctx.map('each', items, async (_itemCtx, _value, i) => valueOf(i));
    for (let i = 0; i < input.waits; i++) {
      await ctx.wait(`pause${i}`, Duration.seconds(input.waitSeconds));
    }
    return result.getResults();
  }),
);
