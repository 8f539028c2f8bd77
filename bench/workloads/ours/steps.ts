/** Workload "steps" on this package's runtime: sequential trivial steps in one invocation. */
import { withDurableExecution } from 'cdk-durable-function/runtime';
import { instrumented } from '../instrument';
import { StepsInput, valueOf } from '../inputs';

export const handler = instrumented(
  withDurableExecution(async (input: StepsInput, ctx) => {
    const values: number[] = [];
    for (let i = 0; i < input.steps; i++) {
      values.push(await ctx.step(`s${i}`, () => valueOf(i)));
    }
    return values;
  }),
);
