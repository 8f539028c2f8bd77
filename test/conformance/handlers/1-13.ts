// 1.13: a step that fails its first two attempts and succeeds on the third, with the default retry strategy.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  return ctx.step(async ({ attempt }) => {
    if (attempt < 3) throw new Error(`attempt ${attempt} fails`);
    return `succeeded on attempt ${attempt}`;
  });
});
