import { Duration, withDurableExecution } from '../../runtime';
import { InProcessDurableService } from '../../local/testing';
import { checkpointCalls, invocationOutcomes, sleep, updatesOf } from './support';

describe('suspension and polling', () => {
  let svc: InProcessDurableService;
  beforeEach(() => {
    svc = new InProcessDurableService();
  });
  afterEach(() => svc.close());

  it('suspends as soon as everything waits on the service, even with several waits in flight', async () => {
    svc.registerHandler(
      'all-waiting',
      withDurableExecution(
        async (_input, ctx) => {
          await Promise.all([ctx.wait(Duration.seconds(3)), ctx.wait(Duration.seconds(1)), ctx.step(async () => 'quick')]);
          return 'done';
        },
        { client: svc.client },
      ),
    );
    const run = await svc.run('all-waiting');
    expect(run.status).toBe('SUCCEEDED');
    // Invocation 1 suspends; the 1 s wait ends first (another PENDING), then the 3 s one.
    expect(invocationOutcomes(run)).toEqual(['returned:PENDING', 'returned:PENDING', 'returned:SUCCEEDED']);
  });

  it('keeps running work that can progress and polls with empty checkpoints for a wait that ends meanwhile', async () => {
    let waitDone = false;
    svc.registerHandler(
      'polling',
      withDurableExecution(
        async (_input, ctx) =>
          Promise.all([
            ctx.runInChildContext('waiter', async (child) => {
              await child.wait(Duration.seconds(1));
              waitDone = true;
              return 'waited';
            }),
            ctx.step('busy', async () => {
              // Real work that only finishes after the wait ended in this same invocation.
              const deadline = Date.now() + 15_000;
              while (!waitDone && Date.now() < deadline) await sleep(25);
              return waitDone ? 'saw the wait end' : 'gave up';
            }),
          ]),
        { client: svc.client },
      ),
    );
    const run = await svc.run('polling');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual(['waited', 'saw the wait end']);
    expect(invocationOutcomes(run)).toEqual(['returned:SUCCEEDED']);
    const polls = checkpointCalls(run.invocations[0].dataPlaneCalls).filter((call) => updatesOf(call).length === 0);
    expect(polls.length).toBeGreaterThanOrEqual(1);
  });
});
