// A durable target that returns its input unchanged.
import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (input: unknown) => input);
