/** Workload "waits" on this package's runtime: sequential waits, one invocation each. */
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';
import { instrumented } from '../instrument';
import { WaitsInput } from '../inputs';

export const handler = instrumented(
  withDurableExecution(async (input: WaitsInput, ctx) => {
    for (let i = 0; i < input.waits; i++) {
      await ctx.wait(`w${i}`, Duration.seconds(input.waitSeconds));
    }
    return input.waits;
  }),
);
