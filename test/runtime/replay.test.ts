import { Duration, NonDeterministicError, withDurableExecution, type DurableContext, type LogRecord } from '../../runtime';
import { InProcessDurableService } from '../../local/testing';
import { checkpointCalls, eventTypes, invocationOutcomes, rootId, updatesOf } from './support';

describe('replay', () => {
  let svc: InProcessDurableService;
  beforeEach(() => {
    svc = new InProcessDurableService();
  });
  afterEach(() => svc.close());

  it('runs the same workflow across several invocations, calling each step function once', async () => {
    const calls: Record<string, number> = {};
    const count = (name: string) => {
      calls[name] = (calls[name] ?? 0) + 1;
    };
    svc.registerHandler(
      'multi',
      withDurableExecution(
        async (input: { base: number }, ctx) => {
          let total = input.base;
          for (let i = 1; i <= 3; i += 1) {
            total = await ctx.step(`add-${i}`, async () => {
              count(`add-${i}`);
              return total + i;
            });
            await ctx.wait(`wait-${i}`, Duration.seconds(i));
          }
          const child = await ctx.runInChildContext('child', async (c) => {
            count('child');
            return c.step('double', async () => {
              count('double');
              return total * 2;
            });
          });
          return { total, child };
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('multi', { base: 10 });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual({ total: 16, child: 32 });
    expect(calls).toEqual({ 'add-1': 1, 'add-2': 1, 'add-3': 1, child: 1, double: 1 });
    expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:PENDING', 'returned:PENDING', 'returned:SUCCEEDED']);
    expect(eventTypes(run, true)).toEqual([
      'StepStarted', 'StepSucceeded', 'WaitStarted',
      'WaitSucceeded', 'StepStarted', 'StepSucceeded', 'WaitStarted',
      'WaitSucceeded', 'StepStarted', 'StepSucceeded', 'WaitStarted',
      'WaitSucceeded', 'ContextStarted', 'StepStarted', 'StepSucceeded', 'ContextSucceeded',
    ]);
    // Later invocations send only new operations: nothing already recorded is checkpointed again.
    const ids = run.invocations.flatMap((inv) => checkpointCalls(inv.dataPlaneCalls).flatMap(updatesOf)).filter((u) => u.Action === 'START').map((u) => u.Id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('batches the updates of steps started in the same tick into one checkpoint call', async () => {
    svc.registerHandler(
      'batched',
      withDurableExecution(
        async (_input, ctx) => Promise.all(Array.from({ length: 20 }, (_, i) => ctx.step(`s${i}`, async () => i))),
        { client: svc.client },
      ),
    );
    const run = await svc.run('batched');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const calls = checkpointCalls(run.invocations[0].dataPlaneCalls);
    expect(calls).toHaveLength(1);
    expect(updatesOf(calls[0])).toHaveLength(40);
  });

  it('splits a tick with more than 250 updates into several calls, preserving order', async () => {
    svc.registerHandler(
      'many',
      withDurableExecution(
        async (_input, ctx) => Promise.all(Array.from({ length: 300 }, (_, i) => ctx.step(async () => i))),
        { client: svc.client },
      ),
    );
    const run = await svc.run('many');
    expect(run.status).toBe('SUCCEEDED');
    const calls = checkpointCalls(run.invocations[0].dataPlaneCalls);
    expect(calls.every((call) => updatesOf(call).length <= 250)).toBe(true);
    const starts = calls.flatMap(updatesOf).filter((u) => u.Action === 'START').map((u) => u.Id);
    expect(starts).toEqual(Array.from({ length: 300 }, (_, i) => rootId(i + 1)));
  });

  it('keeps each checkpoint call under the 750 KB estimate', async () => {
    svc.registerHandler(
      'heavy',
      withDurableExecution(
        async (_input, ctx) => Promise.all(Array.from({ length: 6 }, (_, i) => ctx.step(async () => String(i).repeat(200_000)))).then((r) => r.length),
        { client: svc.client },
      ),
    );
    const run = await svc.run('heavy');
    expect(run.result).toBe(6);
    const calls = checkpointCalls(run.invocations[0].dataPlaneCalls);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const call of calls) {
      const estimate = String(call.input.CheckpointToken).length + 100 + updatesOf(call).reduce((sum, u) => sum + JSON.stringify(u).length, 0);
      expect(estimate).toBeLessThanOrEqual(750 * 1024);
    }
  });

  describe('non-determinism', () => {
    const scenarios: Array<{ title: string; field: string; second: (ctx: import('../../runtime').DurableContext) => Promise<unknown> }> = [
      { title: 'a renamed step', field: 'Name', second: (ctx) => ctx.step('renamed', async () => 1) },
      { title: 'a step replaced by a wait', field: 'Type', second: (ctx) => ctx.wait('original', Duration.seconds(1)) },
      { title: 'a different child subType', field: 'SubType', second: (ctx) => ctx.runInChildContext('original', async () => 1, { subType: 'Other' }) },
    ];

    it.each(scenarios)('fails the execution for $title, naming the operation and both values', async ({ field, second }) => {
      let version = 1;
      const caughtByUser: unknown[] = [];
      svc.registerHandler(
        'drifting',
        withDurableExecution(
          async (_input, ctx) => {
            if (version === 1) {
              const first = field === 'SubType'
                ? ctx.runInChildContext('original', async () => 1)
                : ctx.step('original', async () => 1);
              await first;
            } else {
              try {
                await second(ctx);
              } catch (error) {
                caughtByUser.push(error);
              }
            }
            await ctx.wait(Duration.seconds(1));
            return 'unreachable in version 2';
          },
          { client: svc.client },
        ),
      );
      const run = await svc.run('drifting', undefined, {
        betweenInvocations: () => {
          version = 2;
        },
      });
      expect(run.status).toBe('FAILED');
      expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:FAILED']);
      expect(run.error?.ErrorType).toBe('NonDeterministicError');
      expect(run.error?.ErrorMessage).toContain(rootId(1));
      expect(run.error?.ErrorMessage).toContain(`has ${field}`);
      expect(run.error?.ErrorMessage).toMatch(/changed while this execution was in flight/);
      // Catching the error does not save the execution.
      expect(caughtByUser[0]).toBeInstanceOf(NonDeterministicError);
    });

    it('never loops as PENDING when the drift is in a replayed wait', async () => {
      let version = 1;
      svc.registerHandler(
        'drift-wait',
        withDurableExecution(
          async (_input, ctx) => {
            await ctx.wait(version === 1 ? 'a' : 'b', Duration.seconds(5));
            return 'done';
          },
          { client: svc.client },
        ),
      );
      const run = await svc.run('drift-wait', undefined, { maxInvocations: 5, betweenInvocations: () => void (version = 2) });
      expect(run.status).toBe('FAILED');
      expect(run.invocations).toHaveLength(2);
      expect(run.error?.ErrorMessage).toContain('"a"');
      expect(run.error?.ErrorMessage).toContain('"b"');
    });
  });

  describe('logger', () => {
    it('is silent while replaying, per context, and stamps execution ARN and operation id on every line', async () => {
      const lines: LogRecord[] = [];
      svc.registerHandler(
        'logging',
        withDurableExecution(
          async (_input, ctx) => {
            ctx.logger.info('root start');
            await ctx.step('s1', async ({ logger }) => logger.info('inside s1'));
            ctx.logger.info('after s1');
            const branch = (label: string, seconds: number) =>
              ctx.runInChildContext(label, async (child) => {
                child.logger.info(`${label} before wait`);
                await child.wait(Duration.seconds(seconds));
                child.logger.info(`${label} after wait`);
                await child.wait(Duration.seconds(seconds));
                child.logger.info(`${label} done`);
              });
            await Promise.all([branch('fast', 1), branch('slow', 10)]);
            ctx.logger.info('root end');
            return 'ok';
          },
          { client: svc.client, logger: { sink: (record) => lines.push(record) } },
        ),
      );
      const run = await svc.run('logging');
      expect(run.status).toBe('SUCCEEDED');
      const messages = lines.map((line) => line.message);
      // Every line appears exactly once across all invocations.
      expect([...messages].sort()).toEqual(
        [
          'root start', 'inside s1', 'after s1',
          'fast before wait', 'fast after wait', 'fast done',
          'slow before wait', 'slow after wait', 'slow done',
          'root end',
        ].sort(),
      );
      for (const line of lines) {
        expect(line.executionArn).toBe(run.executionArn);
        expect(line.operationId).toMatch(/^[0-9A-Za-z_-]+$/);
      }
      expect(lines.find((l) => l.message === 'inside s1')).toMatchObject({ operationId: rootId(1), operationName: 's1', attempt: 1 });
      expect(lines.find((l) => l.message === 'fast done')?.operationId).toBe(rootId(2));
    });

    it('stays silent while a completed context re-runs its code to rebuild a large result (ReplayChildren)', async () => {
      const lines: string[] = [];
      let bodyRuns = 0;
      let branchRuns = 0;
      svc.registerHandler(
        'rebuild-logging',
        withDurableExecution(
          async (_input, ctx) => {
            const large = await ctx.runInChildContext('large', async (child) => {
              bodyRuns += 1;
              child.logger.info('large: before step');
              const part = await child.step('part', async () => 'x'.repeat(100_000));
              child.logger.info('large: after step');
              return [part, part, part];
            });
            const batch = await ctx.parallel(
              [0, 1, 2].map((i) => async (branch: DurableContext) => {
                branchRuns += 1;
                const part = await branch.step(async () => `${i}`.repeat(100_000));
                branch.logger.info(`branch ${i} done`);
                return part;
              }),
              { nesting: 'FLAT' },
            );
            await ctx.wait(Duration.seconds(1));
            ctx.logger.info('end');
            return [large.length, batch.getResults().length];
          },
          { client: svc.client, logger: { sink: (record) => lines.push(record.message) } },
        ),
      );
      const run = await svc.run('rebuild-logging');
      expect(run.status).toBe('SUCCEEDED');
      expect(run.result).toEqual([3, 3]);
      // The code ran twice (the second time to rebuild the values), each line was written once.
      expect(bodyRuns).toBe(2);
      expect(branchRuns).toBe(6);
      expect([...lines].sort()).toEqual(['branch 0 done', 'branch 1 done', 'branch 2 done', 'end', 'large: after step', 'large: before step']);
    });

    it('writes replayed lines too when logDuringReplay is set', async () => {
      const lines: string[] = [];
      svc.registerHandler(
        'replay-logging',
        withDurableExecution(
          async (_input, ctx) => {
            ctx.logger.info('before');
            await ctx.wait(Duration.seconds(1));
            return 'ok';
          },
          { client: svc.client, logger: { sink: (record) => lines.push(record.message), logDuringReplay: true } },
        ),
      );
      await svc.run('replay-logging');
      expect(lines).toEqual(['before', 'before']);
    });
  });
});
