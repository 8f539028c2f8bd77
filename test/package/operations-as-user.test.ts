/**
 * invoke, waitForCondition and the promise combinators as a user gets them: the packed package
 * installed into a fresh app outside the repository, the README's examples type-checked, the
 * workflow run on the local service (library and CLI), and the construct's grantInvokeFrom
 * synthesized. The app uses NodeNext resolution: under the `cdk init` (node10) resolution the
 * package's `./local` entry and its shipped runtime sources do not resolve cleanly yet, which the
 * package's own layout tests cover.
 */
import { createPackedApp, type PackedApp } from '../support/packed-app';

jest.setTimeout(10 * 60_000);

let app: PackedApp;

const CHECKOUT = `import { Duration, InvokeError, WaitStrategies, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (input: { sku: string; qty: number }, ctx) => {
  const quote = await ctx.invoke<typeof input, { total: number }>('quote', 'pricing', input);
  const stock = await ctx.waitForCondition('stock', async (n: number) => n + 1, {
    initialState: 0,
    waitStrategy: WaitStrategies.fixed({ delay: Duration.minutes(1), until: (n) => n >= 2 }),
  });
  const [label, carrier] = await ctx.promise.all([ctx.step('label', async () => 'L-' + input.sku), ctx.step('carrier', async () => 'ups')]);
  const first = await ctx.promise.race('first', [ctx.step('a', async () => 'a'), ctx.wait(Duration.hours(1))]);
  const refund = await ctx.invoke('refund', 'refunds').catch((e: InvokeError) => e.errorType + ': ' + e.message);
  return { quote, stock, label, carrier, first, refund };
});
`;

const PRICING = 'exports.handler = async (event) => ({ total: event.qty * 5 });\n';
const REFUNDS = "exports.handler = async () => { const e = new Error('closed'); e.name = 'RefundsClosed'; throw e; };\n";

const RUN = `import { LocalDurableService } from 'cdk-durable-function/local';

async function main(): Promise<void> {
  const svc = await LocalDurableService.start({ handlerOutput: 'silent' });
  try {
    await svc.registerFunction({ name: 'pricing', bundle: 'src/pricing.js', durable: false });
    await svc.registerFunction({ name: 'refunds', bundle: 'src/refunds.js', durable: false });
    await svc.registerFunction({ name: 'checkout', bundle: 'src/checkout.ts' });
    const run = await svc.run('checkout:live', { sku: 'tea', qty: 3 });
    process.stdout.write(JSON.stringify({ status: run.status, result: run.result }) + '\\n' + run.timeline + '\\n');
  } finally {
    await svc.stop();
  }
}
void main();
`;

const CDK_APP = `import { App, Stack } from 'aws-cdk-lib';
import { DurableFunction } from 'cdk-durable-function';

const app = new App();
const stack = new Stack(app, 'Shop');
const fraud = new DurableFunction(stack, 'Fraud', { entry: 'src/fraud.ts' });
const orders = new DurableFunction(stack, 'Orders', {
  entry: 'src/orders.ts',
  environment: { FRAUD_FUNCTION: fraud.alias.functionArn },
});
fraud.grantInvokeFrom(orders);
app.synth();
`;

const FRAUD = `import type { DurableContext } from 'cdk-durable-function/runtime';
export async function handler(quote: { total: number }, ctx: DurableContext) {
  return ctx.step('score', async () => ({ ok: quote.total < 1000 }));
}
`;

const ORDERS = `import type { DurableContext } from 'cdk-durable-function/runtime';
export async function handler(order: { total: number }, ctx: DurableContext) {
  return ctx.invoke('fraud-check', process.env.FRAUD_FUNCTION as string, order);
}
`;

beforeAll(() => {
  app = createPackedApp({ tsconfig: 'nodenext' });
  app.write('src/checkout.ts', CHECKOUT);
  app.write('src/pricing.js', PRICING);
  app.write('src/refunds.js', REFUNDS);
  app.write('src/fraud.ts', FRAUD);
  app.write('src/orders.ts', ORDERS);
  app.write('run.ts', RUN);
  app.write('bin/app.ts', CDK_APP);
});

afterAll(() => app?.cleanup());

test('the examples type-check', () => {
  app.runOk('npx', ['tsc', '--noEmit', '-p', '.']);
});

test('the workflow runs on the local service from the installed package: plain targets, waitForCondition, combinators', () => {
  const { stdout } = app.runOk('npx', ['ts-node', 'run.ts']);
  const [summary, ...timeline] = stdout.trim().split('\n');
  expect(JSON.parse(summary)).toEqual({
    status: 'SUCCEEDED',
    result: { quote: { total: 15 }, stock: 2, label: 'L-tea', carrier: 'ups', first: 'a', refund: 'RefundsClosed: closed' },
  });
  expect(timeline.join('\n')).toMatch(/CHAINED_INVOKE\/ChainedInvoke "quote" -> pricing\s+SUCCEEDED/);
  expect(timeline.join('\n')).toMatch(/STEP\/WaitForCondition "stock"\s+SUCCEEDED\s+attempts 2/);
});

test('the CLI hosts the plain targets with --plain-function', () => {
  const { stdout } = app.runOk('npx', [
    '--no-install', 'cdk-durable', 'local', 'src/checkout.ts', '--input', '{"sku":"tea","qty":1}',
    '--plain-function', 'pricing=src/pricing.js', '--plain-function', 'refunds=src/refunds.js',
  ]);
  expect(stdout).toContain('Status:    SUCCEEDED');
  expect(stdout).toMatch(/"total": 5/);
});

test('grantInvokeFrom synthesizes lambda:InvokeFunction for the caller on the target alias', () => {
  app.runOk('npx', ['ts-node', 'bin/app.ts'], { env: { CDK_OUTDIR: 'cdk.out' } });
  const template = JSON.parse(app.read('cdk.out/Shop.template.json')) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  const statements = Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Array<{ Action: unknown; Resource: unknown }> }).Statement);
  const invoke = statements.filter((s) => s.Action === 'lambda:InvokeFunction');
  expect(invoke).toHaveLength(1);
  expect(JSON.stringify(invoke[0].Resource)).toMatch(/FraudAlias/);
});
