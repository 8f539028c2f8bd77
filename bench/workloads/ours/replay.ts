/**
 * Workload "replay" on this package's runtime: many steps, a few waits, then the sum. Each
 * invocation after a wait replays every step from the stored history.
 */
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';
import { instrumented } from '../instrument';
import { ReplayInput, valueOf } from '../inputs';

export const handler = instrumented(
  withDurableExecution(async (input: ReplayInput, ctx) => {
    let sum = 0;
    for (let i = 0; i < input.steps; i++) {
      sum += await ctx.step(`s${i}`, () => valueOf(i));
    }
    for (let i = 0; i < input.waits; i++) {
      await ctx.wait(`pause${i}`, Duration.seconds(input.waitSeconds));
    }
    return sum;
  }),
);
