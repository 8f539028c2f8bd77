// 5.3: invoke an echo target with a nested JSON input; return the echoed object.
import { withDurableExecution } from 'cdk-durable-function/runtime';
import { ECHO_TARGET } from './support/targets';

export const handler = withDurableExecution(async (input: { nested: unknown; source: string }, ctx) => {
  return ctx.invoke(ECHO_TARGET, input);
});
