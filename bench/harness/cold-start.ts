/**
 * Bundle size and cold start of a minimal workflow (one step) per runtime. The cold start is the
 * time a fresh function process takes to load the bundle and handle its first invocation, timed
 * inside that process by `cold-start-probe.js`; Node's own start-up and the local service's
 * runner are the same for both runtimes and not part of it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { LocalDurableService } from '../../local';
import { RUNTIMES, RuntimeName } from '../workloads/catalog';
import { bundleWithConstruct, bundleWorkload, SdkPlacement } from './bundle';
import { summarize, Summary } from './stats';

const PROBE = path.join(__dirname, 'cold-start-probe.js');

/** Size of the minimal workflow's bundle. */
export interface BundleSize {
  readonly sdk: SdkPlacement;
  readonly minifiedBytes: number;
  readonly gzipBytes: number;
}

/** Cold start figures of one bundle, over fresh processes. */
export interface ColdStart {
  readonly sdk: SdkPlacement;
  /** `require` of the bundle, ms. */
  readonly loadMs: Summary;
  /** The first invocation (state, one step and its checkpoint, the output), ms. */
  readonly firstInvocationMs: Summary;
  /** Load plus first invocation, ms: the cold start figure. */
  readonly totalMs: Summary;
  /** CPU time (user + system) of load plus first invocation, ms: less sensitive to machine load. */
  readonly cpuMs: Summary;
  /** Peak RSS of the process after the first invocation, KiB. */
  readonly peakRssKb: Summary;
}

/** Sizes and cold starts of one runtime. */
export interface StartupFigures {
  readonly sizes: readonly BundleSize[];
  readonly coldStarts: readonly ColdStart[];
}

interface ProbeRecord {
  readonly loadMs: number;
  readonly firstInvocationMs: number;
  readonly cpuMs: number;
  readonly status: string;
  readonly maxRssKb: number;
}

/**
 * Builds each runtime's minimal workflow in three shapes (SDK bundled as each runtime's users
 * deploy it, SDK bundled from its ES modules by a plain esbuild call, SDK external), then times
 * `repetitions` cold starts of each in fresh processes. The runtimes alternate (ABBA) within
 * every round, so a change in machine load hits both alike.
 *
 * @example
 * const figures = await measureStartup(svc, buildDir, 10, (line) => console.error(line));
 * figures.ours.coldStarts[0].totalMs.median;
 */
export async function measureStartup(
  svc: LocalDurableService,
  buildDir: string,
  repetitions: number,
  progress: (line: string) => void,
): Promise<Record<RuntimeName, StartupFigures>> {
  const placements = ['bundled', 'bundled-esm', 'external'] as const;
  const bundles = new Map<string, string>();
  const sizes: Record<RuntimeName, BundleSize[]> = { ours: [], official: [] };
  for (const runtime of RUNTIMES) {
    for (const sdk of placements) {
      const entry = `bench/workloads/${runtime}/minimal.ts`;
      // The default shape with the SDK bundled is what each runtime's users deploy: ours through
      // the construct's own bundler, the official one as NodejsFunction bundles it (esbuild's defaults).
      const bundle = runtime === 'ours' && sdk === 'bundled'
        ? bundleWithConstruct(entry, path.join(buildDir, `${runtime}-minimal-construct`))
        : await bundleWorkload(entry, path.join(buildDir, `${runtime}-minimal-${sdk}.js`), sdk);
      bundles.set(`${runtime}/${sdk}`, bundle.file);
      sizes[runtime].push({ sdk, minifiedBytes: bundle.bytes, gzipBytes: gzipSync(fs.readFileSync(bundle.file), { level: 9 }).length });
      progress(`  ${runtime} minimal workflow, SDK ${sdk}: ${bundle.bytes.toLocaleString('en-US')} B minified`);
    }
  }
  const records = new Map<string, ProbeRecord[]>();
  for (let rep = 0; rep < repetitions; rep++) {
    const order = rep % 2 === 0 ? RUNTIMES : [...RUNTIMES].reverse();
    for (const runtime of order) {
      for (const sdk of placements) {
        const key = `${runtime}/${sdk}`;
        const record = await coldStartOnce(svc, runtime, sdk, bundles.get(key) as string, buildDir);
        records.set(key, [...(records.get(key) ?? []), record]);
      }
    }
  }
  const figures = {} as Record<RuntimeName, StartupFigures>;
  for (const runtime of RUNTIMES) {
    const coldStarts = placements.map((sdk): ColdStart => {
      const list = records.get(`${runtime}/${sdk}`) ?? [];
      const cold: ColdStart = {
        sdk,
        loadMs: summarize(list.map((r) => r.loadMs)),
        firstInvocationMs: summarize(list.map((r) => r.firstInvocationMs)),
        totalMs: summarize(list.map((r) => r.loadMs + r.firstInvocationMs)),
        cpuMs: summarize(list.map((r) => r.cpuMs)),
        peakRssKb: summarize(list.map((r) => r.maxRssKb)),
      };
      progress(`  ${runtime} cold start, SDK ${sdk}: median ${cold.totalMs.median.toFixed(0)} ms over ${list.length} fresh processes`);
      return cold;
    });
    figures[runtime] = { sizes: sizes[runtime], coldStarts };
  }
  return figures;
}

async function coldStartOnce(svc: LocalDurableService, runtime: RuntimeName, sdk: SdkPlacement, bundleFile: string, buildDir: string): Promise<ProbeRecord> {
  const metricsFile = path.join(buildDir, `cold-${runtime}-${sdk}.jsonl`);
  fs.rmSync(metricsFile, { force: true });
  const name = `cold-${runtime}-${sdk}`;
  // Registering again discards the previous process, so each run starts a fresh one.
  await svc.registerFunction({
    name,
    bundle: PROBE,
    nodeBinary: process.execPath,
    environment: { BENCH_TARGET_BUNDLE: bundleFile, BENCH_METRICS_FILE: metricsFile, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const run = await svc.run(`${name}:live`, { name: 'bench' }, { timeoutMs: 60_000 });
  if (run.status !== 'SUCCEEDED' || run.result !== 'hello bench' || run.invocations.length !== 1) {
    throw new Error(
      `The minimal ${runtime} workflow (SDK ${sdk}) did not succeed in one invocation: ${run.status}, result ${JSON.stringify(run.result)}, ` +
        `${run.invocations.length} invocations, error ${JSON.stringify(run.error ?? run.invocations[0]?.error)}`,
    );
  }
  const lines = fs.readFileSync(metricsFile, 'utf8').trim().split('\n');
  return JSON.parse(lines[0]) as ProbeRecord;
}
