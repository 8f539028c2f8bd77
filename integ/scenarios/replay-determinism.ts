/**
 * Scenario 6, replay determinism: each branch generates a random UUID in a step, then waits, so
 * the execution suspends and resumes; on replay every branch must get its recorded UUID back
 * instead of generating a new one.
 *
 * @example
 * // input: {"orderId": "o-1"}  →  result: ["<uuid of a>", "<uuid of b>", "<uuid of c>"]
 */
import { randomUUID } from 'node:crypto';
import { Duration, type DurableContext } from 'cdk-durable-function/runtime';

/** The input every scenario receives. */
export interface OrderInput {
  readonly orderId: string;
}

/** Runs branches `a`, `b` and `c`, each `generate` (step) then `boundary` (2 s wait). */
export async function handler(_input: OrderInput, ctx: DurableContext): Promise<string[]> {
  const branch = (name: string) => ({
    name,
    func: async (child: DurableContext): Promise<string> => {
      const id = await child.step('generate', async () => randomUUID());
      await child.wait('boundary', Duration.seconds(2));
      return id;
    },
  });
  const batch = await ctx.parallel('fanout', [branch('a'), branch('b'), branch('c')]);
  return batch.getResults();
}
