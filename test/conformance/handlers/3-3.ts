// 3.3: a child context with two sequential steps; the second passes the first one's result on.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (input: string, ctx) => {
  return ctx.runInChildContext('two-steps', async (child) => {
    const first = await child.step(async () => input);
    return child.step(async () => first);
  });
});
