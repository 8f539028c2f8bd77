/**
 * The test-loop workflows on this package's runtime, written as the README shows. Exported as
 * workflows (the in-process tests wrap them with the test service's client) and, in
 * `ours-handlers.ts`, as Lambda handlers (the bundle the HTTP service hosts).
 */
import { Duration, RetryPresets, type DurableWorkflow } from 'cdk-durable-function/runtime';
import { valueOf, type TestCase } from './cases';

const retries: DurableWorkflow<{ failures: number }, number> = async (input, ctx) =>
  ctx.step(
    'flaky',
    async ({ attempt }) => {
      if (attempt <= input.failures) throw new Error(`attempt ${attempt} fails`);
      return attempt;
    },
    { retryStrategy: RetryPresets.fixed({ maxAttempts: 3, delay: Duration.seconds(1) }) },
  );

const wait: DurableWorkflow<{ name: string }, string> = async (input, ctx) => {
  const hello = await ctx.step('hello', async () => `hello ${input.name}`);
  await ctx.wait('pause', Duration.seconds(30));
  const bye = await ctx.step('bye', async () => `bye ${input.name}`);
  return `${hello}, ${bye}`;
};

const callback: DurableWorkflow<{ order: number }, string> = async (input, ctx) => {
  const answer = await ctx.waitForCallback<string>('approval', async () => undefined);
  return `${answer} order ${input.order}`;
};

const parallel: DurableWorkflow<{ branches: number }, number[]> = async (input, ctx) => {
  const branches = Array.from({ length: input.branches }, (_, i) => (branch: Parameters<DurableWorkflow<unknown, number>>[1]) => branch.step(`b${i}`, async () => valueOf(i)));
  return (await ctx.parallel('fan-out', branches)).getResults();
};

const map100: DurableWorkflow<{ items: number }, number[]> = async (input, ctx) => {
  const items = Array.from({ length: input.items }, (_, i) => i);
  return (await ctx.map('each', items, (item, _value, i) => item.step(`m${i}`, async () => valueOf(i)))).getResults();
};

/** Each test's workflow. */
export const WORKFLOWS: Record<TestCase['id'], DurableWorkflow<never, unknown>> = { retries, wait, callback, parallel, map100 };
