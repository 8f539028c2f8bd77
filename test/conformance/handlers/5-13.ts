// 5.13: an invoke inside a child context; the child returns the invoke result.
import { withDurableExecution } from 'cdk-durable-function/runtime';
import { ECHO_TARGET } from './support/targets';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  return ctx.runInChildContext(async (child) => child.invoke(ECHO_TARGET));
});
