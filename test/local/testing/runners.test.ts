/**
 * The test runners of `cdk-durable-function/testing`, one scenario in every mode: in process (with
 * the workflow's payment module mocked by jest.mock), on the local HTTP service with the bundle a
 * synthesized DurableFunction produced, and in deployed mode through a real LambdaClient pointed
 * at the local service's endpoint (the same public API as AWS's).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Duration as CdkDuration, Stack } from 'aws-cdk-lib';
import { DurableFunction } from '../../../lib';
import { Duration } from '../../../runtime';
import { LocalDurableService } from '../../../local';
import {
  bundleOf,
  createTestRunner,
  DeployedTestRunner,
  fromStack,
  InProcessTestRunner,
  LocalTestRunner,
  type DurableTestRunner,
  type FunctionBundle,
} from '../../../local/testing';
import { handler } from '../../fixtures/local/testing/orders';
import { charge } from '../../fixtures/local/testing/payments';

jest.mock('../../fixtures/local/testing/payments', () => ({ charge: jest.fn() }));
const mockedCharge = charge as jest.MockedFunction<typeof charge>;

const ENTRY = path.join(__dirname, '../../fixtures/local/testing/orders.ts');
let outdir: string;
let stack: Stack;
let bundle: FunctionBundle;

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-cdk-out-'));
  const app = new App({ outdir });
  stack = new Stack(app, 'Shop');
  new DurableFunction(stack, 'Orders', { entry: ENTRY, executionTimeout: CdkDuration.days(2), environment: { STAGE: 'synthesized' } });
  bundle = fromStack(stack, 'Orders');
});

afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

/** The scenario every mode runs: approve the order and see it charged. */
async function approveAndCharge(runner: DurableTestRunner, executionName: string) {
  const approval = runner.getOperation('approval');
  const execution = await runner.start({ orderId: '42', amount: 30 }, { executionName, timeoutMs: 30_000 });
  const open = await approval.waitFor('started');
  expect(open.type).toBe('CONTEXT');
  expect(runner.getOperation('cool-off').details()).toMatchObject({ type: 'WAIT', status: 'SUCCEEDED' });
  expect(runner.getOperationByIndex(0).details()).toMatchObject({ name: 'load', type: 'STEP', status: 'SUCCEEDED', attempts: 1 });
  await approval.heartbeat();
  await approval.sendSuccess({ approved: true });
  const done = await execution.result();
  expect({ status: done.status, timeline: done.timeline }).toMatchObject({ status: 'SUCCEEDED' });
  expect(done.history.map((event) => event.EventType)).toContain('CallbackSucceeded');
  expect(done.history[done.history.length - 1].EventType).toBe('ExecutionSucceeded');
  expect(done.timeline).toMatch(/WAIT\/Wait "cool-off"\s+SUCCEEDED\s+1h 0m/);
  expect(await runner.timeline()).toBe(done.timeline);
  return done;
}

describe('in-process mode', () => {
  let runner: DurableTestRunner;
  afterEach(() => runner?.close());

  it('runs the workflow module in this process, so jest.mock reaches its dependencies; step attempts and errors', async () => {
    mockedCharge.mockReset();
    mockedCharge.mockRejectedValueOnce(Object.assign(new Error('gateway timeout'), { name: 'GatewayTimeout' })).mockResolvedValueOnce('mocked-receipt');
    runner = await InProcessTestRunner.create({ handler });
    expect(runner.mode).toBe('in-process');
    const done = await approveAndCharge(runner, 'in-process-1');
    expect(done.result).toEqual({ id: '42', status: 'charged', receipt: 'mocked-receipt', stage: 'none' });
    expect(mockedCharge.mock.calls).toEqual([
      ['42', 30],
      ['42', 30],
    ]);
    const chargeStep = runner.getOperation('charge').details();
    expect(chargeStep).toMatchObject({ status: 'SUCCEEDED', attempts: 2, result: 'mocked-receipt' });
  });

  it('reports a failed step with its error and attempts; a rejected approval takes the other path', async () => {
    mockedCharge.mockReset();
    mockedCharge.mockRejectedValue(Object.assign(new Error('card expired'), { name: 'CardExpired' }));
    runner = await InProcessTestRunner.create({ handler });
    const execution = await runner.start({ orderId: '7', amount: 1 });
    await runner.getOperation('approval').sendSuccess({ approved: true });
    const failed = await runner.getOperation('charge').waitFor('completed');
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 3, error: { ErrorType: 'CardExpired', ErrorMessage: 'card expired' } });
    expect((await execution.result()).status).toBe('FAILED');

    const rejected = await runner.start({ orderId: '8', amount: 1 });
    await runner.getOperation('approval').sendSuccess({ approved: false });
    expect((await rejected.result()).result).toEqual({ id: '8', status: 'rejected' });
  });

  it("moves virtual time by hand with time: 'manual'", async () => {
    runner = await InProcessTestRunner.create({ handler, time: 'manual' });
    const execution = await runner.start({ orderId: '9', amount: 1 });
    const wait = await runner.getOperation('cool-off').waitFor('started');
    expect(wait.status).toBe('STARTED');
    await runner.advanceTime(Duration.minutes(59));
    expect((await runner.getOperation('cool-off').waitFor('started')).status).toBe('STARTED');
    await runner.advanceTime({ minutes: 1, seconds: 1 });
    expect((await runner.getOperation('cool-off').waitFor('completed')).status).toBe('SUCCEEDED');
    await runner.getOperation('approval').sendFailure(new Error('nobody home'));
    const done = await execution.result();
    expect(done.status).toBe('FAILED');
    expect(done.error).toMatchObject({ ErrorMessage: 'nobody home' });
  });

  it('rejects with the timeline when the execution ends before the operation it waits for', async () => {
    mockedCharge.mockReset();
    runner = await InProcessTestRunner.create({ handler });
    const execution = await runner.start({ orderId: '10', amount: 1 });
    await runner.getOperation('approval').waitFor('started', { timeoutMs: 5000 });
    await execution.stop({ ErrorType: 'Cancelled', ErrorMessage: 'by the test' });
    await expect(runner.getOperation('charge').waitFor('completed', { timeoutMs: 5000 })).rejects.toThrow(/ended STOPPED before operation "charge" completed\.\n.*EXECUTION/s);
    await expect(runner.getOperation('load').sendSuccess('x')).rejects.toThrow('STEP operation without a callback');
    await expect(execution.pause()).rejects.toThrow('Cannot pause an execution in status STOPPED.');
  });
});

describe('local mode', () => {
  it('finds the bundle a synthesized DurableFunction produced', () => {
    const fn = stack.node.findChild('Orders') as DurableFunction;
    expect(bundleOf(fn)).toEqual(bundle);
    expect(bundle).toMatchObject({ name: 'Orders', handler: 'handler', executionTimeoutSeconds: 172_800, environment: { STAGE: 'synthesized' } });
    expect(bundle.bundlePath).toMatch(/asset\.[0-9a-f]{64}[/\\]index\.js$/);
    expect(() => fromStack(stack, 'Nope')).toThrow("Shop has no DurableFunction at 'Nope'. DurableFunctions in it: Orders.");
    expect(() => fromStack(stack, 'Orders/ServiceRole')).toThrow('(Shop/Orders/ServiceRole is something else)');
  });

  it('runs the synthesized bundle on the local HTTP service with the same API', async () => {
    const runner = await LocalTestRunner.create({ bundle, handlerOutput: 'silent' });
    try {
      expect(runner.mode).toBe('local');
      const done = await approveAndCharge(runner, 'local-1');
      expect(done.result).toEqual({ id: '42', status: 'charged', receipt: 'receipt-42-30', stage: 'synthesized' });
    } finally {
      await runner.close();
    }
  });
});

describe('deployed mode', () => {
  it('drives a function through a real LambdaClient and the public API (here: the local service endpoint)', async () => {
    const service = await LocalDurableService.start({ handlerOutput: 'silent' });
    const registered = await service.registerFunction({ name: 'orders', bundle: bundle.bundlePath, executionTimeout: 172_800, environment: { STAGE: 'deployed' } });
    const runner = await DeployedTestRunner.create({ functionArn: `${registered.functionArn}:live`, client: service.client(), pollIntervalMs: 20 });
    try {
      expect(runner.mode).toBe('deployed');
      const done = await approveAndCharge(runner, 'deployed-1');
      expect(done.result).toEqual({ id: '42', status: 'charged', receipt: 'receipt-42-30', stage: 'deployed' });
      expect(done.executionArn).toContain(':function:orders:1/durable-execution/deployed-1/');
      await expect(runner.advanceTime(Duration.hours(1))).rejects.toThrow('advanceTime is not available for a deployed function');
    } finally {
      await runner.close();
      await service.stop();
    }
  });

  it('refuses an unqualified function', async () => {
    await expect(DeployedTestRunner.create({ functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders' })).rejects.toThrow('is not qualified');
  });
});

describe('createTestRunner', () => {
  it('picks the mode from one option or DURABLE_TEST_MODE, and says what a mode misses', async () => {
    const inProcess = await createTestRunner({ handler, bundle: () => bundle });
    expect(inProcess.mode).toBe('in-process');
    await inProcess.close();
    process.env.DURABLE_TEST_MODE = 'local';
    try {
      const local = await createTestRunner({ handler, bundle: () => bundle });
      expect(local.mode).toBe('local');
      await local.close();
    } finally {
      delete process.env.DURABLE_TEST_MODE;
    }
    await expect(createTestRunner({ mode: 'deployed', handler })).rejects.toThrow('The deployed mode needs `deployed: { functionArn }`');
    await expect(createTestRunner({ mode: 'cloud' as never, handler })).rejects.toThrow("Unknown test runner mode 'cloud'");
  });
});
