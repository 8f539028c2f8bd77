// 6.11: a string state kept through a custom serdes; append "x" per check until the length is 2.
import { withDurableExecution, type Serdes } from 'cdk-durable-function/runtime';

// Stores the state base64-encoded, so a wrong decode would show in the result.
const base64: Serdes<string> = {
  serialize: (value) => Buffer.from(value, 'utf8').toString('base64'),
  deserialize: (text) => Buffer.from(text ?? '', 'base64').toString('utf8'),
};

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  return ctx.waitForCondition(async (state: string) => `${state}x`, {
    initialState: '',
    serdes: base64,
    waitStrategy: (state) => (state.length < 2 ? { shouldContinue: true, delay: { seconds: 1 } } : { shouldContinue: false }),
  });
});
