// 8.15: a per-branch serdes that stores each result as {"wrapped": value} and reads it back.
import { Serdes, withDurableExecution } from 'cdk-durable-function/runtime';

const wrapping: Serdes<string> = {
  serialize: (value) => JSON.stringify({ wrapped: value }),
  deserialize: (data) => (JSON.parse(data ?? 'null') as { wrapped: string }).wrapped,
};

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  const result = await ctx.parallel('serde', [async () => 'x', async () => 'y'], {
    maxConcurrency: 1,
    itemSerdes: wrapping,
  });
  return result.getResults();
});
