/** Workload "parallel" on the official AWS runtime: branches of one step each, optionally limited. */
import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';
import { instrumented } from '../instrument';
import { ParallelInput, valueOf } from '../inputs';

export const handler = instrumented(
  withDurableExecution(async (input: ParallelInput, ctx) => {
    const branches = Array.from({ length: input.branches }, (_, i) => (branch: DurableContext) => branch.step(`b${i}`, async () => valueOf(i)));
    const result = await ctx.parallel('fan-out', branches, input.maxConcurrency === undefined ? {} : { maxConcurrency: input.maxConcurrency });
    return result.getResults();
  }),
);
