/**
 * The replay gate per operation type: a history recorded on the local service from one version of
 * a workflow replays as compatible against the same code and against compatible changes, and
 * reports the exact divergence against incompatible ones. Every variant's new step functions throw,
 * so a replay that ran one would fail.
 */
import * as fs from 'node:fs';
import { completeCallback, expectCompatible, replay, ReplayWorkspace } from './support';

jest.setTimeout(240_000);

const ws = new ReplayWorkspace();
afterAll(() => ws.cleanup());

/** A step function the replay must never run. */
const FORBIDDEN = `async () => { throw new Error('a step function ran during replay'); }`;

describe('steps with retries', () => {
  const v1 = ws.workflow(
    'steps-v1',
    `const r = await ctx.step('reserve', async () => 'r-' + input.orderId);
     const c = await ctx.step('charge', async ({ attempt }) => { if (attempt < 2) throw new Error('gateway'); return 'c' + attempt; },
       { retryStrategy: () => ({ shouldRetry: true, delay: Duration.seconds(3) }) });
     return { r, c };`,
  );
  let history: string;
  beforeAll(async () => {
    history = await ws.record('steps', v1, { input: { orderId: '42' } });
  });

  test('the same code is compatible', async () => {
    const report = await replay(v1, history);
    expectCompatible(report);
    expect(report.outcome).toBe('SUCCEEDED');
    expect(report.recordedOperations).toBe(3);
  });

  test('a new step appended and a log line added are compatible, and the new step does not run', async () => {
    const changed = ws.workflow(
      'steps-appended',
      `ctx.logger.info('starting', { orderId: input.orderId });
       const r = await ctx.step('reserve', ${FORBIDDEN});
       const c = await ctx.step('charge', ${FORBIDDEN});
       await ctx.step('audit', ${FORBIDDEN});
       return { r, c };`,
    );
    const report = await replay(changed, history);
    expectCompatible(report, ['audit']);
    expect(report.outcome).toBe('PENDING');
  });

  test('a renamed step is reported at its position with both identities and the source line', async () => {
    const changed = ws.workflow(
      'steps-renamed',
      `const r = await ctx.step('reserve', ${FORBIDDEN});
       const c = await ctx.step('charge-card', ${FORBIDDEN});
       return { r, c };`,
    );
    const report = await replay(changed, history);
    expect(report.verdict).toBe('divergent');
    expect(report.divergence).toMatchObject({
      position: 2,
      where: 'operation #2 of the root context',
      field: 'Name',
      recorded: { type: 'STEP', name: 'charge', subType: 'Step' },
      requested: { type: 'STEP', name: 'charge-card', subType: 'Step' },
    });
    // Line 6 of the generated file: the header takes four lines, the body's second line asks for charge-card.
    expect(report.divergence?.location).toBe(`${changed}:6:28`);
  });

  test('two swapped steps are reported at the first position', async () => {
    const changed = ws.workflow(
      'steps-swapped',
      `const c = await ctx.step('charge', ${FORBIDDEN});
       const r = await ctx.step('reserve', ${FORBIDDEN});
       return { r, c };`,
    );
    const report = await replay(changed, history);
    expect(report.divergence).toMatchObject({
      position: 1,
      recorded: { type: 'STEP', name: 'reserve' },
      requested: { type: 'STEP', name: 'charge' },
    });
  });
});

describe('waits', () => {
  const v1 = ws.workflow(
    'waits-v1',
    `await ctx.step('reserve', async () => 1);
     await ctx.wait('cool-off', Duration.seconds(30));
     return ctx.step('ship', async () => 2);`,
  );
  let finished: string;
  let inFlight: string;
  beforeAll(async () => {
    finished = await ws.record('waits', v1);
    const long = ws.workflow('waits-long', `await ctx.step('reserve', async () => 1);\nawait ctx.wait('cool-off', Duration.hours(2));\nreturn ctx.step('ship', async () => 2);`);
    // Recorded while the execution waits: its history ends at the WaitStarted.
    inFlight = await ws.record('waits-in-flight', long, { until: (events) => events.some((e) => e.EventType === 'WaitStarted') });
  });

  test('the same code is compatible, finished or in flight', async () => {
    expectCompatible(await replay(v1, finished));
    const report = await replay(v1, inFlight);
    expectCompatible(report);
    expect(report.recordedStatus).toBe('RUNNING');
    expect(report.outcome).toBe('PENDING');
  });

  test('a wait replaced by a step is reported', async () => {
    const changed = ws.workflow(
      'waits-replaced',
      `await ctx.step('reserve', ${FORBIDDEN});
       await ctx.step('cool-off', ${FORBIDDEN});
       return ctx.step('ship', ${FORBIDDEN});`,
    );
    for (const history of [finished, inFlight]) {
      const report = await replay(changed, history);
      expect(report.divergence).toMatchObject({
        position: 2,
        field: 'Type',
        recorded: { type: 'WAIT', name: 'cool-off', subType: 'Wait' },
        requested: { type: 'STEP', name: 'cool-off', subType: 'Step' },
      });
    }
  });
});

describe('child contexts', () => {
  const v1 = ws.workflow(
    'child-v1',
    `const label = await ctx.runInChildContext('ship', async (child) => {
       const l = await child.step('label', async () => 'L');
       await child.wait(Duration.seconds(5));
       return child.step('send', async () => l + '!');
     });
     return label;`,
  );
  let history: string;
  beforeAll(async () => {
    history = await ws.record('child', v1);
  });

  test('the same code and an appended step are compatible', async () => {
    expectCompatible(await replay(v1, history));
    const appended = ws.workflow(
      'child-appended',
      `const label = await ctx.runInChildContext('ship', async (child) => {
         const l = await child.step('label', ${FORBIDDEN});
         await child.wait(Duration.seconds(5));
         return child.step('send', ${FORBIDDEN});
       });
       await ctx.step('notify', ${FORBIDDEN});
       return label;`,
    );
    expectCompatible(await replay(appended, history), ['notify']);
  });

  test('a renamed child context is reported', async () => {
    const changed = ws.workflow(
      'child-renamed',
      `return ctx.runInChildContext('shipping', async (child) => child.step('label', ${FORBIDDEN}));`,
    );
    expect((await replay(changed, history)).divergence).toMatchObject({
      position: 1,
      recorded: { type: 'CONTEXT', name: 'ship', subType: 'RunInChildContext' },
      requested: { type: 'CONTEXT', name: 'shipping', subType: 'RunInChildContext' },
    });
  });
});

describe('callbacks', () => {
  const v1 = ws.workflow(
    'callback-v1',
    `const approval = await ctx.waitForCallback('approval', async (callbackId) => { void callbackId; });
     return ctx.step('apply', async () => approval);`,
  );
  let finished: string;
  let inFlight: string;
  beforeAll(async () => {
    finished = await ws.record('callback', v1, { drive: (svc, arn) => completeCallback(svc, arn, { ok: true }) });
    inFlight = await ws.record('callback-in-flight', v1, {
      until: (events) => events.some((e) => e.EventType === 'StepSucceeded'),
    });
  });

  test('the same code is compatible; the submitter of an in-flight callback does not run again', async () => {
    expectCompatible(await replay(v1, finished));
    const changed = ws.workflow(
      'callback-submitter-throws',
      `const approval = await ctx.waitForCallback('approval', ${FORBIDDEN});
       return ctx.step('apply', ${FORBIDDEN});`,
    );
    const report = await replay(changed, inFlight);
    expectCompatible(report);
    expect(report.outcome).toBe('PENDING');
  });

  test('a callback replaced by a step is reported', async () => {
    const changed = ws.workflow('callback-replaced', `return ctx.step('approval', ${FORBIDDEN});`);
    expect((await replay(changed, finished)).divergence).toMatchObject({
      position: 1,
      field: 'Type',
      recorded: { type: 'CONTEXT', name: 'approval', subType: 'WaitForCallback' },
      requested: { type: 'STEP', name: 'approval', subType: 'Step' },
    });
  });
});

describe.each(['NESTED', 'FLAT'] as const)('parallel, %s', (nesting) => {
  const branches = (names: string[], body: string) =>
    `[${names.map((name) => `{ name: '${name}', func: async (b) => b.step('${name}-work', ${body}) }`).join(', ')}]`;
  const v1 = ws.workflow(
    `parallel-${nesting}-v1`,
    `const result = await ctx.parallel('fan', ${branches(['a', 'b', 'c'], 'async () => 1')}, { nesting: '${nesting}' });
     return result.successCount;`,
  );
  let history: string;
  beforeAll(async () => {
    history = await ws.record(`parallel-${nesting}`, v1);
  });

  test('the same code and a branch appended at the end are compatible', async () => {
    expectCompatible(await replay(v1, history));
    const appended = ws.workflow(
      `parallel-${nesting}-appended-step`,
      `const result = await ctx.parallel('fan', ${branches(['a', 'b', 'c'], FORBIDDEN)}, { nesting: '${nesting}' });
       await ctx.step('after', ${FORBIDDEN});
       return result.successCount;`,
    );
    expectCompatible(await replay(appended, history), ['after']);
  });

  test('a branch added in the middle is reported', async () => {
    const changed = ws.workflow(
      `parallel-${nesting}-middle`,
      `const result = await ctx.parallel('fan', ${branches(['a', 'x', 'b', 'c'], FORBIDDEN)}, { nesting: '${nesting}' });
       return result.successCount;`,
    );
    const report = await replay(changed, history);
    expect(report.verdict).toBe('divergent');
    expect(report.divergence).toMatchObject({ field: 'BranchName', recorded: { name: 'b' }, requested: { name: 'x' } });
  });
});

describe.each(['NESTED', 'FLAT'] as const)('map with a compact summary, %s', (nesting) => {
  // Three 100 KB results do not fit one summary: the map records a compact one and, on replay,
  // rebuilds its items from their own operations.
  const body = (stepName: string, fn: string) =>
    `const result = await ctx.map('items', [1, 2, 3], async (c) => c.step('${stepName}', ${fn}), { nesting: '${nesting}' });
     return result.successCount;`;
  const v1 = ws.workflow(`map-${nesting}-v1`, body('work', `async () => 'x'.repeat(100_000)`));
  let history: string;
  beforeAll(async () => {
    history = await ws.record(`map-${nesting}`, v1);
  });

  test('the recording is compact, and the same code is compatible', async () => {
    const saved = JSON.parse(fs.readFileSync(history, 'utf8')) as { events: Array<{ EventType: string; SubType?: string; ContextSucceededDetails?: { Result?: { Payload?: string } } }> };
    const closed = saved.events.find((e) => e.EventType === 'ContextSucceeded' && e.SubType === 'Map');
    expect(JSON.parse(closed?.ContextSucceededDetails?.Result?.Payload ?? '{}')).toMatchObject({ type: 'MapResult', statuses: 'SSS' });
    const report = await replay(v1, history);
    expectCompatible(report);
    expect(report.outcome).toBe('SUCCEEDED');
  });

  if (nesting === 'FLAT') {
    test('a renamed step inside the items is reported: FLAT items are rebuilt from their operations', async () => {
      const report = await replay(ws.workflow('map-renamed', body('process', FORBIDDEN)), history);
      expect(report.divergence).toMatchObject({
        position: 1,
        recorded: { type: 'STEP', name: 'work' },
        requested: { type: 'STEP', name: 'process' },
      });
    });
  } else {
    test('a renamed step inside the items is compatible: each NESTED item replays its stored result, as in production', async () => {
      expectCompatible(await replay(ws.workflow('map-nested-renamed', body('process', FORBIDDEN)), history));
    });
  }
});
