// 5.5: invoke a target that throws; the InvokeError is not caught, so the execution fails.
import { withDurableExecution } from 'cdk-durable-function/runtime';
import { FAILING_TARGET } from './support/targets';

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  return ctx.invoke(FAILING_TARGET);
});
