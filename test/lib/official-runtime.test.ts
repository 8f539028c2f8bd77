/**
 * A handler made with AWS's own durable-execution runtime (`@aws/durable-execution-sdk-js`) is never
 * wrapped a second time: without `durableRuntime` the synth fails and explains both choices; with
 * `DurableRuntime.AWS_DURABLE_EXECUTION_SDK` it is deployed as it is and runs on the local service,
 * with the construct's IAM and alias.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { DurableFunction, DurableFunctionValidationError, DurableRuntime } from '../../lib';
import { LocalDurableService, silentLogger } from '../../local';
import { fixture, functionAssetDir, logicalIdOf, newApp, newStack, removeOutdirs } from './support';

afterAll(removeOutdirs);

test('an official-runtime handler without durableRuntime fails the synth, naming both choices', () => {
  const stack = newStack(newApp({ bundle: true }));
  const attempt = (): DurableFunction => new DurableFunction(stack, 'Orders', { entry: fixture('official-handler.ts') });
  expect(attempt).toThrow(DurableFunctionValidationError);
  expect(attempt).toThrow(/imports @aws\/durable-execution-sdk-js.*wrapped a second time.*Unexpected payload provided to start the durable execution/);
  expect(attempt).toThrow(/durableRuntime: DurableRuntime\.AWS_DURABLE_EXECUTION_SDK .*or export a plain workflow function/);
});

test('durableRuntime AWS_DURABLE_EXECUTION_SDK on an entry that does not use it fails the synth', () => {
  const stack = newStack(newApp({ bundle: true }));
  expect(() => new DurableFunction(stack, 'Orders', { entry: fixture('plain-workflow.ts'), durableRuntime: DurableRuntime.AWS_DURABLE_EXECUTION_SDK }))
    .toThrow(/does not import @aws\/durable-execution-sdk-js/);
});

describe('deployed as it is', () => {
  let service: LocalDurableService;
  let template: Template;
  let bundlePath: string;

  beforeAll(async () => {
    const app = newApp({ bundle: true });
    const stack = newStack(app);
    new DurableFunction(stack, 'Orders', { entry: fixture('official-handler.ts'), durableRuntime: DurableRuntime.AWS_DURABLE_EXECUTION_SDK });
    const assembly = app.synth();
    template = Template.fromStack(stack);
    bundlePath = path.join(functionAssetDir(assembly.directory, template, logicalIdOf(template, 'AWS::Lambda::Function', 'Orders')), 'index.js');
    service = await LocalDurableService.start({ logger: silentLogger, handlerOutput: 'silent' });
    await service.registerFunction({ name: 'orders', bundle: bundlePath, handler: 'handler' });
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  });

  test('the construct\'s IAM, version and alias still apply', () => {
    template.resourceCountIs('AWS::Lambda::Alias', 1);
    template.resourceCountIs('AWS::Lambda::Version', 1);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: ['lambda:CheckpointDurableExecution', 'lambda:GetDurableExecutionState'] }, {}] },
    });
  });

  test('the bundle does not carry this package\'s runtime, and the execution succeeds on the local service', async () => {
    // The embedded runtime's marker of its own handlers is not in the bundle: nothing wraps the handler.
    expect(fs.readFileSync(bundlePath, 'utf8')).not.toContain('isDurableHandler');
    const run = await service.run('orders:live', { orderId: '7' }, { timeoutMs: 60_000 });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual({ reserved: 'reserved-7' });
    expect(run.history.filter((e) => e.EventType === 'StepSucceeded').map((e) => e.Name)).toEqual(['reserve']);
    expect(run.history.some((e) => e.EventType === 'WaitSucceeded' && e.Name === 'cool-off')).toBe(true);
  });
});
