/**
 * The execution viewer as a user gets it: the packed package installed into a fresh app, then
 * `npx cdk-durable local src/orders.ts --ui` and `npx cdk-durable view <history.json>`, with the
 * page, its script and the JSON API fetched from the printed URL and the page drawn in Chromium.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import type { Browser } from 'puppeteer-core';
import { createPackedApp, type PackedApp } from '../support/packed-app';
import { launchChromium } from '../support/browser';

jest.setTimeout(10 * 60_000);

const WORKFLOW = `import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (input: { orderId: string }, ctx) => {
  const order = await ctx.step('load', async () => ({ id: input.orderId, note: '<script>alert(1)</script>' }));
  await ctx.wait('cool-off', Duration.minutes(5));
  const batch = await ctx.parallel('fulfil', [
    { name: 'charge', func: async (branch) => branch.step('charge', async () => 'charged ' + order.id) },
    { name: 'ship', func: async (branch) => branch.step('ship', async () => 'shipped ' + order.id) },
  ]);
  return batch.getResults();
});
`;

// Saves one run's history the way the README shows: GetDurableExecution plus its events.
const SAVE_HISTORY = `const fs = require('node:fs');
const { GetDurableExecutionCommand } = require('@aws-sdk/client-lambda');
const { LocalDurableService, serializeHistoryFile } = require('cdk-durable-function/local');

(async () => {
  const svc = await LocalDurableService.start({ clock: 'virtual', handlerOutput: 'silent' });
  try {
    await svc.registerFunction({ name: 'orders', bundle: 'src/orders.ts' });
    const run = await svc.run('orders:live', { orderId: '7' }, { executionName: 'order-7' });
    const execution = await svc.client().send(new GetDurableExecutionCommand({ DurableExecutionArn: run.executionArn }));
    fs.writeFileSync('order-7.json', serializeHistoryFile(execution, run.history, { virtualClock: true }));
  } finally {
    await svc.stop();
  }
})();
`;

interface Served {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
}

let app: PackedApp;
let browser: Browser;

/** Starts a long-running command in the app and resolves once it prints the viewer's URL. */
function serve(args: readonly string[]): Promise<Served> {
  // The installed bin itself (what `npx cdk-durable` runs), so its own exit code is seen after Ctrl-C.
  const child = spawn(path.join(app.dir, 'node_modules', '.bin', 'cdk-durable'), args, { cwd: app.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  return new Promise((resolve, reject) => {
    const look = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      const match = /Execution viewer: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text);
      if (match) resolve({ child, url: match[1], output: () => text });
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', look);
    child.once('exit', (code) => reject(new Error(`cdk-durable ${args.join(' ')} exited with ${code} before serving:\n${text}`)));
  });
}

/** Ctrl-C, then the exit code. */
function interrupt(served: Served): Promise<number | null> {
  return new Promise((resolve) => {
    if (served.child.exitCode !== null) return resolve(served.child.exitCode);
    served.child.once('exit', (code) => resolve(code));
    served.child.kill('SIGINT');
  });
}

function get(url: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      })
      .on('error', reject);
  });
}

async function checkServed(served: Served, executionName: RegExp): Promise<void> {
  const page = await get(served.url);
  expect(page.status).toBe(200);
  expect(page.type).toMatch(/text\/html/);
  expect(page.body).toContain('/assets/viewer.js');
  expect((await get(`${served.url}assets/viewer.js`)).status).toBe(200);
  // `local --ui` serves the page while the execution runs: wait for it to end.
  let list: { executions: Array<{ arn: string; name: string; status: string }> } = { executions: [] };
  for (let i = 0; i < 600; i++) {
    list = JSON.parse((await get(`${served.url}api/executions`)).body) as typeof list;
    if (list.executions.length > 0 && list.executions[0].status !== 'RUNNING') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(list.executions).toHaveLength(1);
  expect(list.executions[0].status).toBe('SUCCEEDED');
  expect(list.executions[0].name).toMatch(executionName);
  const timeline = JSON.parse((await get(`${served.url}api/timeline?arn=${encodeURIComponent(list.executions[0].arn)}`)).body) as {
    rows: Array<{ name?: string }>;
  };
  expect(timeline.rows.map((row) => row.name)).toEqual(['load', 'cool-off', 'fulfil', 'charge', 'charge', 'ship', 'ship']);

  const tab = await browser.newPage();
  try {
    await tab.goto(`${served.url}?arn=${encodeURIComponent(list.executions[0].arn)}`);
    await tab.waitForFunction('document.getElementById("timeline")?.dataset.rows === "7"');
    await tab.click('#timeline .row[data-name="load"]');
    await tab.waitForSelector('#details pre.result');
    expect(await tab.$eval('#details pre.result', (node) => node.textContent)).toContain('<script>alert(1)</script>');
    expect(await tab.$$eval('#details script', (nodes) => nodes.length)).toBe(0);
  } finally {
    await tab.close();
  }
}

beforeAll(async () => {
  app = createPackedApp({ tsconfig: 'classic' });
  app.write('src/orders.ts', WORKFLOW);
  app.write('save-history.js', SAVE_HISTORY);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  app?.cleanup();
});

test('npx cdk-durable local src/orders.ts --ui serves the viewer until Ctrl-C', async () => {
  const served = await serve(['local', 'src/orders.ts', '--input', '{"orderId":"42"}', '--ui']);
  try {
    await checkServed(served, /./);
  } finally {
    const code = await interrupt(served);
    expect(served.output()).toContain('Status:    SUCCEEDED');
    expect(code).toBe(0);
  }
});

test('npx cdk-durable view <history.json> serves a saved history', async () => {
  app.runOk('node', ['save-history.js']);
  const served = await serve(['view', 'order-7.json']);
  try {
    await checkServed(served, /^order-7$/);
  } finally {
    expect(await interrupt(served)).toBe(0);
  }
});

test('npx cdk-durable view explains a bad command line', () => {
  const result = app.run('npx', ['--no-install', 'cdk-durable', 'view', '--function', 'orders']);
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('Give history files, or --region (or --endpoint) with --function.');
});
