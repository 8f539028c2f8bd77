/**
 * The replay gate's commands: `local --save-history`, `history export` from a running local
 * service, and `replay` from an entry and from a synthesized cloud assembly, with their exit codes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import { DurableFunction } from '../../../lib';
import { LocalDurableService } from '../../../local';
import { runCli, type CliOutput } from '../../../local/cli';
import { parseHistoryFile } from '../../../local/viewer/history-file';
import { ReplayWorkspace } from './support';

jest.setTimeout(240_000);

const ws = new ReplayWorkspace();
afterAll(() => ws.cleanup());

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const output: CliOutput = { write: (stream, text) => (stream === 'stdout' ? (stdout += text) : (stderr += text)) };
  const code = await runCli(argv, output);
  return { code, stdout, stderr };
}

const v1 = ws.workflow('orders', `const r = await ctx.step('reserve', async () => input.orderId);\nawait ctx.wait('settle', Duration.minutes(5));\nreturn ctx.step('charge', async () => r + '!');`);
const renamed = ws.workflow('orders-renamed', `const r = await ctx.step('reserve', async () => input.orderId);\nawait ctx.wait('settle', Duration.minutes(5));\nreturn ctx.step('capture', async () => r + '!');`);

test('local --save-history writes a history that replays compatible against the same code and divergent against a rename', async () => {
  const file = path.join(ws.dir, 'saved', 'order-1.json');
  const run = await cli(['local', v1, '--input', '{"orderId":"42"}', '--save-history', file]);
  expect(run.code).toBe(0);
  const saved = parseHistoryFile(fs.readFileSync(file, 'utf8'), file);
  expect(saved.execution.Status).toBe('SUCCEEDED');
  expect(saved.execution.InputPayload).toBe('{"orderId":"42"}');
  expect(saved.virtualClock).toBe(true);

  const same = await cli(['replay', '--entry', v1, path.dirname(file)]);
  expect(same.code).toBe(0);
  expect(same.stdout).toContain('order-1.json');
  expect(same.stderr).toBe('');
  expect(same.stdout).toContain('compatible');
  expect(same.stdout).toContain('1 histories: 1 compatible, 0 divergent, 0 failed on replay.');

  const changed = await cli(['replay', '--entry', renamed, file]);
  expect(changed.code).toBe(1);
  expect(changed.stdout).toContain('DIVERGENT (NonDeterministicError)');
  expect(changed.stdout).toContain('operation #3 of the root context: recorded STEP "charge" (Step), new code asks for STEP "capture" (Step)');
  expect(changed.stdout).toContain(`at ${renamed}:7:`);

  const json = await cli(['replay', '--entry', renamed, '--json', file]);
  expect(JSON.parse(json.stdout)[0]).toMatchObject({ verdict: 'divergent', divergence: { position: 3, field: 'Name' } });
});

test('history export reads a running local service through its endpoint', async () => {
  const svc = await LocalDurableService.start({ handlerOutput: 'silent' });
  try {
    await svc.registerFunction({ name: 'orders', bundle: v1 });
    const run = await svc.run('orders:live', { orderId: '7' });
    const out = path.join(ws.dir, 'exported.json');
    const exported = await cli(['history', 'export', run.executionArn, '--endpoint', svc.endpoint, '--out', out]);
    expect(exported.code).toBe(0);
    const saved = parseHistoryFile(fs.readFileSync(out, 'utf8'), out);
    expect(saved.execution.DurableExecutionArn).toBe(run.executionArn);
    expect(saved.events.map((e) => e.EventType)).toEqual(svc.history(run.executionArn).map((e) => e.EventType));
    expect((await cli(['replay', '--entry', v1, out])).code).toBe(0);

    const missing = await cli(['history', 'export', `${run.executionArn}-nope`, '--endpoint', svc.endpoint]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ResourceNotFoundException');
  } finally {
    await svc.stop();
  }
});

test('replay --app --function replays the bundle the construct put in the cloud assembly', async () => {
  const history = await ws.record('assembly', v1, { input: { orderId: '9' } });
  const synth = (entry: string, dir: string) => {
    // What `cdk synth` sets: construct paths and asset paths in the template's metadata.
    const app = new cdk.App({ outdir: path.join(ws.dir, dir), context: { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true } });
    const stack = new cdk.Stack(app, 'OrdersStack');
    new DurableFunction(stack, 'Orders', { entry });
    app.synth();
    return path.join(ws.dir, dir);
  };
  const same = await cli(['replay', '--app', synth(v1, 'cdk.out'), '--function', 'OrdersStack/Orders', history]);
  expect(same.stderr).toBe('');
  expect(same.stdout).toContain('compatible');
  expect(same.code).toBe(0);
  const changed = await cli(['replay', '--app', synth(renamed, 'cdk.out.2'), '--function', 'OrdersStack/Orders', history]);
  expect(changed.code).toBe(1);
  expect(changed.stdout).toContain('new code asks for STEP "capture"');

  const wrong = await cli(['replay', '--app', path.join(ws.dir, 'cdk.out'), '--function', 'OrdersStack/Nope', history]);
  expect(wrong.code).toBe(2);
  expect(wrong.stderr).toContain('No Lambda function at OrdersStack/Nope');
});

test('usage errors exit 2 and name the problem', async () => {
  expect(await cli(['replay', 'x.json'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Give the new code with --entry') });
  expect(await cli(['replay', '--entry', v1])).toMatchObject({ code: 2, stderr: expect.stringContaining('at least one history') });
  const notHistory = path.join(ws.dir, 'not-history.json');
  fs.writeFileSync(notHistory, '{"format":"something-else"}');
  expect(await cli(['replay', '--entry', v1, notHistory])).toMatchObject({ code: 2, stderr: expect.stringContaining('is not a saved execution history') });
  expect(await cli(['history', 'export', 'arn'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--endpoint <url>') });
});
