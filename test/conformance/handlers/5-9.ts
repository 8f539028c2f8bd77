// 5.9: invoke, then wait 1 s; the replay after the wait returns the recorded invoke result.
import { withDurableExecution } from 'cdk-durable-function/runtime';
import { ECHO_TARGET } from './support/targets';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  const result = await ctx.invoke(ECHO_TARGET, { value: 'cached' });
  await ctx.wait({ seconds: 1 });
  return result;
});
