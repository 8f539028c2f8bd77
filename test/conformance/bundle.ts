/**
 * Bundling of the conformance handlers into deployable single-file bundles, the way a durable
 * function is shipped: esbuild, platform node, CommonJS, every dependency inlined.
 *
 * Example:
 * ```ts
 * const { outDir, bundles } = await bundleHandlers(['1-1', '1-3']);
 * bundles.get('1-1'); // '/tmp/conformance-xyz/1-1.js'
 * ```
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { build } from 'esbuild';
import { REPO_ROOT } from './requirement';

/** The folder that holds one handler module per requirement key (`1-1.ts`). */
export const HANDLERS_DIR = path.join(__dirname, 'handlers');

/** The folder of the target functions chained invokes call (`echo.ts`, …). */
export const TARGETS_DIR = path.join(__dirname, 'targets');

/** The handler module of a requirement key, or undefined when none exists. */
export function handlerSource(key: string): string | undefined {
  const file = path.join(HANDLERS_DIR, `${key}.ts`);
  return fs.existsSync(file) ? file : undefined;
}

/** Bundled handlers: requirement key → absolute path of its bundle. */
export interface HandlerBundles {
  readonly outDir: string;
  readonly bundles: ReadonlyMap<string, string>;
}

/**
 * Bundles the given handlers (and target modules, as `target-<module>`) in one esbuild call (one entry point each) into a fresh temp folder.
 * The caller removes `outDir` when done.
 */
export async function bundleHandlers(keys: readonly string[], targets: readonly string[] = []): Promise<HandlerBundles> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-bundles-'));
  const entryPoints: Record<string, string> = {};
  for (const key of keys) {
    const src = handlerSource(key);
    if (src) entryPoints[key] = src;
  }
  // Targets are bundled as `target-<module>`; requirement keys are `<n>-<n>`, so names cannot clash.
  for (const target of targets) entryPoints[`target-${target}`] = path.join(TARGETS_DIR, `${target}.ts`);
  if (Object.keys(entryPoints).length > 0) {
    await build({
      entryPoints,
      outdir: outDir,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      // The handlers import the runtime as users do; tsconfig `paths` map it to the sources.
      tsconfig: path.join(REPO_ROOT, 'tsconfig.json'),
      absWorkingDir: REPO_ROOT,
      logLevel: 'silent',
      sourcemap: false,
    });
  }
  const bundles = new Map<string, string>();
  for (const key of Object.keys(entryPoints)) bundles.set(key, path.join(outDir, `${key}.js`));
  return { outDir, bundles };
}
