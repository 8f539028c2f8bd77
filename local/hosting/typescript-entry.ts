/**
 * Hosting a workflow entry directly (`src/orders.ts`, `src/orders.mjs`, …): the entry goes through
 * the very bundler the `DurableFunction` construct uses, so what runs locally is what `cdk synth`
 * deploys: a plain `(input, ctx)` workflow is wrapped with the embedded runtime, an export already
 * made with `withDurableExecution` is used as it is, and every dependency (the AWS SDK included)
 * is bundled rather than looked up at run time.
 */
import * as path from 'node:path';
import { FunctionRegistrationError } from './hosted-function';

/** Entries bundled like the construct does before hosting. `.cjs` and built bundles are hosted as they are. */
const ENTRY_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.jsx']);

/** Entries that can only be sources (a bundle is always JavaScript). */
const SOURCE_ONLY_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

/**
 * True when `file` must be bundled before it can be hosted as given in `bundle` (TypeScript
 * sources); JavaScript given as `bundle` is taken to be built already.
 *
 * @example
 * needsBundling('src/orders.ts'); // true
 * needsBundling('cdk.out/asset.1234/index.js'); // false
 */
export function needsBundling(file: string): boolean {
  return SOURCE_ONLY_EXTENSIONS.has(path.extname(file).toLowerCase());
}

/**
 * True when `file` is a workflow entry the construct's bundler takes.
 *
 * @example
 * isWorkflowEntry('src/orders.mjs'); // true
 * isWorkflowEntry('dist/index.cjs'); // false
 */
export function isWorkflowEntry(file: string): boolean {
  return ENTRY_EXTENSIONS.has(path.extname(file).toLowerCase());
}

/** Options of {@link bundleWorkflowEntry}. */
export interface WorkflowEntryOptions {
  /** The export holding the workflow (default `handler`), like the construct's `handler` prop. */
  readonly exportName?: string;
  /** Lambda runtime name the bundle targets (default `nodejs24.x`, the construct's default). */
  readonly runtime?: string;
  /** Modules left out of the bundle (default none, like the construct). */
  readonly externalModules?: readonly string[];
  /** Emit a linked source map next to the bundle (default false, like the construct). */
  readonly sourceMap?: boolean;
  /**
   * False for a plain (non-durable) Lambda handler, bundled as it is. A durable entry is wrapped
   * with the runtime unless its handler is made with AWS's own runtime, as the construct does.
   * Default true.
   */
  readonly durable?: boolean;
}

/**
 * Bundles a workflow entry exactly as `new DurableFunction(this, id, { entry })` would, into
 * `<outDir>/index.js`, and returns that file's path. Its export is `handler` whatever the
 * entry's export was called.
 *
 * @throws FunctionRegistrationError when the entry does not exist, does not export the workflow
 *   or does not compile, with the construct's own message.
 * @example
 * const bundle = await bundleWorkflowEntry('src/orders.ts', fs.mkdtempSync(path.join(os.tmpdir(), 'orders-')));
 */
export async function bundleWorkflowEntry(entry: string, outDir: string, options: WorkflowEntryOptions = {}): Promise<string> {
  // Loaded on demand: the construct's bundler pulls in aws-cdk-lib, which only bundling needs.
  const [{ bundleDurableWorkflow, BUNDLE_FILE }, lambda, entryCheck, projectRoot, runtimeEntry, officialRuntime] = await Promise.all([
    import('../../lib/bundling'),
    import('aws-cdk-lib/aws-lambda'),
    import('../../lib/private/entry-check'),
    import('../../lib/private/project-root'),
    import('../../lib/private/runtime-entry'),
    import('../../lib/private/official-runtime'),
  ]);
  const exportName = options.exportName ?? 'handler';
  const where = `local function ${path.basename(entry)}`;
  try {
    const entryPath = entryCheck.resolveEntry(where, entry);
    const root = projectRoot.findProjectRoot(entryPath);
    const found = entryCheck.assertEntryExports(where, entryPath, exportName, root);
    const wrapWithRuntime = options.durable !== false && !officialRuntime.importsOfficialRuntime(found.packageImports);
    bundleDurableWorkflow(
      {
        entryPath,
        exportName,
        runtimePath: runtimeEntry.resolveRuntimeEntry(),
        projectRoot: root,
        runtime: new lambda.Runtime(options.runtime ?? 'nodejs24.x', lambda.RuntimeFamily.NODEJS),
        minify: false,
        sourceMap: options.sourceMap ?? false,
        externalModules: [...(options.externalModules ?? [])],
        define: {},
        wrapWithRuntime,
      },
      outDir,
    );
    return path.join(outDir, BUNDLE_FILE);
  } catch (error) {
    throw new FunctionRegistrationError(`Could not bundle ${entry}: ${(error as Error).message}`, { cause: error });
  }
}
