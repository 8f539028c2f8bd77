// 5.7: invoke a target with a payload near the size limit; return a summary of what came back.
import { withDurableExecution } from 'cdk-durable-function/runtime';
import { ECHO_TARGET } from './support/targets';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  // 200 KB of data: below the 256 KB the service stores per chained-invoke input and result.
  const large = { data: 'x'.repeat(200 * 1024) };
  const echoed = await ctx.invoke<typeof large, typeof large>('large', ECHO_TARGET, large);
  return { size: echoed.data.length };
});
