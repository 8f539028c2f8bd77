/** Workload "map" on the official AWS runtime: one step per item. */
import { withDurableExecution } from '@aws/durable-execution-sdk-js';
import { instrumented } from '../instrument';
import { MapInput, valueOf } from '../inputs';

export const handler = instrumented(
  withDurableExecution(async (input: MapInput, ctx) => {
    const items = Array.from({ length: input.items }, (_, i) => i);
    const result = await ctx.map('each', items, (itemCtx, _value, i) => itemCtx.step(`m${i}`, async () => valueOf(i)));
    return result.getResults();
  }),
);
