/**
 * Workload "wide map" on the official AWS runtime: a map of items with no durable operation
 * inside (one context each), then waits; each invocation after a wait replays the map.
 */
import { withDurableExecution } from '@aws/durable-execution-sdk-js';
import { instrumented } from '../instrument';
import { WideMapInput, valueOf } from '../inputs';

export const handler = instrumented(
  withDurableExecution(async (input: WideMapInput, ctx) => {
    const items = Array.from({ length: input.items }, (_, i) => i);
    const result = await ctx.map('each', items, async (_itemCtx, _value, i) => valueOf(i));
    for (let i = 0; i < input.waits; i++) {
      await ctx.wait(`pause${i}`, { seconds: input.waitSeconds });
    }
    return result.getResults();
  }),
);
