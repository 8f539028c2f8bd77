// 1.9: a step then a one-second wait; the replay after the wait returns the step's stored result.
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  const value = await ctx.step(async ({ logger }) => {
    logger.info('step executed');
    return 'cached_value';
  });
  await ctx.wait(Duration.seconds(1));
  return value;
});
