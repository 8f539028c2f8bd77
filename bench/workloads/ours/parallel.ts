/** Workload "parallel" on this package's runtime: branches of one step each, optionally limited. */
import { withDurableExecution, type BranchFunction } from 'cdk-durable-function/runtime';
import { instrumented } from '../instrument';
import { ParallelInput, valueOf } from '../inputs';

export const handler = instrumented(
  withDurableExecution(async (input: ParallelInput, ctx) => {
    const branches: Array<BranchFunction<number>> = Array.from({ length: input.branches }, (_, i) => (branch) => branch.step(`b${i}`, () => valueOf(i)));
    const result = await ctx.parallel('fan-out', branches, input.maxConcurrency === undefined ? {} : { maxConcurrency: input.maxConcurrency });
    return result.getResults();
  }),
);
