// 1.7: a step that writes two lines through its step logger and returns a greeting.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (name: string, ctx) => {
  return ctx.step(async ({ logger }) => {
    logger.info(`Greeting step started for: ${name}`);
    const greeting = `Hello, ${name}!`;
    logger.info(`Greeting step completed with: ${greeting}`);
    return greeting;
  });
});
