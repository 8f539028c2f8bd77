/**
 * `ctx.parallel` and `ctx.map` as users naturally write them: branches (or item returns) of
 * different result types, with no type argument. The type-check (`npm test` runs tsc over the
 * tests) is the main check: each `const x: Expected = await …` below fails to compile if the
 * inferred result type is wrong, and each `@ts-expect-error` fails if a mistake stops being caught.
 * The runs check the values are what the types promise.
 */
import { withDurableExecution, type BatchResult, type DurableContext, type Serdes } from '../../runtime';
import { InProcessDurableService } from '../../local/testing';

interface Charge { readonly chargeId: string; readonly amount: number }
interface Shipment { readonly trackingNumber: string }

let svc: InProcessDurableService;
beforeEach(() => {
  svc = new InProcessDurableService();
});
afterEach(() => svc.close());

const register = (name: string, workflow: (input: unknown, ctx: DurableContext) => Promise<unknown>): void => {
  svc.registerHandler(name, withDurableExecution(workflow, { client: svc.client }));
};

test('parallel: named branches of different result types give a BatchResult of their union', async () => {
  register('mixed-named', async (_input, ctx) => {
    const batch = await ctx.parallel('fulfil', [
      { name: 'charge', func: async (branch) => branch.step('charge', async (): Promise<Charge> => ({ chargeId: 'c-1', amount: 42 })) },
      { name: 'ship', func: async (branch) => branch.step('ship', async (): Promise<Shipment> => ({ trackingNumber: 'T-9' })) },
      { name: 'count', func: async (branch) => branch.step('count', async () => 3) },
    ]);
    const typed: BatchResult<Charge | Shipment | number> = batch;
    const results: Array<Charge | Shipment | number> = typed.getResults();
    return results;
  });
  const run = await svc.run('mixed-named');
  expect(run.status).toBe('SUCCEEDED');
  expect(run.result).toEqual([{ chargeId: 'c-1', amount: 42 }, { trackingNumber: 'T-9' }, 3]);
});

test('parallel: plain branch functions of different types, without a name, with a config', async () => {
  register('mixed-plain', async (_input, ctx) => {
    const batch = await ctx.parallel([
      async (branch) => branch.step(async () => 'text'),
      async (branch) => branch.step(async () => true),
    ], { maxConcurrency: 1 });
    const results: Array<string | boolean> = batch.getResults();
    return results;
  });
  const run = await svc.run('mixed-plain');
  expect(run.result).toEqual(['text', true]);
});

test('parallel: one result type still infers it, and an explicit type argument still checks branches', async () => {
  register('single', async (_input, ctx) => {
    const same = await ctx.parallel('same', [async () => 1, async () => 2]);
    const numbers: number[] = same.getResults();
    const explicit = await ctx.parallel<string>('explicit', [async () => 'a']);
    // @ts-expect-error a branch returning a number is not a branch of an explicit <string> parallel
    await ctx.parallel<string>('wrong', [async () => 1]).catch(() => undefined);
    return [...numbers, ...explicit.getResults()];
  });
  const run = await svc.run('single');
  expect(run.result).toEqual([1, 2, 'a']);
});

test('parallel: itemSerdes is typed with the union of the branch results', async () => {
  const seen: string[] = [];
  const serdes: Serdes<string | number> = {
    serialize: (value) => {
      seen.push(typeof value);
      return JSON.stringify(value);
    },
    deserialize: (text) => JSON.parse(text ?? 'null') as string | number,
  };
  register('serdes', async (_input, ctx) => {
    const batch = await ctx.parallel('with-serdes', [async () => 'one', async () => 2], { itemSerdes: serdes });
    return batch.getResults();
  });
  const run = await svc.run('serdes');
  expect(run.result).toEqual(['one', 2]);
  expect(seen).toEqual(expect.arrayContaining(['string', 'number']));
});

test('map: an item function whose returns differ in type gives their union', async () => {
  register('mixed-map', async (_input, ctx) => {
    const items = [1, 2, 3, 4];
    // Not async: the function returns one of two promise types.
    const batch = await ctx.map('classify', items, (itemCtx, item) =>
      item % 2 === 0 ? itemCtx.step(`even-${item}`, async () => `even ${item}`) : itemCtx.step(`odd-${item}`, async () => item * 10));
    const results: Array<string | number> = batch.getResults();
    const unnamed = await ctx.map(['x'], async (itemCtx, item) => itemCtx.step(async () => ({ item })));
    const objects: Array<{ item: string }> = unnamed.getResults();
    return [...results, ...objects];
  });
  const run = await svc.run('mixed-map');
  expect(run.status).toBe('SUCCEEDED');
  expect(run.result).toEqual([10, 'even 2', 30, 'even 4', { item: 'x' }]);
});
