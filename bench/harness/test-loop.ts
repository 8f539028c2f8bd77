/**
 * The test-loop workload: the loop users run most, their own workflow tests. The same five tests
 * (`bench/test-loop/cases.ts`) run three ways, each way in a fresh Node process per round:
 *
 * - `ours`: this package's in-process service (`local/testing`), the handler called in-process;
 * - `official`: `@aws/durable-execution-sdk-js-testing`'s LocalDurableTestRunner with `skipTime`;
 * - `ours-http`: this package's local HTTP service hosting the deployed bundle (SDK bundled) in a
 *   function process, the realistic mode.
 *
 * Each driver is bundled to JavaScript first (packages from node_modules stay external), so every
 * mode loads compiled code as an installed package would, and no TypeScript compiler is timed.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { build } from 'esbuild';
import type { TestLoopReport } from '../test-loop/cases';
import { TEST_CASES } from '../test-loop/cases';
import { bundleWorkload, REPO_ROOT } from './bundle';
import { summarize, Summary } from './stats';

/** The three ways of running the tests. */
export const TEST_LOOP_MODES = ['ours', 'official', 'ours-http'] as const;
export type TestLoopMode = (typeof TEST_LOOP_MODES)[number];

/** One mode's figures over the rounds. */
export interface TestLoopFigures {
  /** Process start to the end of the last test, ms. */
  readonly totalMs: Summary;
  /** Process start until the first test could start, ms. */
  readonly setupMs: Summary;
  /** Per test id: its time, ms. */
  readonly tests: Record<string, Summary>;
}

/** Everything the workload measured. */
export interface TestLoopResult {
  readonly rounds: number;
  readonly tests: ReadonlyArray<{ readonly id: string; readonly title: string }>;
  readonly modes: Record<TestLoopMode, TestLoopFigures>;
}

/**
 * Builds the drivers, then runs `rounds` rounds of every mode (the order rotates each round, so a
 * change in machine load hits every mode alike).
 *
 * @example
 * const result = await measureTestLoop(buildDir, 5, (line) => console.error(line));
 * result.modes.ours.totalMs.median;
 */
export async function measureTestLoop(buildDir: string, rounds: number, progress: (line: string) => void): Promise<TestLoopResult> {
  const drivers = {} as Record<TestLoopMode, string>;
  for (const mode of TEST_LOOP_MODES) {
    const outfile = path.join(buildDir, `test-loop-${mode}.js`);
    await build({
      entryPoints: [path.join(REPO_ROOT, 'bench', 'test-loop', `driver-${mode}.ts`)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      alias: { 'cdk-durable-function/runtime': path.join(REPO_ROOT, 'runtime', 'index.ts') },
      logLevel: 'silent',
    });
    drivers[mode] = outfile;
  }
  const handlers = await bundleWorkload('bench/test-loop/ours-handlers.ts', path.join(buildDir, 'test-loop-ours-handlers.js'), 'bundled-esm');
  const reports: Record<TestLoopMode, TestLoopReport[]> = { ours: [], official: [], 'ours-http': [] };
  for (let round = 0; round < rounds; round++) {
    const order = TEST_LOOP_MODES.map((_, i) => TEST_LOOP_MODES[(i + round) % TEST_LOOP_MODES.length]);
    for (const mode of order) {
      const report = runDriver(mode, drivers[mode], handlers.file);
      reports[mode].push(report);
      progress(`  ${mode.padEnd(9)} #${round + 1}: ${report.totalMs.toFixed(0)} ms in all; ${report.tests.map((t) => `${t.id} ${t.ms.toFixed(0)} ms`).join(', ')}`);
    }
  }
  const modes = {} as Record<TestLoopMode, TestLoopFigures>;
  for (const mode of TEST_LOOP_MODES) {
    const list = reports[mode];
    const tests: Record<string, Summary> = {};
    for (const test of TEST_CASES) tests[test.id] = summarize(list.map((r) => r.tests.find((t) => t.id === test.id)?.ms ?? Number.NaN));
    modes[mode] = { totalMs: summarize(list.map((r) => r.totalMs)), setupMs: summarize(list.map((r) => r.setupMs)), tests };
  }
  return { rounds, tests: TEST_CASES.map((t) => ({ id: t.id, title: t.title })), modes };
}

function runDriver(mode: TestLoopMode, driver: string, bundle: string): TestLoopReport {
  const child = spawnSync(process.execPath, [driver], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 3 * 60 * 1000,
    env: { ...process.env, TEST_LOOP_BUNDLE: bundle, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const line = (child.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (child.status !== 0 || line === undefined) {
    throw new Error(`The ${mode} test-loop driver failed (exit ${child.status ?? child.signal}):\n${(child.stderr ?? '').slice(-3000)}`);
  }
  return JSON.parse(line) as TestLoopReport;
}
