/**
 * The bench's workload shapes as workflows on this runtime (the same code as
 * bench/workloads/ours/*.ts), for the tests that run them on the in-process service at small sizes.
 */
import { Duration, type BranchFunction, type DurableContext } from '../../runtime';
import { valueOf, type MapInput, type ParallelInput, type ReplayInput, type StepsInput, type WaitsInput, type WideMapInput } from '../../bench/workloads/inputs';

export type Workflow = (input: never, ctx: DurableContext) => Promise<unknown>;

export const workflows: Record<string, Workflow> = {
  steps: async (input: StepsInput, ctx) => {
    const out: number[] = [];
    for (let i = 0; i < input.steps; i++) out.push(await ctx.step(`s${i}`, async () => valueOf(i)));
    return out;
  },
  parallel: async (input: ParallelInput, ctx) => {
    const branches: Array<BranchFunction<number>> = Array.from({ length: input.branches }, (_, i) => (b) => b.step(`b${i}`, async () => valueOf(i)));
    return (await ctx.parallel('fan-out', branches, input.maxConcurrency === undefined ? {} : { maxConcurrency: input.maxConcurrency })).getResults();
  },
  map: async (input: MapInput, ctx) =>
    (await ctx.map('each', Array.from({ length: input.items }, (_, i) => i), (item, _v, i) => item.step(`m${i}`, async () => valueOf(i)))).getResults(),
  'wide-map': async (input: WideMapInput, ctx) => {
    const result = await ctx.map('each', Array.from({ length: input.items }, (_, i) => i), async (_item, _v, i) => valueOf(i));
    for (let i = 0; i < input.waits; i++) await ctx.wait(`pause${i}`, Duration.seconds(input.waitSeconds));
    return result.getResults().length;
  },
  replay: async (input: ReplayInput, ctx) => {
    let sum = 0;
    for (let i = 0; i < input.steps; i++) sum += await ctx.step(`s${i}`, async () => valueOf(i));
    for (let i = 0; i < input.waits; i++) await ctx.wait(`pause${i}`, Duration.seconds(input.waitSeconds));
    return sum;
  },
  waits: async (input: WaitsInput, ctx) => {
    for (let i = 0; i < input.waits; i++) await ctx.wait(`w${i}`, Duration.seconds(input.waitSeconds));
    return input.waits;
  },
};
