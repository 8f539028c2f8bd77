// 2.5: a one-hour wait, recorded as 3600 seconds.
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  await ctx.wait(Duration.hours(1));
});
