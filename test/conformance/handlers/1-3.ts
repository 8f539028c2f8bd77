// 1.3: two sequential steps; the second uses the first one's result.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  const first = await ctx.step(async () => 'first');
  return ctx.step(async () => `${first}_second`);
});
