/**
 * Bundles a workload entry with esbuild, the same way for both runtimes: CommonJS for Node 20,
 * minified with names kept (as the construct does when minifying), the AWS SDK either external
 * (Lambda's Node runtime provides it) or bundled. This package's runtime is resolved from the
 * source tree, the official one from node_modules.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { build } from 'esbuild';
import { bundleDurableWorkflow } from '../../lib/bundling';

/** Root of this repository. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * How the AWS SDK is treated by the bundler: `external` (Lambda's Node runtime provides it),
 * `bundled` (esbuild's defaults for Node, which pick each package's CommonJS `main`: the
 * construct's default bundle), or `bundled-esm` (bundled from each package's ES module entry,
 * `mainFields: ['module', 'main']`, which lets esbuild drop the commands and schemas nothing uses).
 */
export type SdkPlacement = 'external' | 'bundled' | 'bundled-esm';

/** A finished bundle. */
export interface BuiltBundle {
  /** Absolute path of the `.js` file. */
  readonly file: string;
  /** Size of the file in bytes. */
  readonly bytes: number;
}

/**
 * Bundles `entry` into `outFile`.
 *
 * @example
 * const { file, bytes } = await bundleWorkload('bench/workloads/ours/steps.ts', '/tmp/b/ours-steps.js', 'external');
 */
export async function bundleWorkload(entry: string, outFile: string, sdk: SdkPlacement): Promise<BuiltBundle> {
  const result = await build({
    entryPoints: [path.resolve(REPO_ROOT, entry)],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    keepNames: true,
    legalComments: 'none',
    external: sdk === 'external' ? ['@aws-sdk/*'] : [],
    ...(sdk === 'bundled-esm' ? { mainFields: ['module', 'main'] } : {}),
    alias: { 'cdk-durable-function/runtime': path.join(REPO_ROOT, 'runtime', 'index.ts') },
    logLevel: 'silent',
    metafile: true,
  });
  const output = Object.values(result.metafile.outputs)[0];
  return { file: outFile, bytes: output.bytes };
}

/**
 * Bundles `entry` (a workflow on this package's runtime, exported as `handler`) the way the
 * construct does when the AWS SDK is bundled (`bundling: { bundleAwsSDK: true }`): through
 * `bundleDurableWorkflow` with the construct's defaults (minified, names kept, no source map),
 * `@aws-sdk/*` not external. Only the target is the bench's `node20`, as for every other bundle
 * here. The bundle is `index.js` in `outDir`.
 *
 * @example
 * const { file, bytes } = bundleWithConstruct('bench/workloads/ours/minimal.ts', '/tmp/b/ours-minimal-construct');
 */
export function bundleWithConstruct(entry: string, outDir: string): BuiltBundle {
  const { file } = bundleDurableWorkflow({
    entryPath: path.resolve(REPO_ROOT, entry),
    exportName: 'handler',
    runtimePath: path.join(REPO_ROOT, 'runtime', 'index.ts'),
    projectRoot: REPO_ROOT,
    runtime: lambda.Runtime.NODEJS_24_X,
    target: 'node20',
    minify: true,
    sourceMap: false,
    externalModules: [],
    define: {},
  }, outDir);
  const bundleFile = path.join(outDir, file);
  return { file: bundleFile, bytes: fs.statSync(bundleFile).size };
}
