/**
 * The package as a user gets it: the packed tarball installed into a fresh CDK app outside the
 * repository, with the classic tsconfig `cdk init` writes and with a NodeNext one. The app's code
 * uses all three entry points — the construct, the runtime (in the workflow) and the local service —
 * is type-checked and compiled by the app's own tsc, synthesizes a stack, and runs the synthesized
 * function on the local service.
 */
import * as path from 'node:path';
import { createPackedApp, type PackedApp } from '../support/packed-app';

jest.setTimeout(15 * 60_000);

const WORKFLOW = `
import { Duration, type DurableContext } from 'cdk-durable-function/runtime';

interface Charge { chargeId: string; amount: number }
interface Shipment { trackingNumber: string }

export async function handler(input: { orderId: string }, ctx: DurableContext) {
  const order = await ctx.step('load', async () => ({ id: input.orderId, total: 42 }));
  await ctx.wait('cool-off', Duration.minutes(5));
  const batch = await ctx.parallel('fulfil', [
    { name: 'charge', func: async (branch) => branch.step('charge', async (): Promise<Charge> => ({ chargeId: 'c-' + order.id, amount: order.total })) },
    { name: 'ship', func: async (branch) => branch.step('ship', async (): Promise<Shipment> => ({ trackingNumber: 'T-' + order.id })) },
  ]);
  return batch.getResults();
}
`;

const APP = `
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { DurableFunction } from 'cdk-durable-function';

/** The app: one durable function, synthesized into \`outdir\`. */
export function buildApp(outdir: string): App {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Orders');
  new DurableFunction(stack, 'Orders', {
    entry: path.join(__dirname, '..', 'src', 'orders.ts'),
    durableConfig: { executionTimeout: Duration.hours(1), retentionPeriod: Duration.days(7) },
  });
  return app;
}
`;

const RUN_LOCAL = `
import * as path from 'path';
import { LocalDurableService } from 'cdk-durable-function/local';
import { buildApp } from './app';

async function main(): Promise<void> {
  const assembly = buildApp(path.join(__dirname, '..', 'cdk.out')).synth();
  const stack = assembly.getStackByName('Orders');
  const [fn] = Object.values(stack.template.Resources as Record<string, { Type: string; Properties: any }>)
    .filter((resource) => resource.Type === 'AWS::Lambda::Function');
  const [file, exportName] = (fn.Properties.Handler as string).split('.');
  const bundle = path.join(assembly.directory, 'asset.' + String(fn.Properties.Code.S3Key).replace('.zip', ''), file + '.js');
  const service = await LocalDurableService.start({ clock: 'virtual', handlerOutput: 'silent' });
  try {
    await service.registerFunction({
      name: 'orders', bundle, handler: exportName,
      executionTimeout: fn.Properties.DurableConfig.ExecutionTimeout,
      retentionDays: fn.Properties.DurableConfig.RetentionPeriodInDays,
    });
    const run = await service.run('orders:live', { orderId: '42' });
    const waits = run.history.filter((event) => event.EventType === 'WaitSucceeded').length;
    process.stdout.write(JSON.stringify({ status: run.status, result: run.result, waits, durableConfig: fn.Properties.DurableConfig }));
  } finally {
    await service.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
`;

describe.each(['classic', 'nodenext'] as const)('a fresh CDK app with the %s tsconfig', (tsconfig) => {
  let app: PackedApp;
  beforeAll(() => {
    // The app also depends on the SDK itself, as apps that call Lambda do.
    app = createPackedApp({ tsconfig, dependencies: { '@aws-sdk/client-lambda': '^3.1178.0' } });
    app.write('src/orders.ts', WORKFLOW);
    app.write('bin/app.ts', APP);
    app.write('bin/run-local.ts', RUN_LOCAL);
  });
  afterAll(() => app?.cleanup());

  test('type-checks against the declarations, never the package\'s sources', () => {
    const trace = app.runOk('npx', ['tsc', '--noEmit', '--traceResolution']).stdout;
    for (const entry of ['cdk-durable-function', 'cdk-durable-function/runtime', 'cdk-durable-function/local']) {
      const resolved = new RegExp(`Module name '${entry}' was successfully resolved to '([^']+)'`).exec(trace);
      expect(resolved?.[1]).toMatch(/node_modules\/cdk-durable-function\/dist\/(lib|runtime|local)\/index\.d\.ts$/);
    }
    expect(/node_modules\/cdk-durable-function\/(?!dist\/)[^']*\.ts'/.test(trace)).toBe(false);
  });

  test('ships compiled code, the README and lib/README.md, and no TypeScript sources', () => {
    const files = app.runOk('find', ['node_modules/cdk-durable-function', '-type', 'f']).stdout.split('\n').filter(Boolean);
    const relative = files.map((file) => path.relative('node_modules/cdk-durable-function', file));
    expect(relative).toEqual(expect.arrayContaining(['README.md', 'lib/README.md', 'package.json', 'dist/lib/index.js', 'dist/runtime/index.d.ts']));
    expect(relative.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
    expect(relative.filter((file) => file.endsWith('.map'))).toEqual([]);
  });

  test('npm dedupes @aws-sdk/client-lambda with the app\'s own: one copy', () => {
    const listed = app.runOk('npm', ['ls', '@aws-sdk/client-lambda', '--all', '--parseable']).stdout.split('\n').filter(Boolean);
    expect(listed.map((dir) => path.relative(app.dir, dir))).toEqual(['node_modules/@aws-sdk/client-lambda']);
  });

  test('the README\'s command line runs the workflow file on the local service', () => {
    const result = app.run('npx', ['cdk-durable', 'local', 'src/orders.ts', '--input', '{"orderId":"42"}']);
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('SUCCEEDED');
    expect(result.stdout).toContain('T-42');
  });

  test('compiles with the app\'s tsc, synthesizes, and the synthesized function runs on the local service', () => {
    app.runOk('npx', ['tsc', '-p', '.']);
    const out = JSON.parse(app.runOk('node', ['bin/run-local.js']).stdout) as Record<string, unknown>;
    expect(out).toEqual({
      status: 'SUCCEEDED',
      result: [{ chargeId: 'c-42', amount: 42 }, { trackingNumber: 'T-42' }],
      waits: 1,
      durableConfig: { ExecutionTimeout: 3600, RetentionPeriodInDays: 7 },
    });
  });
});
