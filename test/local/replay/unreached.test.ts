/**
 * The replay gate and recorded operations the new code never reaches: a step removed from the end,
 * ids that all changed. Everything the recording answers without running (a finished child context,
 * a batch replayed from its summary, branches a decided batch abandoned) is not expected to be
 * reached, so a history recorded from the same code always replays as compatible. Steps count
 * their runs in a file: a replay never runs one.
 */
import * as fs from 'node:fs';
import { formatReplayReport } from '../../../local/replay';
import { expectCompatible, replay, ReplayWorkspace } from './support';

jest.setTimeout(240_000);

const ws = new ReplayWorkspace();
afterAll(() => ws.cleanup());

describe('a step removed from the end', () => {
  const runs = ws.counter('end-steps');
  const step = (name: string) => `await ctx.step('${name}', async () => { ${runs.touch}; return '${name}'; });`;
  const v1 = ws.workflow('end-v1', [step('reserve'), step('charge'), step('notify'), `return 'done';`].join('\n'));
  let history: string;
  beforeAll(async () => {
    history = await ws.record('end', v1);
  });

  test('the same code is compatible', async () => {
    expect(runs.count()).toBe(3);
    const report = await replay(v1, history);
    expectCompatible(report);
    expect(report.outcome).toBe('SUCCEEDED');
    expect(runs.count()).toBe(3);
  });

  test('a completed execution whose new code completes earlier is a divergence naming the unreached step', async () => {
    const changed = ws.workflow('end-removed', [step('reserve'), step('charge'), `return 'done';`].join('\n'));
    const report = await replay(changed, history);
    expect(report.verdict).toBe('divergent');
    expect(report.outcome).toBe('SUCCEEDED');
    expect(report.divergence).toEqual({
      errorType: 'NonDeterministicError',
      operationId: expect.any(String),
      position: 3,
      where: 'operation #3 of the root context',
      field: 'NeverReached',
      recorded: { type: 'STEP', name: 'notify', subType: 'Step' },
      requested: {},
      instead: 'it completed (SUCCEEDED)',
      unreachedCount: 1,
      message: expect.stringContaining('never reaches it: it completed (SUCCEEDED)'),
    });
    expect(formatReplayReport(report)).toContain(
      'operation #3 of the root context: recorded STEP "notify" (Step), never reached by the new code; instead it completed (SUCCEEDED)',
    );
    expect(runs.count()).toBe(3);
  });

  test('the removed step replaced by another one at its place is a divergence there, not an unreached one', async () => {
    const changed = ws.workflow('end-replaced', [step('reserve'), step('charge'), step('email'), `return 'done';`].join('\n'));
    expect((await replay(changed, history)).divergence).toMatchObject({ field: 'Name', recorded: { name: 'notify' }, requested: { name: 'email' } });
  });
});

describe('ids that all changed', () => {
  const v1 = ws.workflow('ids-v1', `await ctx.step('reserve', async () => 1);\nawait ctx.step('charge', async () => 2);\nreturn 'ok';`);
  let rewritten: string;
  beforeAll(async () => {
    const history = await ws.record('ids', v1);
    // As recorded by a runtime with another id scheme: every Id and ParentId differs from the ones
    // this code derives, consistently.
    const saved = JSON.parse(fs.readFileSync(history, 'utf8')) as { events: Array<{ Id?: string; ParentId?: string }> };
    for (const event of saved.events) {
      if (event.Id !== undefined) event.Id = `old-${event.Id}`;
      if (event.ParentId !== undefined) event.ParentId = `old-${event.ParentId}`;
    }
    rewritten = history.replace(/\.json$/, '-rewritten.json');
    fs.writeFileSync(rewritten, JSON.stringify(saved));
  });

  test('the new code reaches none of the recorded operations: a divergence at the first, saying where it suspended', async () => {
    const report = await replay(v1, rewritten);
    expect(report.verdict).toBe('divergent');
    expect(report.outcome).toBe('PENDING');
    expect(report.appended.map((op) => op.name)).toEqual(['reserve']);
    expect(report.divergence).toMatchObject({
      position: 1,
      field: 'NeverReached',
      recorded: { type: 'STEP', name: 'reserve', subType: 'Step' },
      requested: { type: 'STEP', name: 'reserve', subType: 'Step' },
      instead: 'it suspended at STEP "reserve" (Step), an operation the recording does not have',
      unreachedCount: 2,
    });
  });
});

describe('histories recorded in flight', () => {
  const v1 = ws.workflow(
    'flight-v1',
    `await ctx.step('reserve', async () => 1);
     await ctx.wait('cool-off', Duration.hours(2));
     return ctx.step('ship', async () => 2);`,
  );
  let history: string;
  beforeAll(async () => {
    history = await ws.record('flight', v1, { until: (events) => events.some((e) => e.EventType === 'WaitStarted') });
  });

  test('the new code suspends at the same pending wait: compatible, also with the step after it removed or another appended', async () => {
    const same = await replay(v1, history);
    expectCompatible(same);
    expect(same.outcome).toBe('PENDING');
    const removed = ws.workflow('flight-removed', `await ctx.step('reserve', async () => 1);\nawait ctx.wait('cool-off', Duration.hours(2));\nreturn 'ok';`);
    expectCompatible(await replay(removed, history));
    const appended = ws.workflow(
      'flight-appended',
      `await ctx.step('reserve', async () => 1);\nawait ctx.wait('cool-off', Duration.hours(2));\nawait ctx.step('ship', async () => 2);\nreturn ctx.step('audit', async () => 3);`,
    );
    expectCompatible(await replay(appended, history));
  });

  test('the pending wait removed from the end is a divergence: the new code completes without it', async () => {
    const changed = ws.workflow('flight-no-wait', `await ctx.step('reserve', async () => 1);\nreturn 'ok';`);
    const report = await replay(changed, history);
    expect(report.divergence).toMatchObject({
      position: 2,
      field: 'NeverReached',
      recorded: { type: 'WAIT', name: 'cool-off', subType: 'Wait' },
      instead: 'it completed (SUCCEEDED)',
    });
  });

  test('a parallel in flight, one branch done and one waiting, replays as compatible', async () => {
    const parallel = (branches: string) => `return ctx.parallel('fan', [${branches}]);`;
    const done = `{ name: 'done', func: async (b) => b.step('work', async () => 1) }`;
    const waiting = `{ name: 'waiting', func: async (b) => { await b.wait('nap', Duration.hours(3)); return 2; } }`;
    const pv1 = ws.workflow('flight-parallel-v1', parallel(`${done}, ${waiting}`));
    const recorded = await ws.record('flight-parallel', pv1, {
      until: (events) => events.some((e) => e.EventType === 'WaitStarted') && events.some((e) => e.EventType === 'StepSucceeded'),
    });
    const report = await replay(pv1, recorded);
    expectCompatible(report);
    expect(report.outcome).toBe('PENDING');
  });
});

describe.each(['NESTED', 'FLAT'] as const)('a parallel with minSuccessful, %s', (nesting) => {
  // Two quick branches decide the batch; the slow one has started its wait by then and is
  // abandoned, STARTED. Results of 150 KB make the summary compact, so a replay rebuilds the batch
  // from its branches and must skip the abandoned one, as the runtime does.
  const runs = ws.counter(`min-${nesting}`);
  const quick = (name: string, size: number) => `{ name: '${name}', func: async (b) => b.step('${name}-work', async () => { ${runs.touch}; return '${name}'.padEnd(${size}, '.'); }) }`;
  const slow = `{ name: 'slow', func: async (b) => { await b.wait('nap', Duration.hours(1)); return b.step('late', async () => { ${runs.touch}; return 'late'; }); } }`;
  const workflow = (name: string, size: number) =>
    ws.workflow(
      `${name}-${nesting}`,
      `const r = await ctx.parallel('first-two', [${quick('a', size)}, ${quick('b', size)}, ${slow}], { nesting: '${nesting}', completionConfig: { minSuccessful: 2 } });
       return r.successCount;`,
    );
  let inline: string;
  let compact: string;
  beforeAll(async () => {
    inline = await ws.record(`min-inline-${nesting}`, workflow('min-inline', 10));
    compact = await ws.record(`min-compact-${nesting}`, workflow('min-compact', 150_000));
  });

  test('the recordings hold operations of the branch the batch left unfinished', () => {
    type Saved = { events: Array<{ EventType: string; Name?: string; SubType?: string; ContextSucceededDetails?: { Result?: { Payload?: string } } }> };
    const summaryOf = (history: string) => {
      const { events } = JSON.parse(fs.readFileSync(history, 'utf8')) as Saved;
      // The abandoned branch started its wait (FLAT: it may even have gone on to its step before
      // the batch was decided in the same invocation).
      expect(events.find((e) => e.Name === 'nap')?.EventType).toBe('WaitStarted');
      const closed = events.find((e) => e.EventType === 'ContextSucceeded' && e.SubType === 'Parallel');
      return JSON.parse(closed?.ContextSucceededDetails?.Result?.Payload ?? '{}') as Record<string, unknown>;
    };
    expect(summaryOf(inline)).toMatchObject({ CompletionReason: 'MIN_SUCCESSFUL_REACHED', Branches: [{ Status: 'SUCCEEDED' }, { Status: 'SUCCEEDED' }, { Name: 'slow', Status: 'STARTED' }] });
    expect(summaryOf(compact)).toMatchObject({ type: 'ParallelResult' });
  });

  test('the same code replays both recordings as compatible, without running a step', async () => {
    const before = runs.count();
    for (const [name, history] of [
      ['min-inline', inline],
      ['min-compact', compact],
    ] as const) {
      const report = await replay(workflow(name, name === 'min-inline' ? 10 : 150_000), history);
      expectCompatible(report);
      expect(report.outcome).toBe('SUCCEEDED');
    }
    expect(runs.count()).toBe(before);
  });
});

describe('a finished child context whose inner steps were removed', () => {
  const v1 = ws.workflow(
    'inner-v1',
    `const label = await ctx.runInChildContext('ship', async (child) => {
       const l = await child.step('label', async () => 'L');
       return child.step('send', async () => l + '!');
     });
     await ctx.runInChildContext('audit', async (child) => {
       await child.step('log-1', async () => 1);
       await child.step('log-2', async () => 2);
     });
     return label;`,
  );
  let history: string;
  beforeAll(async () => {
    history = await ws.record('inner', v1);
  });

  test('is compatible: a context with a stored result is answered from it, its function does not run again', async () => {
    const changed = ws.workflow(
      'inner-removed',
      `const label = await ctx.runInChildContext('ship', async () => 'L!');
       await ctx.runInChildContext('audit', async (child) => { await child.step('log-1', async () => 1); });
       return label;`,
    );
    expectCompatible(await replay(changed, history));
  });

  test('a context that returned nothing runs again on replay (its history cannot tell it from a result too large to store), but what it no longer reaches is not held against it', async () => {
    // The service replays a context that returned nothing from its record; the gate runs it again
    // to rebuild a possibly large result, so a renamed inner step is still seen …
    const renamed = ws.workflow(
      'inner-renamed',
      `const label = await ctx.runInChildContext('ship', async () => 'L!');
       await ctx.runInChildContext('audit', async (child) => { await child.step('log-one', async () => 1); });
       return label;`,
    );
    expect((await replay(renamed, history)).divergence).toMatchObject({ field: 'Name', recorded: { name: 'log-1' }, requested: { name: 'log-one' } });
    // … while removing its inner steps entirely is compatible, as in production.
    const emptied = ws.workflow(
      'inner-emptied',
      `const label = await ctx.runInChildContext('ship', async () => 'L!');
       await ctx.runInChildContext('audit', async () => undefined);
       return label;`,
    );
    expectCompatible(await replay(emptied, history));
  });

  test('a whole finished context removed from the end is a divergence', async () => {
    const changed = ws.workflow('inner-context-removed', `return ctx.runInChildContext('ship', async () => 'L!');`);
    expect((await replay(changed, history)).divergence).toMatchObject({
      position: 2,
      field: 'NeverReached',
      recorded: { type: 'CONTEXT', name: 'audit', subType: 'RunInChildContext' },
      instead: 'it completed (SUCCEEDED)',
    });
  });
});
