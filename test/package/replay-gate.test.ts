/**
 * The replay gate as a user gets it: the packed package installed in a fresh app outside the
 * repository; a history saved by `cdk-durable local --save-history`, replayed by `cdk-durable
 * replay` against the same workflow and a changed one, and by `replayHistories` from
 * `cdk-durable-function/local` in a compiled script, as the README shows.
 */
import { createPackedApp, type PackedApp } from '../support/packed-app';

jest.setTimeout(600_000);

const workflow = (charge: string) => `import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (input: { orderId: string }, ctx) => {
  const reserved = await ctx.step('reserve', async () => \`res-\${input.orderId}\`);
  await ctx.wait('settle', Duration.minutes(5));
  return ctx.step('${charge}', async () => \`\${reserved}-charged\`);
});
`;

const SCRIPT = `import { formatReplayReports, replayHistories, type ReplayReport } from 'cdk-durable-function/local';

const reports: ReplayReport[] = await replayHistories({ entry: 'src/orders-v2.ts', histories: ['histories/order-42.json'] });
process.stdout.write(formatReplayReports(reports));
process.stdout.write(JSON.stringify(reports.map((r) => ({ verdict: r.verdict, divergence: r.divergence }))) + '\\n');
`;

let app: PackedApp;

beforeAll(() => {
  app = createPackedApp({ tsconfig: 'nodenext' });
  app.write('src/orders.ts', workflow('charge'));
  app.write('src/orders-v2.ts', workflow('capture'));
  // The last step removed: the new code completes without reaching the recorded "charge".
  app.write('src/orders-v3.ts', workflow('charge').replace(/\n  return ctx\.step\('charge'[^\n]*\n/, "\n  return reserved;\n"));
  app.write('check/replay.mts', SCRIPT);
});

afterAll(() => app?.cleanup());

test('cdk-durable local --save-history, then cdk-durable replay against the same and a changed workflow', () => {
  const local = app.run('npx', ['--no-install', 'cdk-durable', 'local', 'src/orders.ts', '--input', '{"orderId":"42"}', '--save-history', 'histories/order-42.json']);
  expect(local.stderr).toContain('Saved the execution');
  expect(local.status).toBe(0);

  const same = app.run('npx', ['--no-install', 'cdk-durable', 'replay', '--entry', 'src/orders.ts', 'histories/']);
  expect(same.stdout).toContain('1 histories: 1 compatible');
  expect(same.status).toBe(0);

  const changed = app.run('npx', ['--no-install', 'cdk-durable', 'replay', '--entry', 'src/orders-v2.ts', 'histories/order-42.json']);
  expect(changed.stdout).toContain('operation #3 of the root context: recorded STEP "charge" (Step), new code asks for STEP "capture" (Step)');
  expect(changed.stdout).toContain('at src/orders-v2.ts:6:');
  expect(changed.status).toBe(1);

  const shortened = app.run('npx', ['--no-install', 'cdk-durable', 'replay', '--entry', 'src/orders-v3.ts', 'histories/order-42.json']);
  expect(shortened.stdout).toContain(
    'operation #3 of the root context: recorded STEP "charge" (Step), never reached by the new code; instead it completed (SUCCEEDED)',
  );
  expect(shortened.status).toBe(1);
});

test('replayHistories from cdk-durable-function/local in a compiled script', () => {
  app.runOk('npx', ['--no-install', 'tsc', '-p', 'tsconfig.json', '--outDir', 'build']);
  const result = app.runOk('node', ['build/check/replay.mjs']);
  expect(result.stdout).toContain('DIVERGENT (NonDeterministicError)');
  expect(result.stdout).toContain('"verdict":"divergent"');
});
