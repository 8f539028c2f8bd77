/** Workload "map" on this package's runtime: one step per item. */
import { withDurableExecution } from 'cdk-durable-function/runtime';
import { instrumented } from '../instrument';
import { MapInput, valueOf } from '../inputs';

export const handler = instrumented(
  withDurableExecution(async (input: MapInput, ctx) => {
    const items = Array.from({ length: input.items }, (_, i) => i);
    const result = await ctx.map('each', items, (itemCtx, _value, i) => itemCtx.step(`m${i}`, () => valueOf(i)));
    return result.getResults();
  }),
);
