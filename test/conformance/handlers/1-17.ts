// 1.17: an at-most-once step without retries that logs its input and then crashes the Lambda
// runtime; the replay finds the attempt interrupted and fails the step for good.
import { RetryPresets, StepSemantics, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (input: string, ctx) => {
  return ctx.step(
    'at_most_once_flaky_step',
    async ({ logger }) => {
      logger.info(`processing ${input}`);
      process.exit(1);
    },
    { semantics: StepSemantics.AtMostOncePerRetry, retryStrategy: RetryPresets.none() },
  );
});
