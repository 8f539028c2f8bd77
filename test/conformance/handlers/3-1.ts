// 3.1: a child context holding one step that returns the input; the child returns the step result.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (input: string, ctx) => {
  return ctx.runInChildContext(async (child) => child.step(async () => input));
});
