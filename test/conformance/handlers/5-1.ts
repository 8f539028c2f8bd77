// 5.1: invoke an echo target with the input; return its result.
import { withDurableExecution } from 'cdk-durable-function/runtime';
import { ECHO_TARGET } from './support/targets';

export const handler = withDurableExecution(async (input: string, ctx) => {
  // The input is a string: the named form keeps it from being read as (name, functionName).
  return ctx.invoke(undefined, ECHO_TARGET, input);
});
