// 1.5: a step that returns null; the execution returns it.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  return ctx.step(async () => null);
});
