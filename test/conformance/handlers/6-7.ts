// 6.7: the check throws on its first run; nothing catches it, so the execution fails.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  return ctx.waitForCondition(
    async (): Promise<number> => {
      throw new Error('the status service is down');
    },
    { initialState: 0, waitStrategy: () => ({ shouldContinue: true, delay: { seconds: 1 } }) },
  );
});
