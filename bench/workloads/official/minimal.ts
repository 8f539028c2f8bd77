/** The minimal workflow on the official AWS runtime, for bundle size and cold start: one step. */
import { withDurableExecution } from '@aws/durable-execution-sdk-js';

export const handler = withDurableExecution(async (input: { name?: string }, ctx) => ctx.step('greet', async () => `hello ${input.name ?? 'world'}`));
