// 3.15: a child context that throws directly, without any durable operation; the execution fails.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  return ctx.runInChildContext('throwing-child', async (): Promise<string> => {
    throw new Error('the child body fails');
  });
});
