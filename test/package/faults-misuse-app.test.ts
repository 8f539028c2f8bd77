/**
 * Issue-16 behaviour as a user meets it: the packed package installed into a fresh app outside the
 * repository. A literal handler export fails the synth; the README's custom-serdes example runs on
 * the local service while the default serdes refuses a Map; and many executions with an hour-long
 * wait finish on the virtual clock while another waits on a callback, each history in order.
 */
import { createPackedApp, type PackedApp } from '../support/packed-app';
import { readmeSectionBlocks } from '../support/readme-sections';

jest.setTimeout(10 * 60_000);

let app: PackedApp;

const SYNTH = `import { App, Stack } from 'aws-cdk-lib';
import { DurableFunction } from 'cdk-durable-function';

const app = new App();
const stack = new Stack(app, 'Shop', { env: { account: '123456789012', region: 'eu-west-1' } });
new DurableFunction(stack, 'Orders', { entry: 'src/bad.ts' });
app.synth();
`;

const README_SERDES = readmeSectionBlocks('The runtime (`cdk-durable-function/runtime`)').find((block) => block.includes('serdes: {'));

const STOCK = `import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (input: { lossy?: boolean }, ctx) => {
  if (input.lossy) {
    return ctx.step('lossy', async () => new Map([['apples', 3]]));
  }
${README_SERDES ?? ''}
  return stock.get('apples');
});
`;

const WAITS = `import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (input: { n: number; approval?: boolean }, ctx) => {
  if (input.approval) {
    return ctx.waitForCallback('approval', async () => undefined, { timeout: Duration.hours(1) });
  }
  await ctx.wait('one-hour', Duration.hours(1));
  return ctx.step('after', async () => input.n);
});
`;

const CHECK = `import { LocalDurableService } from 'cdk-durable-function/local';

async function main(): Promise<void> {
  const svc = await LocalDurableService.start({ handlerOutput: 'silent' });
  try {
    await svc.registerFunction({ name: 'stock', bundle: 'src/stock.ts' });
    await svc.registerFunction({ name: 'waits', bundle: 'src/waits.ts' });
    const custom = await svc.run('stock:live', {});
    const lossy = await svc.run('stock:live', { lossy: true });
    const approval = await svc.startExecution('waits:live', { n: -1, approval: true });
    const arns = await Promise.all(Array.from({ length: 20 }, (_, n) => svc.startExecution('waits:live', { n })));
    const runs = await Promise.all(arns.map((arn) => svc.waitForExecution(arn, 120_000)));
    const ordered = runs.every((run) => run.history.every((e, i, all) => i === 0 || (e.EventTimestamp as Date).getTime() >= (all[i - 1].EventTimestamp as Date).getTime()));
    const waited = runs.map((run) => {
      const started = run.history.find((e) => e.EventType === 'WaitStarted');
      const ended = run.history.find((e) => e.EventType === 'WaitSucceeded');
      return (ended!.EventTimestamp as Date).getTime() - (started!.EventTimestamp as Date).getTime();
    });
    const pending = svc.describe(approval);
    console.log(JSON.stringify({
      custom: [custom.status, custom.result],
      lossy: [lossy.status, lossy.error],
      waits: runs.map((run) => [run.status, run.result]),
      ordered,
      minWaitedMs: Math.min(...waited),
      approval: [pending.status, pending.operations.find((op) => op.Type === 'CALLBACK')?.Status],
    }));
  } finally {
    await svc.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`;

beforeAll(() => {
  // NodeNext resolution reads the package's `exports`, which is where `cdk-durable-function/local` is mapped.
  app = createPackedApp({ tsconfig: 'nodenext' });
  app.write('bin/synth.ts', SYNTH);
  app.write('src/bad.ts', 'export const handler = 42;\n');
  app.write('src/stock.ts', STOCK);
  app.write('src/waits.ts', WAITS);
  app.write('bin/check.ts', CHECK);
});

afterAll(() => app?.cleanup());

test('the README has the custom-serdes example this test runs', () => {
  expect(README_SERDES).toContain("new Map([['apples', 3]])");
});

test('`export const handler = 42` fails the synth with an error that names the export and the fix', () => {
  const result = app.run('npx', ['ts-node', 'bin/synth.ts']);
  expect(result.status).not.toBe(0);
  expect(`${result.stdout}\n${result.stderr}`).toContain('src/bad.ts exports "handler" as the number 42, not a function');
});

test('serdes rules, and hour-long waits that cost no real time while another execution waits on a callback', () => {
  const result = app.runOk('npx', ['ts-node', 'bin/check.ts']);
  const report = JSON.parse(result.stdout.trim().split('\n').at(-1) as string) as {
    custom: [string, unknown];
    lossy: [string, { ErrorType?: string; ErrorMessage?: string }];
    waits: Array<[string, unknown]>;
    ordered: boolean;
    minWaitedMs: number;
    approval: [string, string];
  };
  expect(report.custom).toEqual(['SUCCEEDED', 3]);
  expect(report.lossy[0]).toBe('FAILED');
  expect(report.lossy[1].ErrorMessage).toMatch(/is a Map/);
  expect(report.waits).toEqual(Array.from({ length: 20 }, (_, n) => ['SUCCEEDED', n]));
  expect(report.ordered).toBe(true);
  expect(report.minWaitedMs).toBeGreaterThanOrEqual(3_600_000);
  // The execution waiting on its callback did not skip to the callback's timeout.
  expect(report.approval).toEqual(['RUNNING', 'STARTED']);
});
