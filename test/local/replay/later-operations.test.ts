/**
 * The replay gate on the operations that came after it: chained invokes, waitForCondition and the
 * promise combinators. As for the others, a history recorded on the local service replays as
 * compatible against the same code and compatible changes, and reports the exact divergence
 * against incompatible ones. Every step, condition check and invoked function counts its runs in
 * a file: a replay runs none of them.
 */
import { expectCompatible, replay, ReplayWorkspace } from './support';

jest.setTimeout(240_000);

const ws = new ReplayWorkspace();
afterAll(() => ws.cleanup());

describe('chained invokes', () => {
  const invoked = ws.counter('invoked');
  const steps = ws.counter('invoke-steps');
  const pricing = ws.plainFunction('pricing', `${invoked.touch};\nreturn { total: event.qty * 7 };`);
  const workflow = (name: string, invoke: string, after = '') =>
    ws.workflow(
      name,
      `const quote = ${invoke};
       const total = await ctx.step('bill', async () => { ${steps.touch}; return quote.total; });
       ${after}
       return total;`,
    );
  const v1 = workflow('invoke-v1', `await ctx.invoke('quote', 'pricing', { qty: 2 })`);
  let history: string;
  let counts: [number, number];
  beforeAll(async () => {
    history = await ws.record('invoke', v1, { functions: { pricing } });
    counts = [invoked.count(), steps.count()];
  });
  afterAll(() => {
    // No replay invoked the function or ran a step.
    expect([invoked.count(), steps.count()]).toEqual(counts);
  });

  test('the recording invoked the function once; the same code is compatible', async () => {
    expect(counts).toEqual([1, 1]);
    const report = await replay(v1, history);
    expectCompatible(report);
    expect(report.outcome).toBe('SUCCEEDED');
  });

  test('a log line and an invoke appended are compatible; the appended invoke is not made', async () => {
    const changed = workflow(
      'invoke-appended',
      `(ctx.logger.info('quoting'), await ctx.invoke('quote', 'pricing', { qty: 2 }))`,
      `await ctx.invoke('audit', 'pricing', { qty: 1 });`,
    );
    const report = await replay(changed, history);
    expectCompatible(report, ['audit']);
    expect(report.appended[0]).toMatchObject({ type: 'CHAINED_INVOKE', subType: 'ChainedInvoke' });
    expect(report.outcome).toBe('PENDING');
  });

  test('a renamed invoke is reported at its position', async () => {
    const report = await replay(workflow('invoke-renamed', `await ctx.invoke('price', 'pricing', { qty: 2 })`), history);
    expect(report.divergence).toMatchObject({
      position: 1,
      field: 'Name',
      recorded: { type: 'CHAINED_INVOKE', name: 'quote', subType: 'ChainedInvoke' },
      requested: { type: 'CHAINED_INVOKE', name: 'price', subType: 'ChainedInvoke' },
    });
  });

  test('another target is reported: the replay would return the old function\'s result', async () => {
    const report = await replay(workflow('invoke-retargeted', `await ctx.invoke('quote', 'pricing-v2', { qty: 2 })`), history);
    expect(report.verdict).toBe('divergent');
    expect(report.divergence).toMatchObject({
      position: 1,
      where: 'operation #1 of the root context',
      field: 'FunctionName',
      recorded: { type: 'CHAINED_INVOKE', name: 'quote', target: 'pricing' },
      requested: { type: 'CHAINED_INVOKE', name: 'quote', target: 'pricing-v2' },
    });
    // The same function named by its ARN, qualified, is the same target.
    expectCompatible(await replay(workflow('invoke-arn', `await ctx.invoke('quote', 'arn:aws:lambda:us-east-1:123456789012:function:pricing', { qty: 2 })`), history));
  });

  test('an invoke replaced by a step is reported', async () => {
    const report = await replay(workflow('invoke-step', `await ctx.step('quote', async () => ({ total: 14 }))`), history);
    expect(report.divergence).toMatchObject({
      position: 1,
      field: 'Type',
      recorded: { type: 'CHAINED_INVOKE', name: 'quote', subType: 'ChainedInvoke' },
      requested: { type: 'STEP', name: 'quote', subType: 'Step' },
    });
  });
});

describe('waitForCondition', () => {
  const checks = ws.counter('checks');
  const steps = ws.counter('condition-steps');
  const condition = (name: string) =>
    `await ctx.waitForCondition('${name}', async (s: number) => { ${checks.touch}; return s + 1; },
       { initialState: 0, waitStrategy: (s: number) => (s < 3 ? { shouldContinue: true, delay: Duration.seconds(5) } : { shouldContinue: false }) })`;
  const ship = `await ctx.step('ship', async () => { ${steps.touch}; return 'shipped'; })`;
  const v1 = ws.workflow('condition-v1', `const n = ${condition('stock')};\nreturn { n, s: ${ship} };`);
  let finished: string;
  let inFlight: string;
  let counts: [number, number];
  beforeAll(async () => {
    finished = await ws.record('condition', v1);
    // Taken after the first check: the condition waits for its next poll.
    inFlight = await ws.record('condition-in-flight', v1, { until: (events) => events.some((e) => e.EventType === 'StepSucceeded') });
    counts = [checks.count(), steps.count()];
  });
  afterAll(() => {
    expect([checks.count(), steps.count()]).toEqual(counts);
  });

  test('the recordings polled; the same code is compatible, finished or waiting for its next poll', async () => {
    expect(counts).toEqual([4, 1]);
    const done = await replay(v1, finished);
    expectCompatible(done);
    expect(done.outcome).toBe('SUCCEEDED');
    const waiting = await replay(v1, inFlight);
    expectCompatible(waiting);
    expect(waiting.outcome).toBe('PENDING');
  });

  test('a log line and a new waitForCondition appended are compatible; the new check does not run', async () => {
    const changed = ws.workflow('condition-appended', `ctx.logger.info('polling');\nconst n = ${condition('stock')};\nconst s = ${ship};\nawait ${condition('recheck')};\nreturn { n, s };`);
    const report = await replay(changed, finished);
    expectCompatible(report, ['recheck']);
    expect(report.appended[0]).toMatchObject({ type: 'STEP', subType: 'WaitForCondition' });
  });

  test('a waitForCondition replaced by a step is reported, finished or in flight', async () => {
    const changed = ws.workflow('condition-step', `const n = await ctx.step('stock', async () => 3);\nreturn { n, s: ${ship} };`);
    for (const history of [finished, inFlight]) {
      expect((await replay(changed, history)).divergence).toMatchObject({
        position: 1,
        field: 'SubType',
        recorded: { type: 'STEP', name: 'stock', subType: 'WaitForCondition' },
        requested: { type: 'STEP', name: 'stock', subType: 'Step' },
      });
    }
  });

  test('the step after it removed is reported on the finished history only', async () => {
    const changed = ws.workflow('condition-no-ship', `return ${condition('stock')};`);
    expect((await replay(changed, finished)).divergence).toMatchObject({ position: 2, field: 'NeverReached', recorded: { name: 'ship' } });
    expectCompatible(await replay(changed, inFlight));
  });
});

describe('promise combinators', () => {
  const runs = ws.counter('combinator-steps');
  const step = (name: string, body = `return '${name}';`) => `ctx.step('${name}', async () => { ${runs.touch}; ${body} }, { retryStrategy: () => ({ shouldRetry: false }) })`;
  const fails = (name: string) => step(name, `throw new Error('${name} failed');`);
  const parts = {
    all: `const both = await ctx.promise.all('both', [${step('a')}, ${step('b')}]);`,
    allSettled: `const settled = await ctx.promise.allSettled('settled', [${step('c')}, ${fails('d')}]);`,
    any: `const first = await ctx.promise.any('any', [${fails('e')}, ${step('f')}]);`,
    race: `const winner = await ctx.promise.race('race', [ctx.wait('slow', Duration.hours(1)), ${step('g')}]);`,
    result: `return { both, settled: settled.map((s) => s.status), first, winner };`,
  };
  const workflow = (name: string, changes: Partial<typeof parts> = {}, after = '') => {
    const p = { ...parts, ...changes };
    return ws.workflow(name, [p.all, p.allSettled, p.any, p.race, after, p.result].join('\n'));
  };
  const v1 = workflow('combinators-v1');
  let history: string;
  let count: number;
  beforeAll(async () => {
    history = await ws.record('combinators', v1);
    count = runs.count();
  });
  afterAll(() => {
    expect(runs.count()).toBe(count);
  });

  test('the same code is compatible, following each recorded decision', async () => {
    expect(count).toBe(7);
    const report = await replay(v1, history);
    expectCompatible(report);
    expect(report.outcome).toBe('SUCCEEDED');
  });

  test('a log line and a step appended are compatible', async () => {
    const report = await replay(workflow('combinators-appended', { all: `ctx.logger.info('combining');\n${parts.all}` }, `await ${step('after')};`), history);
    expectCompatible(report, ['after']);
  });

  test('swapped inputs of all are reported at the first input', async () => {
    const report = await replay(workflow('combinators-swapped', { all: `const both = await ctx.promise.all('both', [${step('b')}, ${step('a')}]);` }), history);
    expect(report.divergence).toMatchObject({
      position: 1,
      field: 'Name',
      recorded: { type: 'STEP', name: 'a', subType: 'Step' },
      requested: { type: 'STEP', name: 'b', subType: 'Step' },
    });
  });

  test('a changed input of race is reported', async () => {
    const report = await replay(workflow('combinators-race-input', { race: `const winner = await ctx.promise.race('race', [ctx.wait('slow', Duration.hours(1)), ${step('h')}]);` }), history);
    expect(report.divergence).toMatchObject({ position: 11, field: 'Name', recorded: { name: 'g' }, requested: { name: 'h' } });
  });

  test('a changed input kind of any is reported', async () => {
    const report = await replay(workflow('combinators-any-wait', { any: `const first = await ctx.promise.any('any', [ctx.wait('e', Duration.seconds(1)), ${step('f')}]);` }), history);
    expect(report.divergence).toMatchObject({ position: 7, field: 'Type', recorded: { type: 'STEP', name: 'e' }, requested: { type: 'WAIT', name: 'e' } });
  });

  test('the last combinator replaced by a plain Promise.race is reported as never reached', async () => {
    const report = await replay(
      workflow('combinators-no-race', { race: `const winner = await Promise.race([ctx.wait('slow', Duration.hours(1)), ${step('g')}]);` }),
      history,
    );
    expect(report.divergence).toMatchObject({
      position: 12,
      field: 'NeverReached',
      recorded: { type: 'STEP', name: 'race', subType: 'Step' },
      instead: 'it completed (SUCCEEDED)',
    });
  });
});
