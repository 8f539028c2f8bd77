// 5.11: a step, then an invoke with the step's result.
import { withDurableExecution } from 'cdk-durable-function/runtime';
import { ECHO_TARGET } from './support/targets';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  const prepared = await ctx.step(async () => ({ prepared: true }));
  return ctx.invoke(ECHO_TARGET, prepared);
});
