/** Workload "waits" on the official AWS runtime: sequential waits, one invocation each. */
import { withDurableExecution } from '@aws/durable-execution-sdk-js';
import { instrumented } from '../instrument';
import { WaitsInput } from '../inputs';

export const handler = instrumented(
  withDurableExecution(async (input: WaitsInput, ctx) => {
    for (let i = 0; i < input.waits; i++) {
      await ctx.wait(`w${i}`, { seconds: input.waitSeconds });
    }
    return input.waits;
  }),
);
