// 4.13: a failed callback is caught; a 2 s wait; return the error message.
import { CallbackError, Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (name: string, ctx) => {
  const { promise } = await ctx.createCallback<string>(name);
  let message: string;
  try {
    message = await promise;
  } catch (error) {
    message = error instanceof CallbackError ? `rejected: ${error.message}` : 'unexpected error';
  }
  await ctx.wait(Duration.seconds(2));
  return message;
});
