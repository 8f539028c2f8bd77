/**
 * The newer operations end to end on the HTTP local service, from esbuild bundles: chained invokes
 * of a plain and a durable target, waitForCondition, and a promise combinator.
 */
import * as path from 'node:path';
import { LocalDurableService } from '../../local';
import { FunctionRegistrationError } from '../../local/hosting/hosted-function';

const FIXTURES = path.join(__dirname, '../fixtures/local/operations');

describe('newer operations on the local service', () => {
  let svc: LocalDurableService;
  beforeAll(async () => {
    svc = await LocalDurableService.start({ handlerOutput: 'silent' });
    await svc.registerFunction({ name: 'pricing', bundle: path.join(FIXTURES, 'pricing.js'), durable: false });
    await svc.registerFunction({ name: 'refunds', bundle: path.join(FIXTURES, 'refunds.js'), durable: false });
    await svc.registerFunction({ name: 'fraud', bundle: path.join(FIXTURES, 'fraud.ts') });
    await svc.registerFunction({ name: 'checkout', bundle: path.join(FIXTURES, 'checkout.ts') });
  }, 60_000);
  afterAll(() => svc.stop());

  it('runs chained invokes (plain and durable), waitForCondition and promise.all, and shows them in the timeline', async () => {
    const run = await svc.run('checkout:live', { sku: 'tea', qty: 3 }, { timeoutMs: 60_000 });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual({
      quote: { total: 21 },
      fraud: { ok: true },
      stock: 3,
      label: 'label-tea',
      carrier: 'ups',
      refused: 'InvokeError: refunds are closed',
    });
    const started = run.history.filter((e) => e.EventType === 'ChainedInvokeStarted').map((e) => e.ChainedInvokeStartedDetails);
    // The plain target is a plain invocation: no execution of it exists; the durable one runs as its own.
    expect(started[0]).toEqual({ FunctionName: 'pricing', Input: { Payload: '{"sku":"tea","qty":3}', Truncated: false } });
    expect(started[1]?.DurableExecutionArn).toMatch(/:function:fraud:1\/durable-execution\//);
    const failed = run.history.find((e) => e.EventType === 'ChainedInvokeFailed');
    expect(failed?.ChainedInvokeFailedDetails?.Error?.Payload).toMatchObject({ ErrorType: 'RefundsClosed', ErrorMessage: 'refunds are closed' });
    expect(run.timeline).toMatch(/CHAINED_INVOKE\/ChainedInvoke "quote" -> pricing\s+SUCCEEDED/);
    expect(run.timeline).toMatch(/CHAINED_INVOKE\/ChainedInvoke "fraud-check" -> fraud:live\s+SUCCEEDED/);
    expect(run.timeline).toMatch(/STEP\/WaitForCondition "stock"\s+SUCCEEDED\s+attempts 3/);
    expect(run.timeline).toMatch(/STEP\/Step "ship-prep"\s+SUCCEEDED/);
    expect(run.timeline).toMatch(/CHAINED_INVOKE\/ChainedInvoke "refund" -> refunds\s+FAILED/);
  }, 90_000);

  it('refuses to start an execution of a plain function, naming why', async () => {
    await expect(svc.startExecution('pricing:$LATEST', {})).rejects.toThrow(/plain \(non-durable\) function.*chained invoke/);
  });

  it('refuses a plain registration that carries durable settings', async () => {
    await expect(
      svc.registerFunction({ name: 'odd', bundle: path.join(FIXTURES, 'pricing.js'), durable: false, executionTimeout: 60 }),
    ).rejects.toThrow(FunctionRegistrationError);
  });
});
