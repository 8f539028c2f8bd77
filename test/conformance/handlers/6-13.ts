// 6.13: two waitForConditions in a row; the first (0 → 2) seeds the second (2 → 4).
import { withDurableExecution } from 'cdk-durable-function/runtime';

const untilAtLeast = (limit: number) => (count: number) =>
  count < limit ? ({ shouldContinue: true, delay: { seconds: 1 } } as const) : ({ shouldContinue: false } as const);

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  const first = await ctx.waitForCondition(async (count: number) => count + 1, { initialState: 0, waitStrategy: untilAtLeast(2) });
  return ctx.waitForCondition(async (count: number) => count + 1, { initialState: first, waitStrategy: untilAtLeast(4) });
});
