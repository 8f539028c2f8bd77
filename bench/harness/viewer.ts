/**
 * The execution viewer's benchmark: how fast the page paints and draws a 3,000-operation execution
 * (the service's limit) in headless Chromium (Debian's, as in the page tests), served by the viewer
 * over a local service that ran the execution.
 *
 * Reported per load, median of several loads of `/?arn=…` in a fresh tab:
 * - first paint: the browser's `first-contentful-paint`, from navigation start;
 * - complete timeline: from navigation start until the page has drawn all 3,000 rows (it reads the
 *   list and the history through the viewer's API, builds the model and the DOM);
 * - render: the page's own DOM-building time for the timeline (`#timeline[data-render-ms]`).
 *
 * @example
 * process.stdout.write(await formatViewerBench(console.error));
 */
import * as path from 'node:path';
import { LocalDurableService } from '../../local';
import { localServiceSource, startViewer } from '../../local/viewer';
import { launchChromium } from '../../test/support/browser';
import { VIEWER_BENCH_ITEMS } from './viewer-workflow';

/** The rows the execution draws: the map, its iterations and their steps (the execution's own operation makes 3,000). */
const EXPECTED_ROWS = 1 + VIEWER_BENCH_ITEMS * 2;
const LOADS = 5;

/** Medians over the loads, in milliseconds. */
export interface ViewerFigures {
  readonly operations: number;
  readonly loads: number;
  readonly firstPaintMs: number;
  readonly completeTimelineMs: number;
  readonly renderMs: number;
}

/**
 * Runs the 3,000-operation execution on a local service and measures the viewer drawing it.
 *
 * @throws Error when the execution does not succeed or the page draws another number of rows.
 * @example
 * const figures = await measureViewer(console.error);
 */
export async function measureViewer(progress: (line: string) => void = () => undefined): Promise<ViewerFigures> {
  progress(`viewer: running a ${EXPECTED_ROWS + 1}-operation execution on the local service`);
  const svc = await LocalDurableService.start({ clock: 'virtual', handlerOutput: 'silent' });
  try {
    await svc.registerFunction({ name: 'viewer-bench', bundle: path.join(__dirname, 'viewer-workflow.ts'), timeout: 900 });
    const run = await svc.run('viewer-bench:live', {}, { executionName: 'viewer-bench' });
    if (run.status !== 'SUCCEEDED') throw new Error(`the viewer benchmark's execution ended ${run.status}: ${run.error?.ErrorMessage ?? ''}`);
    const viewer = await startViewer({ source: localServiceSource(svc, ['viewer-bench']), title: 'viewer benchmark' });
    const browser = await launchChromium();
    try {
      const samples: Array<{ firstPaint: number; complete: number; render: number }> = [];
      for (let load = 0; load <= LOADS; load++) {
        const page = await browser.newPage();
        await page.setViewport({ width: 1400, height: 900 });
        await page.goto(`${viewer.url}?arn=${encodeURIComponent(run.executionArn)}`);
        await page.waitForFunction(`document.getElementById('timeline')?.dataset.rows === '${EXPECTED_ROWS}'`, { timeout: 120_000, polling: 'mutation' });
        const figures = (await page.evaluate(`(() => {
          const paint = performance.getEntriesByName('first-contentful-paint')[0];
          return {
            firstPaint: paint ? paint.startTime : NaN,
            complete: performance.now(),
            render: Number(document.getElementById('timeline').dataset.renderMs),
          };
        })()`)) as { firstPaint: number; complete: number; render: number };
        await page.close();
        // The first load warms the browser and the service's history reads; it is not counted.
        if (load > 0) samples.push(figures);
        progress(`viewer: load ${load}${load === 0 ? ' (warm-up)' : ''}: first paint ${figures.firstPaint.toFixed(0)} ms, complete ${figures.complete.toFixed(0)} ms, render ${figures.render} ms`);
      }
      return {
        operations: EXPECTED_ROWS + 1,
        loads: samples.length,
        firstPaintMs: median(samples.map((sample) => sample.firstPaint)),
        completeTimelineMs: median(samples.map((sample) => sample.complete)),
        renderMs: median(samples.map((sample) => sample.render)),
      };
    } finally {
      await browser.close();
      await viewer.close();
    }
  } finally {
    await svc.stop();
  }
}

/**
 * The viewer's row of `npm run bench`, as a markdown table.
 *
 * @example
 * process.stdout.write(await formatViewerBench());
 */
export async function formatViewerBench(progress: (line: string) => void = () => undefined): Promise<string> {
  const figures = await measureViewer(progress);
  return [
    '| viewer (headless Chromium) | operations | first paint | complete timeline | page render |',
    '|---|---:|---:|---:|---:|',
    `| one execution, median of ${figures.loads} loads | ${figures.operations} | ${figures.firstPaintMs.toFixed(0)} ms | ${figures.completeTimelineMs.toFixed(0)} ms | ${figures.renderMs.toFixed(0)} ms |`,
    '',
    '',
  ].join('\n');
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
