// 3.17: a child context that only logs the input and returns it, then a wait. With replay logging
// on, a re-run of the completed child on replay would log the input a second time.
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(
  async (input: string, ctx) => {
    const result = await ctx.runInChildContext('logging-child', async (child) => {
      child.logger.info(`child received ${input}`);
      return input;
    });
    await ctx.wait(Duration.seconds(1));
    return result;
  },
  { logger: { logDuringReplay: true } },
);
