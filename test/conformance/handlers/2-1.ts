// 2.1: a single two-second wait.
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  await ctx.wait(Duration.seconds(2));
});
