import { execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as esbuild from 'esbuild';
import { buildWithAwsSdkEsModules, type SdkBuildResult } from './private/aws-sdk-es-modules';
import { formatBuildFailure } from './private/entry-check';
import { BUNDLE_HANDLER_EXPORT, relativeSpecifier, renderGeneratedEntry } from './private/generated-entry';
import { findLockFile, installNodeModules } from './private/node-modules';
import { projectRelative } from './private/project-root';
import { RUNTIME_IMPORT_SPECIFIER } from './private/runtime-entry';

/** The file the CommonJS bundle is written to inside the asset; the Lambda handler is `index.handler`. */
export const BUNDLE_FILE = 'index.js';

/** The file the ES module bundle (`format: 'esm'`) is written to; Lambda loads `.mjs` as an ES module. */
export const ESM_BUNDLE_FILE = 'index.mjs';

/** The metafile written into the asset with `metafile: true`, as NodejsFunction names it. */
export const METAFILE = 'index.meta.json';

/** The Lambda `handler` string of a bundle produced here (either format). */
export const BUNDLE_LAMBDA_HANDLER = `${path.basename(BUNDLE_FILE, '.js')}.${BUNDLE_HANDLER_EXPORT}`;

/** What the default bundle leaves to the Lambda runtime, as NodejsFunction does on Node.js 18 and later. */
export const DEFAULT_EXTERNAL_MODULES: readonly string[] = ['@aws-sdk/*'];

/** The client the runtime checkpoints through. */
const CHECKPOINT_CLIENT = '@aws-sdk/client-lambda';

/** Commands run around bundling, as aws-lambda-nodejs `ICommandHooks` (evaluated at bundling time). */
export interface BundleCommandHooks {
  beforeBundling(inputDir: string, outputDir: string): string[];
  beforeInstall(inputDir: string, outputDir: string): string[];
  afterBundling(inputDir: string, outputDir: string): string[];
}

/**
 * Everything one bundle depends on. All paths are absolute. The optional fields mirror
 * aws-lambda-nodejs `BundlingOptions` and default to esbuild's own defaults.
 */
export interface DurableBundleSpec {
  /** The user's workflow file. */
  readonly entryPath: string;
  /** The export of `entryPath` that holds the workflow. */
  readonly exportName: string;
  /** The runtime's entry module (see `resolveRuntimeEntry`). */
  readonly runtimePath: string;
  /** esbuild's working directory; every path in the bundle is relative to it. */
  readonly projectRoot: string;
  /** The Lambda runtime the bundle targets (its Node major becomes esbuild's `target`). */
  readonly runtime: lambda.Runtime;
  readonly minify: boolean;
  readonly sourceMap: boolean;
  /** Modules left external (esbuild patterns: `@aws-sdk/*` matches every package of the scope). */
  readonly externalModules: readonly string[];
  readonly define: Readonly<Record<string, string>>;
  /** `cjs` (default) writes `index.js`; `esm` writes `index.mjs`. */
  readonly format?: 'cjs' | 'esm';
  /** How a source map is written when `sourceMap` is set. Default `default` (linked file). */
  readonly sourceMapMode?: 'default' | 'external' | 'inline' | 'both';
  readonly sourcesContent?: boolean;
  /** Default: true. */
  readonly keepNames?: boolean;
  /** esbuild's `target`; default the runtime's Node major. */
  readonly target?: string;
  readonly loader?: Readonly<Record<string, string>>;
  /** Absolute path of the tsconfig esbuild reads. */
  readonly tsconfig?: string;
  /**
   * esbuild's `mainFields`, for every package. Unset, the AWS SDK's packages (`@aws-sdk/*`,
   * `@smithy/*`, `@aws-crypto/*`) that are bundled come from their ES module builds, so esbuild
   * keeps only what is used of them (see `buildWithAwsSdkEsModules`), and every other package
   * resolves with esbuild's defaults. Set, it applies to all packages alike and the SDK is not
   * treated apart.
   */
  readonly mainFields?: readonly string[];
  readonly banner?: string;
  readonly footer?: string;
  readonly charset?: 'ascii' | 'utf8';
  readonly inject?: readonly string[];
  /** Write `index.meta.json` into the asset. */
  readonly metafile?: boolean;
  /** Packages installed into the asset's `node_modules` (left external in the bundle). */
  readonly nodeModules?: readonly string[];
  /** The lock file `nodeModules` are installed from; default the nearest one above the entry. */
  readonly depsLockFilePath?: string;
  /**
   * Commands run around bundling. Not serialisable, so it is kept out of the cache key CDK takes
   * from this spec; `commandHooksSource` stands in for it there.
   */
  readonly commandHooks?: BundleCommandHooks;
  /**
   * Whether the generated entry wraps a plain workflow export with this package's runtime. False
   * for a handler made with AWS's own durable-execution runtime, which is exported as it is.
   * Default true.
   */
  readonly wrapWithRuntime?: boolean;
}

/** What one bundling produced. */
export interface DurableBundleResult {
  /** The bundle's file name inside the output directory (`index.js` or `index.mjs`). */
  readonly file: string;
  /** esbuild's warnings, each as `file:line:col: text`. */
  readonly warnings: readonly string[];
}

/**
 * Bundles a durable workflow with esbuild's JavaScript API, in-process and synchronously (CDK
 * asks for local bundling synchronously), into `outputDir`: `index.js` (or `index.mjs`), with
 * source maps `index.js.map`, with `metafile` `index.meta.json`, and with `nodeModules` their
 * `node_modules`. Command hooks run around it.
 *
 * The bundle is written through a fixed virtual output path under the project root rather than
 * straight into `outputDir`, because CDK's bundling directory lives under the cloud assembly
 * directory: source-map paths relative to it would change with every `cdk.out` location and so
 * would the asset hash.
 *
 * @example
 * bundleDurableWorkflow({ entryPath, exportName: 'handler', runtimePath: resolveRuntimeEntry(), projectRoot,
 *   runtime: lambda.Runtime.NODEJS_24_X, minify: true, sourceMap: false, externalModules: ['@aws-sdk/*'], define: {} }, outDir);
 */
export function bundleDurableWorkflow(spec: DurableBundleSpec, outputDir: string): DurableBundleResult {
  const format = spec.format ?? 'cjs';
  const file = format === 'esm' ? ESM_BUNDLE_FILE : BUNDLE_FILE;
  const nodeModules = spec.nodeModules ?? [];
  const hooks = spec.commandHooks;
  const runCommands = (commands: readonly string[]): void => runHookCommands(commands, spec.projectRoot);
  fs.mkdirSync(outputDir, { recursive: true });
  if (hooks) runCommands(hooks.beforeBundling(spec.projectRoot, outputDir));

  const external = [...spec.externalModules, ...nodeModules];
  const virtualOutfile = path.join(spec.projectRoot, '.durable-function-bundle', file);
  const options = {
    stdin: {
      contents: renderGeneratedEntry({
        entrySpecifier: relativeSpecifier(spec.projectRoot, spec.entryPath),
        runtimeSpecifier: relativeSpecifier(spec.projectRoot, spec.runtimePath),
        exportName: spec.exportName,
        entryDisplayName: projectRelative(spec.projectRoot, spec.entryPath),
        checkProvidedSdk: isExternal(CHECKPOINT_CLIENT, external),
        wrapWithRuntime: spec.wrapWithRuntime,
      }),
      resolveDir: spec.projectRoot,
      sourcefile: 'durable-function-entry.js',
      loader: 'js',
    },
    absWorkingDir: spec.projectRoot,
    outfile: virtualOutfile,
    write: false,
    bundle: true,
    platform: 'node',
    format,
    target: spec.target ?? nodeTarget(spec.runtime),
    minify: spec.minify,
    // Error types in the execution history come from constructor names; minifying must keep them.
    keepNames: spec.keepNames ?? true,
    sourcemap: spec.sourceMap ? esbuildSourceMap(spec.sourceMapMode) : false,
    sourcesContent: spec.sourcesContent,
    external,
    define: { ...spec.define },
    loader: spec.loader ? { ...spec.loader } as Record<string, esbuild.Loader> : undefined,
    tsconfig: spec.tsconfig,
    mainFields: spec.mainFields ? [...spec.mainFields] : undefined,
    banner: bannerFor(format, spec.banner),
    footer: spec.footer !== undefined ? { js: spec.footer } : undefined,
    charset: spec.charset,
    inject: spec.inject ? [...spec.inject] : undefined,
    metafile: true,
    // User code importing the runtime gets the very copy the generated entry uses: one instance.
    alias: { [RUNTIME_IMPORT_SPECIFIER]: spec.runtimePath },
    logLevel: 'silent',
  } satisfies esbuild.BuildOptions;
  const buildPlain = (): esbuild.BuildResult<{ write: false; metafile: true }> => {
    try {
      return esbuild.buildSync(options);
    } catch (err) {
      throw new Error(`esbuild could not bundle ${projectRelative(spec.projectRoot, spec.entryPath)}: ${formatBuildFailure(err)}`);
    }
  };
  let result: SdkBuildResult;
  const warnings: string[] = [];
  if (spec.mainFields !== undefined) {
    // The user chose how every package resolves, the SDK's included.
    result = buildPlain();
  } else {
    // SDK packages come from their ES module builds (one build, in a worker: see aws-sdk-es-modules.ts).
    // Should those not bundle while the CommonJS builds do, keep the CommonJS bundle and say so.
    try {
      result = buildWithAwsSdkEsModules(options);
    } catch (esModuleError) {
      result = buildPlain();
      warnings.push(`The AWS SDK could not be bundled from its ES module builds, so it was bundled from CommonJS (larger): ${formatBuildFailure(esModuleError)} `
        + 'Set bundling.mainFields to choose how every package resolves.');
    }
  }
  warnings.unshift(...result.warnings.map(formatMessage));
  for (const output of result.outputFiles) {
    fs.writeFileSync(path.join(outputDir, path.basename(output.path)), output.contents);
  }
  if (spec.metafile === true) {
    fs.writeFileSync(path.join(outputDir, METAFILE), JSON.stringify(result.metafile));
  }
  if (nodeModules.length > 0) {
    const entryDir = path.dirname(spec.entryPath);
    const lockFile = spec.depsLockFilePath ?? findLockFile(entryDir);
    if (lockFile === undefined) {
      throw new Error(`bundling.nodeModules needs a lock file (package-lock.json, yarn.lock, pnpm-lock.yaml, bun.lockb) at or above ${entryDir} `
        + 'to install from; none was found. Install your dependencies to create one, or point depsLockFilePath at it.');
    }
    installNodeModules({
      modules: nodeModules, lockFile, entryDir, outputDir, runCommands,
      beforeInstall: hooks ? hooks.beforeInstall(spec.projectRoot, outputDir) : [],
    });
  }
  if (hooks) runCommands(hooks.afterBundling(spec.projectRoot, outputDir));
  return { file, warnings };
}

/** Whether esbuild's `external` patterns (`*` is a wildcard) leave `name` out of the bundle. */
export function isExternal(name: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}(?:/.*)?$`);
    return regex.test(name);
  });
}

/**
 * In an ES module bundle, CommonJS code that `require`s Node built-ins (the AWS SDK does) needs a
 * `require`; esbuild's shim uses one when it is in scope. Left out when the user's banner makes
 * its own, as NodejsFunction users commonly do.
 */
function bannerFor(format: 'cjs' | 'esm', banner: string | undefined): { js: string } | undefined {
  const parts: string[] = [];
  if (format === 'esm' && !/\brequire\s*=|createRequire/.test(banner ?? '')) {
    parts.push('import { createRequire as __durableCreateRequire } from "node:module"; const require = __durableCreateRequire(import.meta.url);');
  }
  if (banner !== undefined) parts.push(banner);
  return parts.length > 0 ? { js: parts.join('\n') } : undefined;
}

function esbuildSourceMap(mode: DurableBundleSpec['sourceMapMode']): esbuild.BuildOptions['sourcemap'] {
  switch (mode ?? 'default') {
    case 'external': return 'external';
    case 'inline': return 'inline';
    case 'both': return 'both';
    default: return 'linked';
  }
}

function formatMessage(message: esbuild.Message): string {
  const loc = message.location ? `${message.location.file}:${message.location.line}:${message.location.column}: ` : '';
  return `${loc}${message.text}`;
}

function runHookCommands(commands: readonly string[], cwd: string): void {
  if (commands.length === 0) return;
  const chained = commands.join(' && ');
  try {
    execSync(chained, { cwd, stdio: 'pipe', encoding: 'utf8' });
  } catch (err) {
    const failed = err as { stdout?: string; stderr?: string; status?: number };
    throw new Error(`bundling.commandHooks command \`${chained}\` failed (exit ${failed.status ?? '?'}) in ${cwd}:\n${failed.stderr ?? ''}${failed.stdout ?? ''}`);
  }
}

/**
 * `nodejs24.x` → `node24`. A runtime whose name is a token (only known at deploy time) gets the
 * oldest Node major durable functions run on, which every newer one can run.
 */
function nodeTarget(runtime: lambda.Runtime): string {
  const match = /^nodejs(\d+)\.x$/.exec(runtime.name);
  return match ? `node${match[1]}` : 'node22';
}

/**
 * CDK local bundling through esbuild. Its own fields hold the whole spec, on purpose: CDK keys
 * its in-process asset cache on the JSON of the bundling options, so two functions with different
 * entries or options never share a bundle. Functions do not survive JSON, so the command hooks
 * are keyed by their source text and the warning sink is not a field.
 */
class EsbuildLocalBundling implements cdk.ILocalBundling {
  public readonly spec: Omit<DurableBundleSpec, 'commandHooks'>;
  public readonly commandHooksSource?: string;
  private readonly hooks?: BundleCommandHooks;
  private readonly onWarnings: (warnings: readonly string[]) => void;

  constructor(spec: DurableBundleSpec, onWarnings: (warnings: readonly string[]) => void) {
    const { commandHooks, ...rest } = spec;
    this.spec = rest;
    this.hooks = commandHooks;
    this.commandHooksSource = commandHooks === undefined ? undefined
      : [commandHooks.beforeBundling, commandHooks.beforeInstall, commandHooks.afterBundling].map(String).join('\n');
    this.onWarnings = onWarnings;
    Object.defineProperty(this, 'hooks', { enumerable: false });
    Object.defineProperty(this, 'onWarnings', { enumerable: false });
  }

  public tryBundle(outputDir: string): boolean {
    const result = bundleDurableWorkflow({ ...this.spec, commandHooks: this.hooks }, outputDir);
    this.onWarnings(result.warnings);
    return true;
  }
}

/**
 * Asset bundling options for a durable workflow: local esbuild bundling only. The Docker image
 * is required by the `BundlingOptions` shape but never used, because local bundling always
 * either succeeds or throws.
 */
export class DurableBundling implements cdk.BundlingOptions {
  /**
   * The Lambda code for a workflow: an asset bundled at synth, hashed on the bundle's content
   * (or on `assetHash`), so the same sources and options always give the same asset hash.
   * esbuild's warnings go to `onWarnings`.
   *
   * @example
   * new lambda.Function(this, 'Fn', { code: DurableBundling.bundle(spec), handler: BUNDLE_LAMBDA_HANDLER, runtime });
   */
  public static bundle(spec: DurableBundleSpec, options: {
    readonly assetHash?: string;
    readonly onWarnings?: (warnings: readonly string[]) => void;
  } = {}): lambda.AssetCode {
    return lambda.Code.fromAsset(spec.projectRoot, {
      assetHashType: options.assetHash !== undefined ? cdk.AssetHashType.CUSTOM : cdk.AssetHashType.OUTPUT,
      assetHash: options.assetHash,
      bundling: new DurableBundling(spec, options.onWarnings ?? (() => undefined)),
    });
  }

  public readonly image: cdk.DockerImage;
  public readonly local: cdk.ILocalBundling;

  private constructor(spec: DurableBundleSpec, onWarnings: (warnings: readonly string[]) => void) {
    this.image = cdk.DockerImage.fromRegistry('cdk-durable-function-bundles-locally-with-esbuild');
    this.local = new EsbuildLocalBundling(spec, onWarnings);
  }
}
