/** Workload "steps" on the official AWS runtime: sequential trivial steps in one invocation. */
import { withDurableExecution } from '@aws/durable-execution-sdk-js';
import { instrumented } from '../instrument';
import { StepsInput, valueOf } from '../inputs';

export const handler = instrumented(
  withDurableExecution(async (input: StepsInput, ctx) => {
    const values: number[] = [];
    for (let i = 0; i < input.steps; i++) {
      values.push(await ctx.step(`s${i}`, async () => valueOf(i)));
    }
    return values;
  }),
);
