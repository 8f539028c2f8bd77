/**
 * The test-loop workflows on the official AWS runtime, written as its documentation shows, as
 * handlers for the official testing package's LocalDurableTestRunner.
 */
import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';
import { valueOf, type TestCase } from './cases';

export const HANDLERS: Record<TestCase['id'], ReturnType<typeof withDurableExecution>> = {
  retries: withDurableExecution(async (input: { failures: number }, ctx: DurableContext) =>
    ctx.step(
      'flaky',
      async ({ attempt }) => {
        if (attempt <= input.failures) throw new Error(`attempt ${attempt} fails`);
        return attempt;
      },
      { retryStrategy: (_error, attemptCount) => ({ shouldRetry: attemptCount < 3, delay: { seconds: 1 } }) },
    ),
  ),
  wait: withDurableExecution(async (input: { name: string }, ctx: DurableContext) => {
    const hello = await ctx.step('hello', async () => `hello ${input.name}`);
    await ctx.wait('pause', { seconds: 30 });
    const bye = await ctx.step('bye', async () => `bye ${input.name}`);
    return `${hello}, ${bye}`;
  }),
  callback: withDurableExecution(async (input: { order: number }, ctx: DurableContext) => {
    const answer = await ctx.waitForCallback<string>('approval', async () => undefined);
    return `${answer} order ${input.order}`;
  }),
  parallel: withDurableExecution(async (input: { branches: number }, ctx: DurableContext) => {
    const branches = Array.from({ length: input.branches }, (_, i) => (branch: DurableContext) => branch.step(`b${i}`, async () => valueOf(i)));
    return (await ctx.parallel('fan-out', branches)).getResults();
  }),
  map100: withDurableExecution(async (input: { items: number }, ctx: DurableContext) => {
    const items = Array.from({ length: input.items }, (_, i) => i);
    return (await ctx.map('each', items, (item, _value, i) => item.step(`m${i}`, async () => valueOf(i)))).getResults();
  }),
};
