/**
 * Scenario 1, happy path: three named branches that all succeed.
 *
 * @example
 * // input: {"orderId": "o-1"}  →  result: ["alpha-o-1", "beta-o-1", "gamma-o-1"]
 */
import type { DurableContext } from 'cdk-durable-function/runtime';

/** The input every scenario receives. */
export interface OrderInput {
  readonly orderId: string;
}

/** Fans out to `alpha`, `beta` and `gamma` and returns their labels in branch order. */
export async function handler(input: OrderInput, ctx: DurableContext): Promise<string[]> {
  const label = (branch: string) => async (): Promise<string> => `${branch}-${input.orderId}`;
  const batch = await ctx.parallel('fanout', [
    { name: 'alpha', func: label('alpha') },
    { name: 'beta', func: label('beta') },
    { name: 'gamma', func: label('gamma') },
  ]);
  return batch.getResults();
}
