// 2.3: two named two-second waits in sequence.
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  await ctx.wait('wait-1', Duration.seconds(2));
  await ctx.wait('wait-2', Duration.seconds(2));
  return { completedWaits: 2 };
});
