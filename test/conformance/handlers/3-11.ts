// 3.11: a child context whose result (> 256 KB) is too large to checkpoint, so it is rebuilt by
// re-running the child over its recorded step on replay. The child logs the input with replay
// logging on, which makes the re-run observable.
import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

/** Copies of the step's small value in the child's result: 40 000 × 8 characters ≈ 312 KB. */
const COPIES = 40_000;

export const handler = withDurableExecution(
  async (input: string, ctx) => {
    const large = await ctx.runInChildContext('large-result', async (child) => {
      child.logger.info(`building a large result from ${input}`);
      const small = await child.step(async () => input);
      return small.repeat(COPIES);
    });
    await ctx.wait(Duration.seconds(1));
    return { length: large.length, rebuiltCorrectly: large === input.repeat(COPIES) };
  },
  { logger: { logDuringReplay: true } },
);
