/**
 * The execution viewer in a real headless Chromium, over a local service running a workflow with
 * a retried step, a wait, a map with `maxConcurrency: 3`, a callback and an HTML payload.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetDurableExecutionCommand, InvokeCommand, SendDurableExecutionCallbackSuccessCommand, type Event } from '@aws-sdk/client-lambda';
import type { Browser, Page } from 'puppeteer-core';
import { LocalDurableService } from '../../local';
import { fileSource, localServiceSource, serializeHistoryFile, startViewer, type ExecutionViewer } from '../../local/viewer';
import { launchChromium } from '../support/browser';

jest.setTimeout(180_000);

const ENTRY = path.join(__dirname, '../fixtures/viewer/viewer-workflow.ts');
const FUNCTION = 'viewer-demo';

let svc: LocalDurableService;
let viewer: ExecutionViewer;
let browser: Browser;
let page: Page;
let okArn: string;
let failedArn: string;

async function callbackIdOf(arn: string): Promise<string> {
  for (let i = 0; i < 800; i++) {
    const started = svc.history(arn).find((event) => event.EventType === 'CallbackStarted');
    const id = started?.CallbackStartedDetails?.CallbackId;
    if (id) return id;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no callback started in ${arn}`);
}

async function startExecution(input: unknown): Promise<string> {
  const started = await svc
    .client()
    .send(new InvokeCommand({ FunctionName: `${FUNCTION}:live`, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(input)) }));
  return started.DurableExecutionArn as string;
}

async function approve(arn: string): Promise<void> {
  const callbackId = await callbackIdOf(arn);
  await svc.client().send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: Buffer.from('{"approvedBy":"dana"}') }));
}

async function openExecution(target: Page, arn: string): Promise<void> {
  await target.waitForSelector(`#executions tbody tr[data-arn="${arn}"]`);
  await target.click(`#executions tbody tr[data-arn="${arn}"]`);
  await target.waitForFunction(`document.getElementById('timeline')?.dataset.arn === ${JSON.stringify(arn)}`);
}

/** What the page's elements carry in their data attributes (the tests compile without the DOM library). */
interface DataElement {
  readonly dataset: Record<string, string | undefined>;
}

interface RowData {
  readonly name?: string;
  readonly type?: string;
  readonly subType?: string;
  readonly status?: string;
  readonly abandoned?: string;
  readonly maxRunning?: string;
  readonly depth?: string;
  readonly badges: string[];
  readonly spans: string[];
  readonly marks: number;
}

function rowsOf(target: Page): Promise<RowData[]> {
  return target.$$eval('#timeline .row[data-op-id]', (rows) =>
    rows.map((row) => {
      const data = (row as unknown as DataElement).dataset;
      return {
        name: data.name,
        type: data.type,
        subType: data.subType,
        status: data.status,
        abandoned: data.abandoned,
        maxRunning: data.maxRunning,
        depth: data.depth,
        badges: [...row.querySelectorAll('.badge')].map((badge) => badge.textContent ?? ''),
        spans: [...row.querySelectorAll('.span')].map((span) => (span as unknown as DataElement).dataset.span ?? ''),
        marks: row.querySelectorAll('.mark').length,
      };
    }),
  );
}

beforeAll(async () => {
  svc = await LocalDurableService.start({ clock: 'virtual', handlerOutput: 'silent' });
  await svc.registerFunction({ name: FUNCTION, bundle: ENTRY });
  okArn = await startExecution({ orderId: 'ok-1' });
  await approve(okArn);
  await svc.waitForExecution(okArn, 60_000);
  failedArn = await startExecution({ orderId: 'bad-1', fail: true });
  await svc.waitForExecution(failedArn, 60_000);
  viewer = await startViewer({ source: localServiceSource(svc, [FUNCTION]), title: 'viewer test' });
  browser = await launchChromium();
  page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  await page.goto(viewer.url);
});

afterAll(async () => {
  await browser?.close();
  await viewer?.close();
  await svc?.stop();
});

test('lists the executions with their statuses and filters them', async () => {
  await page.waitForSelector(`#executions tbody tr[data-arn="${failedArn}"]`);
  const listed = await page.$$eval('#executions tbody tr', (rows) => rows.map((row) => [(row as unknown as DataElement).dataset.arn, (row as unknown as DataElement).dataset.status]));
  expect(listed).toEqual(expect.arrayContaining([[okArn, 'SUCCEEDED'], [failedArn, 'FAILED']]));
  await page.select('#status-filter', 'FAILED');
  const failedOnly = await page.$$eval('#executions tbody tr', (rows) => rows.map((row) => (row as unknown as DataElement).dataset.status));
  expect(failedOnly).toEqual(['FAILED']);
  await page.select('#status-filter', '');
});

test('draws one row per operation, nested, with retries, waits, a callback and the map concurrency', async () => {
  await openExecution(page, okArn);
  const rows = await rowsOf(page);
  const top = rows.filter((row) => row.depth === '0').map((row) => `${row.subType}:${row.name}`);
  expect(top).toEqual(['Step:reserve', 'Wait:settle', 'Step:charge', 'Map:pack', 'Callback:approval']);
  expect(rows).toHaveLength(5 + 7 + 7); // seven map items, each with its wait
  expect(rows.every((row) => row.status === 'SUCCEEDED')).toBe(true);

  const charge = rows.find((row) => row.name === 'charge') as RowData;
  expect(charge.badges).toContain('3 attempts');
  expect(charge.marks).toBe(2);
  expect(charge.spans.filter((kind) => kind === 'retry-delay')).toHaveLength(2);
  expect((rows.find((row) => row.name === 'settle') as RowData).spans).toEqual(['wait']);
  expect((rows.find((row) => row.name === 'approval') as RowData).spans).toEqual(['callback']);

  const pack = rows.find((row) => row.name === 'pack') as RowData;
  expect(Number(pack.maxRunning)).toBe(3);
  expect(rows.filter((row) => row.subType === 'MapIteration' && row.depth === '1')).toHaveLength(7);

  const bands = await page.$$eval('#timeline .band', (nodes) => nodes.length);
  const history = svc.history(okArn);
  expect(bands).toBe(history.filter((event: Event) => event.EventType === 'InvocationCompleted').length);
  expect(await page.$eval('#clock-note', (node) => node.textContent)).toMatch(/virtual clock/);
});

test('shows a payload containing <script> as text, never as markup', async () => {
  await openExecution(page, okArn);
  await page.click('#timeline .row[data-name="reserve"]');
  await page.waitForSelector('#details pre.result');
  const shown = await page.$eval('#details pre.result', (node) => node.textContent ?? '');
  expect(shown).toContain('<script>window.__xss = 1</script>');
  expect(shown).toContain('onerror=');
  expect(await page.$$eval('#details script, #details img', (nodes) => nodes.length)).toBe(0);
  expect(await page.evaluate('window.__xss')).toBeUndefined();
});

test('clicking a failed operation shows its error', async () => {
  await openExecution(page, failedArn);
  const rows = await rowsOf(page);
  expect(rows.map((row) => `${row.name}:${row.status}`)).toEqual(['reserve:SUCCEEDED', 'charge:FAILED']);
  await page.click('#timeline .row[data-name="charge"]');
  await page.waitForSelector('#details pre.error');
  expect(await page.$eval('#details pre.error', (node) => node.textContent)).toContain('CardDeclined: card declined for order bad-1');
});

test('shows times relative to the start or as wall-clock', async () => {
  await openExecution(page, okArn);
  const relative = await page.$$eval('#timeline .tick', (ticks) => ticks.map((tick) => tick.textContent));
  expect(relative[0]).toBe('+0 ms');
  await page.click('input[name="time-mode"][value="wall"]');
  const wall = await page.$$eval('#timeline .tick', (ticks) => ticks.map((tick) => tick.textContent));
  expect(wall[0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} UTC$/);
  await page.click('input[name="time-mode"][value="relative"]');
});

test('follows a running execution until it ends', async () => {
  const arn = await startExecution({ orderId: 'live-1' });
  await callbackIdOf(arn);
  await page.reload();
  await openExecution(page, arn);
  expect(await page.$eval('#timeline', (node) => (node as unknown as DataElement).dataset.status)).toBe('RUNNING');
  expect(await page.$eval('#timeline .row[data-name="approval"]', (node) => (node as unknown as DataElement).dataset.status)).toBe('STARTED');
  await approve(arn);
  await page.waitForFunction(`document.getElementById('timeline')?.dataset.status === 'SUCCEEDED'`, { timeout: 30_000 });
  expect(await page.$eval('#timeline .row[data-name="approval"]', (node) => (node as unknown as DataElement).dataset.status)).toBe('SUCCEEDED');
});

test('refuses a request whose Host is not the loopback address', async () => {
  const status = (host: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: viewer.port, path: '/api/executions', headers: { Host: host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
    });
  expect(await status('attacker.example')).toBe(403);
  expect(await status(`attacker.example:${viewer.port}`)).toBe(403);
  expect(await status(`127.0.0.1:${viewer.port + 1}`)).toBe(403);
  expect(await status(`localhost:${viewer.port}`)).toBe(200);
  expect(await status(`127.0.0.1:${viewer.port}`)).toBe(200);
});

test('shows a saved history file as it showed the live execution', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'viewer-history-'));
  try {
    const execution = await svc.client().send(new GetDurableExecutionCommand({ DurableExecutionArn: okArn }));
    const file = path.join(dir, 'ok-1.json');
    fs.writeFileSync(file, serializeHistoryFile(execution, svc.history(okArn), { virtualClock: true }));
    await openExecution(page, okArn);
    const live = await rowsOf(page);
    const saved = await startViewer({ source: fileSource([file]) });
    try {
      await page.goto(saved.url);
      await openExecution(page, okArn);
      const fromFile = await rowsOf(page);
      expect(fromFile.map((row) => `${row.subType}:${row.name}:${row.status}`)).toEqual(live.map((row) => `${row.subType}:${row.name}:${row.status}`));
      expect(await page.$eval('#source-note', (node) => node.textContent)).toMatch(/from file/);
    } finally {
      await saved.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
