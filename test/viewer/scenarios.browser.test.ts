/**
 * The execution viewer over the six parallel scenarios run on the local service, in a real headless
 * Chromium: statuses, rows per timeline, the max-concurrency limit, the abandoned branches of the
 * first-successful race, a failed branch's error, and screenshots saved as test artifacts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { SCENARIO_NAMES, type ScenarioName } from '../../integ/catalog';
import type { ScenarioReport } from '../../integ/assertions/scenario';
import { runScenariosLocally, type LocalScenarioService } from '../../integ/local-backend/run-locally';
import { startViewer, type ExecutionViewer } from '../../local/viewer';
import { launchChromium, pngSize } from '../support/browser';

jest.setTimeout(300_000);

const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'viewer');
const VIEWPORT = { width: 1400, height: 900 };

/**
 * Rows each scenario's timeline draws (one per operation), from the scenario table: the parallel
 * itself, its branches, and what each branch runs.
 */
const EXPECTED_ROWS: Readonly<Record<ScenarioName, number>> = {
  'happy-path': 1 + 3,
  'partial-failure': 1 + 3,
  'failure-tolerance': 1 + 5,
  // Every branch is checkpointed as started with its durable wait before the fastest one wins.
  'first-successful': 1 + 4 * 2,
  // Six branches, each with its wait.
  'max-concurrency': 1 + 6 * 2,
  // Three branches, each with a step and a wait.
  'replay-determinism': 1 + 3 * 3,
};

const EXPECTED_STATUS: Readonly<Record<ScenarioName, string>> = {
  'happy-path': 'SUCCEEDED',
  'partial-failure': 'SUCCEEDED',
  'failure-tolerance': 'FAILED',
  'first-successful': 'SUCCEEDED',
  'max-concurrency': 'SUCCEEDED',
  'replay-determinism': 'SUCCEEDED',
};

interface DataElement {
  readonly dataset: Record<string, string | undefined>;
}

let viewer: ExecutionViewer;
let browser: Browser;
let page: Page;
let reports: readonly ScenarioReport[];
let release: () => void = () => undefined;
let finished: Promise<unknown>;

function arnOf(scenario: ScenarioName): string {
  const report = reports.find((candidate) => candidate.scenario === scenario);
  if (!report?.executionArn) throw new Error(`no execution for ${scenario}`);
  return report.executionArn;
}

async function openScenario(scenario: ScenarioName): Promise<void> {
  const arn = arnOf(scenario);
  await page.waitForSelector(`#executions tbody tr[data-arn="${arn}"]`);
  // The list is redrawn while it polls: click inside the page, where finding and clicking the row is one step.
  await page.$eval(`#executions tbody tr[data-arn="${arn}"]`, (row) => (row as unknown as { click(): void }).click());
  await page.waitForFunction(`document.getElementById('timeline')?.dataset.arn === ${JSON.stringify(arn)}`);
}

function rowData(): Promise<Array<Record<string, string | undefined>>> {
  return page.$$eval('#timeline .row[data-op-id]', (rows) => rows.map((row) => ({ ...(row as unknown as DataElement).dataset })));
}

beforeAll(async () => {
  let ready: (value: void) => void = () => undefined;
  const started = new Promise<void>((resolve) => (ready = resolve));
  const kept = new Promise<void>((resolve) => (release = resolve));
  finished = runScenariosLocally({
    beforeStop: async (service: LocalScenarioService, done) => {
      reports = done;
      viewer = await startViewer({ source: service.viewerSource(), title: 'Parallel scenarios (local service)' });
      ready();
      await kept;
      await viewer.close();
    },
  });
  // A failed run ends `finished` before `started`: surface its error instead of waiting forever.
  await Promise.race([started, finished.then(() => Promise.reject(new Error('the scenarios ended before the viewer started')))]);
  browser = await launchChromium();
  page = await browser.newPage();
  await page.setViewport(VIEWPORT);
  await page.goto(viewer.url);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  release();
  await finished?.catch(() => undefined);
});

test('lists the six executions with their statuses', async () => {
  await page.waitForFunction('document.querySelectorAll("#executions tbody tr").length === 6');
  const listed = await page.$$eval('#executions tbody tr', (rows) =>
    rows.map((row): [string | undefined, string | undefined] => [(row as unknown as DataElement).dataset.arn, (row as unknown as DataElement).dataset.status]),
  );
  expect(new Map(listed)).toEqual(new Map(SCENARIO_NAMES.map((scenario) => [arnOf(scenario), EXPECTED_STATUS[scenario]])));
});

test.each(SCENARIO_NAMES.map((scenario) => [scenario]))('%s: one row per operation, nested under the parallel', async (scenario) => {
  await openScenario(scenario);
  const rows = await rowData();
  expect(rows).toHaveLength(EXPECTED_ROWS[scenario]);
  expect(rows.filter((row) => row.depth === '0').map((row) => row.subType)).toEqual(['Parallel']);
  expect(await page.$eval('#timeline', (node) => (node as unknown as DataElement).dataset.status)).toBe(EXPECTED_STATUS[scenario]);
});

test('max-concurrency never draws more than two running branches', async () => {
  await openScenario('max-concurrency');
  const rows = await rowData();
  const throttled = rows.find((row) => row.name === 'throttled');
  expect(Number(throttled?.maxRunning)).toBe(2);
  expect(rows.filter((row) => row.subType === 'ParallelBranch' && row.status === 'SUCCEEDED')).toHaveLength(6);
});

test('first-successful shows the abandoned branches as started, not finished', async () => {
  await openScenario('first-successful');
  const rows = await rowData();
  const branches = rows.filter((row) => row.subType === 'ParallelBranch');
  expect(branches.filter((row) => row.status === 'SUCCEEDED').map((row) => row.name)).toEqual(['fastest']);
  const abandoned = branches.filter((row) => row.abandoned === 'true');
  expect(abandoned.map((row) => row.name)).toEqual(['slowest', 'mid1', 'mid2']);
  expect(abandoned.every((row) => row.status === 'STARTED')).toBe(true);
  expect(await page.$$eval('#timeline .row[data-abandoned="true"] .bar.abandoned', (bars) => bars.length)).toBeGreaterThanOrEqual(abandoned.length);
});

test('clicking the failed branch of partial-failure shows its error', async () => {
  await openScenario('partial-failure');
  await page.click('#timeline .row[data-name="boom"]');
  await page.waitForSelector('#details pre.error');
  expect(await page.$eval('#details pre.error', (node) => node.textContent)).toContain('intentional partial failure');
  expect(await page.$eval('#timeline .row[data-name="boom"]', (node) => (node as unknown as DataElement).dataset.status)).toBe('FAILED');
});

test('screenshots of two scenarios are non-blank and stable in size', async () => {
  const blankPage = await browser.newPage();
  await blankPage.setViewport(VIEWPORT);
  await blankPage.goto('about:blank');
  const blank = await blankPage.screenshot({ type: 'png' });
  await blankPage.close();

  for (const scenario of ['max-concurrency', 'first-successful'] as const) {
    await openScenario(scenario);
    await page.mouse.move(0, 0);
    const first = await page.screenshot({ type: 'png' });
    const second = await page.screenshot({ type: 'png' });
    fs.writeFileSync(path.join(ARTIFACTS, `${scenario}.png`), first);
    expect(pngSize(first)).toEqual(VIEWPORT);
    expect(pngSize(second)).toEqual(pngSize(first));
    // A drawn timeline compresses far worse than an empty page of the same size.
    expect(first.length).toBeGreaterThan(blank.length * 4);
    expect(Math.abs(first.length - second.length)).toBeLessThanOrEqual(first.length * 0.02);
  }
});
