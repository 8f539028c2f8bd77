import * as fs from 'node:fs';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as esbuild from 'esbuild';
import { formatBuildFailure } from './private/entry-check';
import { BUNDLE_HANDLER_EXPORT, relativeSpecifier, renderGeneratedEntry } from './private/generated-entry';
import { projectRelative } from './private/project-root';
import { RUNTIME_IMPORT_SPECIFIER } from './private/runtime-entry';

/** The file the bundle is written to inside the asset; the Lambda handler is `index.handler`. */
export const BUNDLE_FILE = 'index.js';

/** The Lambda `handler` string of a bundle produced here. */
export const BUNDLE_LAMBDA_HANDLER = `${path.basename(BUNDLE_FILE, '.js')}.${BUNDLE_HANDLER_EXPORT}`;

/**
 * Everything one bundle depends on. All paths are absolute.
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
  readonly externalModules: readonly string[];
  readonly define: Readonly<Record<string, string>>;
  /**
   * Whether the generated entry wraps a plain workflow export with this package's runtime. False
   * for a handler made with AWS's own durable-execution runtime, which is exported as it is.
   * Default true.
   */
  readonly wrapWithRuntime?: boolean;
}

/**
 * Bundles a durable workflow with esbuild's JavaScript API, in-process and synchronously (CDK
 * asks for local bundling synchronously), into `outputDir`: `index.js` and, with source maps,
 * `index.js.map`.
 *
 * The bundle is written through a fixed virtual output path under the project root rather than
 * straight into `outputDir`, because CDK's bundling directory lives under the cloud assembly
 * directory: source-map paths relative to it would change with every `cdk.out` location and so
 * would the asset hash.
 *
 * @example
 * bundleDurableWorkflow({ entryPath, exportName: 'handler', runtimePath: resolveRuntimeEntry(), projectRoot,
 *   runtime: lambda.Runtime.NODEJS_24_X, minify: false, sourceMap: false, externalModules: [], define: {} }, outDir);
 */
export function bundleDurableWorkflow(spec: DurableBundleSpec, outputDir: string): void {
  const virtualOutfile = path.join(spec.projectRoot, '.durable-function-bundle', BUNDLE_FILE);
  let result: esbuild.BuildResult<{ write: false }>;
  try {
    result = esbuild.buildSync({
      stdin: {
        contents: renderGeneratedEntry({
          entrySpecifier: relativeSpecifier(spec.projectRoot, spec.entryPath),
          runtimeSpecifier: relativeSpecifier(spec.projectRoot, spec.runtimePath),
          exportName: spec.exportName,
          entryDisplayName: projectRelative(spec.projectRoot, spec.entryPath),
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
      format: 'cjs',
      target: nodeTarget(spec.runtime),
      minify: spec.minify,
      // Error types in the execution history come from constructor names; minifying must keep them.
      keepNames: spec.minify,
      sourcemap: spec.sourceMap ? 'linked' : false,
      external: [...spec.externalModules],
      define: { ...spec.define },
      // User code importing the runtime gets the very copy the generated entry uses: one instance.
      alias: { [RUNTIME_IMPORT_SPECIFIER]: spec.runtimePath },
      logLevel: 'silent',
    });
  } catch (err) {
    throw new Error(`esbuild could not bundle ${projectRelative(spec.projectRoot, spec.entryPath)}: ${formatBuildFailure(err)}`);
  }
  fs.mkdirSync(outputDir, { recursive: true });
  for (const file of result.outputFiles) {
    fs.writeFileSync(path.join(outputDir, path.basename(file.path)), file.contents);
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
 * entries or options never share a bundle.
 */
class EsbuildLocalBundling implements cdk.ILocalBundling {
  constructor(public readonly spec: DurableBundleSpec) {}

  public tryBundle(outputDir: string): boolean {
    bundleDurableWorkflow(this.spec, outputDir);
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
   * The Lambda code for a workflow: an asset bundled at synth, hashed on the bundle's content,
   * so the same sources and options always give the same asset hash.
   *
   * @example
   * new lambda.Function(this, 'Fn', { code: DurableBundling.bundle(spec), handler: BUNDLE_LAMBDA_HANDLER, runtime });
   */
  public static bundle(spec: DurableBundleSpec): lambda.AssetCode {
    return lambda.Code.fromAsset(spec.projectRoot, {
      assetHashType: cdk.AssetHashType.OUTPUT,
      bundling: new DurableBundling(spec),
    });
  }

  public readonly image: cdk.DockerImage;
  public readonly local: cdk.ILocalBundling;

  private constructor(spec: DurableBundleSpec) {
    this.image = cdk.DockerImage.fromRegistry('cdk-durable-function-bundles-locally-with-esbuild');
    this.local = new EsbuildLocalBundling(spec);
  }
}
