/**
 * Scenario 4, first successful: four branches race with durable waits of 8 s, 1 s, 5 s and 6 s;
 * `firstSuccessful()` settles the batch as soon as `fastest` returns and aborts the others.
 *
 * @example
 * // input: {"orderId": "o-1"}
 * // result: {"winnerIndex": 1, "winnerName": "fastest", "winnerValue": 0,
 * //          "completionReason": "MIN_SUCCESSFUL_REACHED", "successCount": 1, "startedCount": 3}
 */
import { CompletionConfig, Duration, type DurableContext } from 'cdk-durable-function/runtime';

/** The input every scenario receives. */
export interface OrderInput {
  readonly orderId: string;
}

/** What the workflow returns. */
export interface RaceResult {
  readonly winnerIndex?: number;
  readonly winnerName?: string;
  readonly winnerValue?: number;
  readonly completionReason: string;
  readonly successCount: number;
  readonly startedCount: number;
}

/** A branch that sleeps durably for `seconds`, then returns `value`. */
function sleeper(name: string, seconds: number, value: number) {
  return {
    name,
    func: async (branch: DurableContext): Promise<number> => {
      await branch.wait('delay', Duration.seconds(seconds));
      return value;
    },
  };
}

/** Races `slowest` (8 s), `fastest` (1 s), `mid1` (5 s) and `mid2` (6 s). */
export async function handler(_input: OrderInput, ctx: DurableContext): Promise<RaceResult> {
  const batch = await ctx.parallel(
    'race',
    [sleeper('slowest', 8, 3), sleeper('fastest', 1, 0), sleeper('mid1', 5, 1), sleeper('mid2', 6, 2)],
    { completionConfig: CompletionConfig.firstSuccessful() },
  );
  const winner = batch.succeeded[0];
  return {
    winnerIndex: winner?.index,
    winnerName: winner?.name,
    winnerValue: winner?.result,
    completionReason: batch.completionReason,
    successCount: batch.successCount,
    startedCount: batch.startedCount,
  };
}
