/**
 * `cdk-durable view`: its command line, and the viewer it serves over a saved history and over a
 * local service's endpoint (a real service, a real LambdaClient, real HTTP).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetDurableExecutionCommand } from '@aws-sdk/client-lambda';
import { LocalDurableService } from '../../local';
import { runCli } from '../../local/cli';
import { parseViewArguments, runView, ViewUsageError } from '../../local/cli/view';
import { serializeHistoryFile } from '../../local/viewer';

jest.setTimeout(120_000);

const ENTRY = path.join(__dirname, '../fixtures/viewer/viewer-workflow.ts');

let svc: LocalDurableService;
let arn: string;
let dir: string;
let historyFile: string;

function getJson(url: string): Promise<{ status: number; body: { executions?: Array<{ arn: string; status: string; source: string }>; rows?: unknown[] } }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      })
      .on('error', reject);
  });
}

/** Runs `view` until `check` has looked at the served URL, and returns the exit code and output. */
async function serveAndCheck(argv: string[], check: (url: string) => Promise<void>): Promise<{ code: number; out: string }> {
  let out = '';
  let stop: () => void = () => undefined;
  const until = new Promise<void>((resolve) => (stop = resolve));
  let seen: (url: string) => void = () => undefined;
  const url = new Promise<string>((resolve) => (seen = resolve));
  const running = runView(argv, {
    until,
    write: (_stream, text) => {
      out += text;
      const match = /Execution viewer: (\S+)/.exec(out);
      if (match) seen(match[1]);
    },
  });
  try {
    await check(await Promise.race([url, running.then(() => Promise.reject(new Error(`view ended early:\n${out}`)))]));
  } finally {
    stop();
  }
  return { code: await running, out };
}

beforeAll(async () => {
  svc = await LocalDurableService.start({ clock: 'virtual', handlerOutput: 'silent' });
  await svc.registerFunction({ name: 'orders', bundle: ENTRY });
  const run = await svc.run('orders:live', { orderId: 'v-1', fail: true }, { executionName: 'v-1' });
  arn = run.executionArn;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'view-command-'));
  historyFile = path.join(dir, 'v-1.json');
  const execution = await svc.client().send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }));
  fs.writeFileSync(historyFile, serializeHistoryFile(execution, run.history, { virtualClock: true }));
});

afterAll(async () => {
  await svc?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test.each([
  [[], 'Give history files'],
  [['a.json', '--region', 'eu-west-1', '--function', 'f'], 'not both'],
  [['--region', 'eu-west-1'], '--function <name[:alias]>'],
  [['a.json', '--function', 'f'], '--function needs --region'],
  [['--endpoint', 'ftp://x', '--function', 'f'], 'http(s) URL'],
  [['a.json', '--port', '70000'], 'between 1 and 65535'],
  [['a.json', '--colour'], "Unknown option '--colour'"],
  [['--region'], 'needs a value'],
])('rejects %j with a message that says what to change', (argv, message) => {
  expect(() => parseViewArguments(argv)).toThrow(ViewUsageError);
  expect(() => parseViewArguments(argv)).toThrow(message);
});

test('parses the three sources', () => {
  expect(parseViewArguments(['a.json', 'b.json', '--port=8080'])).toEqual({ files: ['a.json', 'b.json'], functions: [], port: 8080 });
  expect(parseViewArguments(['--region', 'eu-west-1', '--function', 'orders:live', '--function', 'billing'])).toMatchObject({
    region: 'eu-west-1',
    functions: ['orders:live', 'billing'],
  });
  expect(parseViewArguments(['--endpoint', 'http://127.0.0.1:9001', '--function', 'orders'])).toMatchObject({ endpoint: 'http://127.0.0.1:9001' });
});

test('a missing history file is a usage error with exit code 1', async () => {
  let err = '';
  const code = await runView([path.join(dir, 'missing.json')], { write: (_stream, text) => (err += text) });
  expect(code).toBe(1);
  expect(err).toContain('missing.json does not exist');
});

test('serves a saved history until stopped', async () => {
  const { code, out } = await serveAndCheck([historyFile], async (url) => {
    const list = await getJson(`${url}api/executions`);
    expect(list.body.executions).toEqual([expect.objectContaining({ arn, status: 'FAILED', source: 'file' })]);
    const timeline = await getJson(`${url}api/timeline?arn=${encodeURIComponent(arn)}`);
    expect(timeline.body.rows).toHaveLength(2);
  });
  expect(code).toBe(0);
  expect(out).toMatch(/^Execution viewer: http:\/\/127\.0\.0\.1:\d+\/ {2}\(Ctrl-C to stop\)\n$/);
});

test('serves a local service through its endpoint, and is reached from cdk-durable view', async () => {
  let out = '';
  // Reads the service with a LambdaClient at --endpoint, as it would a deployed function.
  const { code } = await serveAndCheck(['--endpoint', svc.endpoint, '--function', 'orders'], async (url) => {
    const list = await getJson(`${url}api/executions`);
    expect(list.body.executions).toEqual([expect.objectContaining({ arn, status: 'FAILED', source: 'local' })]);
  });
  expect(code).toBe(0);
  const help = await runCli(['view', '--help'], { write: (_stream, text) => (out += text) });
  expect(help).toBe(0);
  expect(out).toContain('Usage: cdk-durable view');
});
