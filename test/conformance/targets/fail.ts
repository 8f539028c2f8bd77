// A durable target that always fails.
import { withDurableExecution } from 'cdk-durable-function/runtime';

class TargetFailure extends Error {
  override readonly name = 'TargetFailure';
}

export const handler = withDurableExecution(async () => {
  throw new TargetFailure('the target failed on purpose');
});
