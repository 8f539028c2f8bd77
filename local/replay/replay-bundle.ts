/**
 * The code a replay runs: a workflow entry bundled exactly as the `DurableFunction` construct
 * bundles it (same generated entry, same runtime copy, same esbuild settings, plus a source map
 * for locations), a bundle the construct already produced in a cloud assembly, or a bundle file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BUNDLE_FILE, bundleDurableWorkflow } from '../../lib/bundling';
import { findEntryExports } from '../../lib/private/entry-check';
import { importsOfficialRuntime, OFFICIAL_RUNTIME_PACKAGE } from '../../lib/private/official-runtime';
import { findProjectRoot } from '../../lib/private/project-root';
import { resolveRuntimeEntry } from '../../lib/private/runtime-entry';

/**
 * Where the new code comes from: exactly one of `entry`, `app` + `function`, or `bundle`.
 *
 * @example
 * const fromEntry: ReplayCodeSource = { entry: 'src/orders.ts' };
 * const fromAssembly: ReplayCodeSource = { app: 'cdk.out', function: 'OrdersStack/Orders' };
 */
export interface ReplayCodeSource {
  /** The workflow file, as given to `DurableFunction`'s `entry`. */
  readonly entry?: string;
  /** The export holding the workflow (default `handler`), as `DurableFunction`'s `handler`. */
  readonly handler?: string;
  /** esbuild's working directory (default: the folder of the nearest package.json above the entry). */
  readonly projectRoot?: string;
  /** The Lambda runtime the bundle targets (default nodejs24.x, the construct's default). */
  readonly runtime?: lambda.Runtime;
  /** A synthesized cloud assembly folder (`cdk.out`); use with `function`. */
  readonly app?: string;
  /** The construct path of the DurableFunction in `app`, e.g. `OrdersStack/Orders`. */
  readonly function?: string;
  /** A bundle file the construct produced (`index.js`); its export `handler` unless `handler` says otherwise. */
  readonly bundle?: string;
}

/** A bundle ready to replay. */
export interface ReplayBundle {
  readonly bundlePath: string;
  readonly handler: string;
  /** The runtime's source folder (its frames are not the user's). */
  readonly runtimeDir?: string;
  /** Where the source map's relative paths start. */
  readonly sourcesDir?: string;
}

/**
 * Bundles or locates the new code.
 *
 * @throws ReplayInputError naming the problem and the fix.
 * @example
 * const bundle = prepareReplayBundle({ entry: 'src/orders.ts' }, workDir);
 */
export function prepareReplayBundle(source: ReplayCodeSource, workDir: string): ReplayBundle {
  const given = [source.entry !== undefined, source.app !== undefined || source.function !== undefined, source.bundle !== undefined].filter(Boolean).length;
  if (given !== 1) {
    throw new ReplayCodeError('Give the new code as exactly one of: an entry (--entry src/orders.ts), a cloud assembly and function (--app cdk.out --function Stack/Orders), or a bundle (--bundle index.js).');
  }
  if (source.entry !== undefined) return bundleEntry(source, source.entry, workDir);
  if (source.bundle !== undefined) return checkedBundle(path.resolve(source.bundle), source.handler ?? 'handler');
  if (source.app === undefined || source.function === undefined) {
    throw new ReplayCodeError('--app and --function go together: --app cdk.out --function OrdersStack/Orders.');
  }
  return checkedBundle(...findAssemblyBundle(source.app, source.function));
}

/**
 * Code that cannot be replayed as given.
 *
 * @example
 * try { prepareReplayBundle(source, dir); } catch (err) { if (err instanceof ReplayCodeError) console.error(err.message); }
 */
export class ReplayCodeError extends Error {
  override readonly name = 'ReplayCodeError';
}

function bundleEntry(source: ReplayCodeSource, entry: string, workDir: string): ReplayBundle {
  const entryPath = path.resolve(entry);
  if (!fs.existsSync(entryPath) || !fs.statSync(entryPath).isFile()) {
    throw new ReplayCodeError(`The entry ${entry} does not exist; give the workflow file your DurableFunction's entry names.`);
  }
  const projectRoot = source.projectRoot !== undefined ? path.resolve(source.projectRoot) : findProjectRoot(entryPath);
  const exportName = source.handler ?? 'handler';
  let official: boolean;
  try {
    official = importsOfficialRuntime(findEntryExports('replay', entryPath, projectRoot).packageImports);
  } catch (error) {
    throw new ReplayCodeError((error as Error).message);
  }
  if (official) {
    throw new ReplayCodeError(
      `${entry} imports ${OFFICIAL_RUNTIME_PACKAGE}. The replay gate replays workflows written against cdk-durable-function/runtime only: ` +
        "AWS's runtime has no replay-only mode, so replaying it would run its step functions.",
    );
  }
  const runtimePath = resolveRuntimeEntry();
  const outDir = path.join(workDir, 'bundle');
  try {
    bundleDurableWorkflow(
      {
        entryPath,
        exportName,
        runtimePath,
        projectRoot,
        runtime: source.runtime ?? lambda.Runtime.NODEJS_24_X,
        minify: false,
        sourceMap: true,
        externalModules: [],
        define: {},
      },
      outDir,
    );
  } catch (error) {
    throw new ReplayCodeError((error as Error).message);
  }
  return {
    bundlePath: path.join(outDir, BUNDLE_FILE),
    handler: 'handler',
    runtimeDir: path.dirname(runtimePath),
    // The construct builds the bundle as if written to this folder, so its map's paths start there.
    sourcesDir: path.join(projectRoot, '.durable-function-bundle'),
  };
}

/** Refuses a bundle whose runtime cannot replay without running step functions. */
function checkedBundle(bundlePath: string, handler: string): ReplayBundle {
  if (!fs.existsSync(bundlePath)) throw new ReplayCodeError(`The bundle ${bundlePath} does not exist.`);
  const text = fs.readFileSync(bundlePath, 'utf8');
  if (!text.includes('CdkDurableFunctionReplayOnly')) {
    throw new ReplayCodeError(
      `${bundlePath} was not built with a cdk-durable-function runtime that supports replay (a handler made with ${OFFICIAL_RUNTIME_PACKAGE}, ` +
        'or an older version of this package). Replaying it could run its step functions, so it is refused. Synthesize it again with this package.',
    );
  }
  return { bundlePath, handler };
}

interface ManifestArtifact {
  readonly type?: string;
  readonly properties?: { readonly templateFile?: string; readonly directoryName?: string };
  readonly displayName?: string;
}

/** Finds the asset of the DurableFunction at `constructPath` in a synthesized cloud assembly. */
function findAssemblyBundle(app: string, constructPath: string): [string, string] {
  const assemblyDir = path.resolve(app);
  const found = searchAssembly(assemblyDir, constructPath.replace(/^\/+|\/+$/g, ''));
  if (!found) {
    throw new ReplayCodeError(
      `No Lambda function at ${constructPath} in ${app}. Give the DurableFunction's construct path (e.g. OrdersStack/Orders, as \`cdk ls\` and the ` +
        'aws:cdk:path metadata show it), and synthesize with asset metadata on (the default).',
    );
  }
  return found;
}

function searchAssembly(assemblyDir: string, constructPath: string): [string, string] | undefined {
  const manifestFile = path.join(assemblyDir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) throw new ReplayCodeError(`${assemblyDir} is not a cloud assembly (no manifest.json); run \`cdk synth\` first.`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { artifacts?: Record<string, ManifestArtifact> };
  for (const artifact of Object.values(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      const template = JSON.parse(fs.readFileSync(path.join(assemblyDir, artifact.properties.templateFile), 'utf8')) as {
        Resources?: Record<string, { Type?: string; Properties?: { Handler?: string }; Metadata?: Record<string, unknown> }>;
      };
      for (const resource of Object.values(template.Resources ?? {})) {
        const cdkPath = resource.Metadata?.['aws:cdk:path'];
        if (resource.Type !== 'AWS::Lambda::Function' || (cdkPath !== `${constructPath}/Resource` && cdkPath !== constructPath)) continue;
        const assetPath = resource.Metadata?.['aws:asset:path'];
        const handler = resource.Properties?.Handler ?? 'index.handler';
        if (typeof assetPath !== 'string') throw new ReplayCodeError(`${constructPath} has no asset metadata; synthesize without --no-asset-metadata.`);
        const dot = handler.lastIndexOf('.');
        return [path.resolve(assemblyDir, assetPath, `${handler.slice(0, dot)}.js`), handler.slice(dot + 1)];
      }
    }
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      const nested = searchAssembly(path.join(assemblyDir, artifact.properties.directoryName), constructPath);
      if (nested) return nested;
    }
  }
  return undefined;
}
