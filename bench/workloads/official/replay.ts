/**
 * Workload "replay" on the official AWS runtime: many steps, a few waits, then the sum. Each
 * invocation after a wait replays every step from the stored history.
 */
import { withDurableExecution } from '@aws/durable-execution-sdk-js';
import { instrumented } from '../instrument';
import { ReplayInput, valueOf } from '../inputs';

export const handler = instrumented(
  withDurableExecution(async (input: ReplayInput, ctx) => {
    let sum = 0;
    for (let i = 0; i < input.steps; i++) {
      sum += await ctx.step(`s${i}`, async () => valueOf(i));
    }
    for (let i = 0; i < input.waits; i++) {
      await ctx.wait(`pause${i}`, { seconds: input.waitSeconds });
    }
    return sum;
  }),
);
