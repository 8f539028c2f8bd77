/**
 * The synthesized asset is a runnable durable function: each bundle is taken from the cloud
 * assembly and run, through its alias, on the local durable-execution service, which hosts the
 * file in a worker and talks to the bundled runtime over the real HTTP API.
 */
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { DurableFunction, type DurableFunctionProps } from '../../lib';
import { LocalDurableService, silentLogger } from '../../local';
import { fixture, functionAssetDir, logicalIdOf, newApp, newStack, removeOutdirs } from './support';

const functions: Record<string, DurableFunctionProps> = {
  Plain: { entry: fixture('plain-workflow.ts') },
  Wrapped: { entry: fixture('wrapped-workflow.ts') },
  Named: { entry: fixture('named-export.ts'), handler: 'processOrder', aliasName: 'prod' },
  CommonJs: { entry: fixture('commonjs-workflow.js'), bundling: { minify: true } },
};

let service: LocalDurableService;
const aliases = new Map<string, string>();

beforeAll(async () => {
  const app = newApp({ bundle: true });
  const stack = newStack(app);
  for (const [id, props] of Object.entries(functions)) {
    aliases.set(id, new DurableFunction(stack, id, props).alias.aliasName);
  }
  const assembly = app.synth();
  const template = Template.fromStack(stack);
  service = await LocalDurableService.start({ logger: silentLogger, handlerOutput: 'silent' });
  for (const id of Object.keys(functions)) {
    // Everything the service needs comes from the template: file and export from Handler, durable settings.
    const logicalId = logicalIdOf(template, 'AWS::Lambda::Function', id);
    const props = template.toJSON().Resources[logicalId].Properties as {
      Handler: string;
      DurableConfig: { ExecutionTimeout: number; RetentionPeriodInDays: number };
    };
    const [file, exportName] = props.Handler.split('.');
    await service.registerFunction({
      name: id,
      bundle: path.join(functionAssetDir(assembly.directory, template, logicalId), `${file}.js`),
      handler: exportName,
      executionTimeout: props.DurableConfig.ExecutionTimeout,
      retentionDays: props.DurableConfig.RetentionPeriodInDays,
      aliases: { [aliases.get(id)!]: '1' },
    });
  }
}, 120_000);

afterAll(async () => {
  await service?.stop();
  removeOutdirs();
});

test('a plain workflow export is wrapped and runs: its step is checkpointed and the result returned', async () => {
  const run = await service.run('Plain:live', { orderId: 'o-1' });
  expect(run.status).toBe('SUCCEEDED');
  expect(run.result).toBe('hello-o-1!');
  const steps = run.history.filter((event) => event.EventType === 'StepSucceeded').map((event) => event.Name);
  expect(steps).toEqual(['greet']);
});

test('an export already made with withDurableExecution is used as it is', async () => {
  const run = await service.run('Wrapped:live', { orderId: 'o-2' });
  expect(run.status).toBe('SUCCEEDED');
  expect(run.result).toEqual({ shipped: 'shipped-o-2' });
});

test('the handler prop selects another export, started through a custom alias', async () => {
  const run = await service.run('Named:prod', { orderId: 'abcd' });
  expect(run.status).toBe('SUCCEEDED');
  expect(run.result).toBe(4);
});

test('a minified CommonJS workflow runs too', async () => {
  const run = await service.run('CommonJs:live', { value: 21 });
  expect(run.status).toBe('SUCCEEDED');
  expect(run.result).toBe(42);
});
