// 9.19: an operation-level serdes stores the whole map result as "OPSERDE:<results joined by ,>"
// and rebuilds the batch result from that text; items keep the default serdes.
import { BatchResult, Serdes, withDurableExecution } from 'cdk-durable-function/runtime';

const PREFIX = 'OPSERDE:';

const wholeResult: Serdes<BatchResult<string>> = {
  serialize: (result) => PREFIX + result.getResults().join(','),
  deserialize: (data) => {
    if (data === undefined || !data.startsWith(PREFIX)) throw new Error(`not an OPSERDE payload: ${String(data)}`);
    const body = data.slice(PREFIX.length);
    const results = body === '' ? [] : body.split(',');
    return BatchResult.from<string>({
      completionReason: 'ALL_COMPLETED',
      all: results.map((result, index) => ({ index, name: String(index), status: 'SUCCEEDED', result })),
    });
  },
};

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  const result = await ctx.map('op-serde', ['x', 'y'], async (_ctx, item) => item.toUpperCase(), {
    maxConcurrency: 1,
    serdes: wholeResult,
  });
  return result.getResults();
});
