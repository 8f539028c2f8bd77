/**
 * The soak's workflows: five realistic shapes (sequential steps with a retry, a parallel of 10 with
 * maxConcurrency 3, a map, a child context with a 5-minute wait, a callback answered from outside).
 * Every step body is an "effect" reported to a {@link EffectLedger}, which notices a body that runs
 * again after its result was already recorded (a duplicated effect).
 */
import { withDurableExecution, type DurableContext, type StepContext } from '../../runtime';
import type { DurableHandler, InProcessDurableService } from '../../local/testing';

/** The workflow kinds of the soak. */
export type SoakWorkflow = 'sequential' | 'parallel' | 'map' | 'child-wait' | 'callback';

export const SOAK_WORKFLOWS: readonly SoakWorkflow[] = ['sequential', 'parallel', 'map', 'child-wait', 'callback'];

/** Counts effects by (execution, operation) and catches a body that runs again after its success was recorded. */
export class EffectLedger {
  readonly runs = new Map<string, number>();
  /** Effects applied again although their step's SUCCEEDED was already stored. */
  duplicated = 0;

  constructor(private readonly svc: InProcessDurableService) {}

  /** Records one run of a step body. */
  apply(ctx: DurableContext, step: StepContext): void {
    const key = `${ctx.executionArn}|${step.operationId}`;
    this.runs.set(key, (this.runs.get(key) ?? 0) + 1);
    const stored = this.svc.core.getOperations(ctx.executionArn).find((op) => op.Id === step.operationId);
    if (stored?.Status === 'SUCCEEDED') this.duplicated++;
  }

  /** True when the step body of that operation ran at least once. */
  ran(executionArn: string, operationId: string): boolean {
    return (this.runs.get(`${executionArn}|${operationId}`) ?? 0) > 0;
  }
}

/** The result a workflow must return for `n` (what "wrong" is checked against). */
export function expectedResult(kind: SoakWorkflow, n: number, mapSize: number): unknown {
  switch (kind) {
    case 'sequential':
      return [1, 2, 3, 4, 5].reduce((sum, i) => sum + n * 10 + i, 0);
    case 'parallel':
      return Array.from({ length: 10 }, (_, i) => n + i).reduce((a, b) => a + b, 0);
    case 'map':
      return Array.from({ length: mapSize }, (_, i) => (n + i) * 2).reduce((a, b) => a + b, 0);
    case 'child-wait':
      return n * 3 + 1;
    case 'callback':
      return { approved: n };
  }
}

/** How many STEP operations (effects) a workflow records (waitForCallback's submitter is one). */
export function expectedSteps(kind: SoakWorkflow, mapSize: number): number {
  switch (kind) {
    case 'sequential':
      return 5;
    case 'parallel':
      return 10;
    case 'map':
      return mapSize;
    case 'child-wait':
      return 2;
    case 'callback':
      return 1;
  }
}

/** Builds the durable handler of one workflow kind. */
export function soakHandler(kind: SoakWorkflow, svc: InProcessDurableService, ledger: EffectLedger, mapSize: number): DurableHandler {
  const options = { client: svc.client, logger: { level: 'ERROR' as const } };
  switch (kind) {
    case 'sequential':
      return withDurableExecution<{ n: number }, number>(async ({ n }, ctx) => {
        let sum = 0;
        for (let i = 1; i <= 5; i++) {
          sum += await ctx.step(
            `s${i}`,
            async (step) => {
              ledger.apply(ctx, step);
              // The second step fails its first attempt: a real retry, 1 s later.
              if (i === 2 && step.attempt === 1) throw new Error('transient');
              return n * 10 + i;
            },
            { retryStrategy: (_e, attempt) => ({ shouldRetry: attempt < 3, delay: { seconds: 1 } }) },
          );
        }
        return sum;
      }, options);
    case 'parallel':
      return withDurableExecution<{ n: number }, number>(async ({ n }, ctx) => {
        const branches = Array.from({ length: 10 }, (_, i) => async (branch: DurableContext) =>
          branch.step(`b${i}`, async (step) => {
            ledger.apply(branch, step);
            return n + i;
          }),
        );
        const result = await ctx.parallel('fan-out', branches, { maxConcurrency: 3 });
        result.throwIfError();
        return result.getResults().reduce((a, b) => a + b, 0);
      }, options);
    case 'map':
      return withDurableExecution<{ n: number }, number>(async ({ n }, ctx) => {
        const items = Array.from({ length: mapSize }, (_, i) => n + i);
        const result = await ctx.map('double', items, async (item, value) =>
          item.step('double', async (step) => {
            ledger.apply(item, step);
            return value * 2;
          }),
        );
        result.throwIfError();
        return result.getResults().reduce((a, b) => a + b, 0);
      }, options);
    case 'child-wait':
      return withDurableExecution<{ n: number }, number>(async ({ n }, ctx) =>
        ctx.runInChildContext('child', async (child) => {
          const a = await child.step('before', async (step) => {
            ledger.apply(child, step);
            return n;
          });
          await child.wait('five-minutes', { minutes: 5 });
          const b = await child.step('after', async (step) => {
            ledger.apply(child, step);
            return n * 2 + 1;
          });
          return a + b;
        }), options);
    case 'callback':
      return withDurableExecution<{ n: number }, unknown>(async ({ n }, ctx) =>
        ctx.waitForCallback('approval', async (callbackId, step) => {
          ledger.apply(ctx, step);
          // Half the callbacks are answered at once, racing the invocation that is about to
          // suspend on them; the driver answers the other half later (see answersItself).
          if (answersItself(n)) setImmediate(() => answerCallback(svc, callbackId, n));
        }, { timeout: { minutes: 10 } }), options);
  }
}

/** Whether the callback workflow's submitter answers its own callback at once (racing the suspension). */
export function answersItself(n: number): boolean {
  return n % 2 === 0;
}

/** Completes a callback as an outside system would; a repeat (a re-run submitter) is ignored. */
export function answerCallback(svc: InProcessDurableService, callbackId: string, n: number): void {
  try {
    svc.core.sendCallbackSuccess(callbackId, JSON.stringify({ approved: n }));
  } catch (error) {
    if (!/already|no longer|not found/i.test((error as Error).message)) throw error;
  }
}
