/** The minimal workflow on this package's runtime, for bundle size and cold start: one step. */
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (input: { name?: string }, ctx) => ctx.step('greet', () => `hello ${input.name ?? 'world'}`));
