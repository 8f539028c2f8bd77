import { withDurableExecution, type DurableContext } from '../../runtime';
import { InProcessDurableService } from '../../local/testing';
import { checkpointCalls } from './support';

type Call = (ctx: DurableContext) => Promise<unknown>;
const branch = async () => 'x';

const cases: Array<[string, Call, RegExp]> = [
  ['maxConcurrency 0', (ctx) => ctx.parallel([branch], { maxConcurrency: 0 }), /maxConcurrency must be an integer >= 1.*got 0/],
  ['a fractional maxConcurrency', (ctx) => ctx.parallel([branch], { maxConcurrency: 1.5 }), /maxConcurrency must be an integer >= 1.*got 1\.5/],
  ['minSuccessful 0', (ctx) => ctx.parallel([branch], { completionConfig: { minSuccessful: 0 } }), /minSuccessful must be an integer >= 1/],
  ['a negative toleratedFailureCount', (ctx) => ctx.parallel([branch], { completionConfig: { toleratedFailureCount: -1 } }), /toleratedFailureCount must be an integer >= 0/],
  ['toleratedFailurePercentage above 1', (ctx) => ctx.parallel([branch], { completionConfig: { toleratedFailurePercentage: 25 } }), /ratio between 0 and 1 here \(0\.25 means 25 %, 1 means 100 %\); got 25\. @aws\/durable-execution-sdk-js takes this field as a percentage from 0 to 100; write 0\.25 for 25 %/],
  ['toleratedFailurePercentage below 0', (ctx) => ctx.parallel([branch], { completionConfig: { toleratedFailurePercentage: -0.1 } }), /ratio between 0 and 1/],
  ['a missing branch list', (ctx) => ctx.parallel(undefined as never), /needs an array of branches/],
  ['a null branch list', (ctx) => ctx.parallel('named', null as never), /parallel "named" needs an array of branches.*got null/],
  ['a non-function branch', (ctx) => ctx.parallel([branch, 42 as never]), /Branch #1 of parallel \(unnamed\) must be a function/],
  ['a named branch with a bad name', (ctx) => ctx.parallel([{ name: 'bad\u0007', func: branch }]), /U\+0007/],
  ['an unknown nesting', (ctx) => ctx.parallel([branch], { nesting: 'DEEP' as never }), /nesting must be 'NESTED' or 'FLAT'/],
  ['a serdes without functions', (ctx) => ctx.parallel([branch], { itemSerdes: {} as never }), /itemSerdes must be an object with serialize and deserialize/],
  ['map items that are not an array', (ctx) => ctx.map('m', 'abc' as never, async () => 1), /map "m" needs an array of items/],
  ['a map without a function', (ctx) => ctx.map([1], undefined as never), /needs a function \(ctx, item, index, signal\)/],
  ['an item namer returning a bad name', (ctx) => ctx.map([1], async () => 1, { itemNamer: () => '' }), /item #0 of map \(unnamed\) \(from itemNamer\) is empty/],
  ['map maxConcurrency -1', (ctx) => ctx.map([1], async () => 1, { maxConcurrency: -1 }), /maxConcurrency must be an integer >= 1/],
];

describe('parallel and map validation', () => {
  let svc: InProcessDurableService;
  beforeEach(() => {
    svc = new InProcessDurableService();
  });
  afterEach(() => svc.close());

  it.each(cases)('fails the execution for %s with a clear message, before any checkpoint', async (_title, call, message) => {
    svc.registerHandler(
      'invalid',
      withDurableExecution(
        async (_input, ctx) => {
          await call(ctx);
          return 'unreachable';
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('invalid');
    expect(run.status).toBe('FAILED');
    expect(run.error?.ErrorType).toBe('ValidationError');
    expect(run.error?.ErrorMessage).toMatch(message);
    expect(checkpointCalls(run.invocations[0].dataPlaneCalls)).toHaveLength(0);
    expect(run.history.map((e) => e.EventType)).toEqual(['ExecutionStarted', 'InvocationCompleted', 'ExecutionFailed']);
  });

  it('propagates a validation error inside a branch as is instead of counting it as a branch failure', async () => {
    svc.registerHandler(
      'structural',
      withDurableExecution(
        async (_input, ctx) =>
          ctx.parallel([async (c) => (await c.parallel([branch], { maxConcurrency: 0 })).getResults()], {
            completionConfig: { toleratedFailureCount: 5 },
          }),
        { client: svc.client },
      ),
    );
    const run = await svc.run('structural');
    expect(run.status).toBe('FAILED');
    expect(run.error?.ErrorType).toBe('ValidationError');
  });
});
