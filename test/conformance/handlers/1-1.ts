// 1.1: a single step that returns a greeting for the input.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (name: string, ctx) => {
  return ctx.step(async () => `Hello, ${name}!`);
});
