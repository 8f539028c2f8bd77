/**
 * Finds a durable function in a synthesized cloud assembly (`cdk.out`) by its construct path, as
 * `cdk synth` wrote it: the bundle folder (from the stack's asset manifest), the Lambda handler,
 * the durable settings, the timeout and the plain-string environment variables.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './arguments';

/**
 * A function as the assembly describes it.
 *
 * @example
 * const fn = findAssemblyFunction('cdk.out', 'OrdersStack/Orders');
 * await svc.registerFunction({ name: fn.name, bundle: fn.bundlePath, handler: fn.handler });
 */
export interface AssemblyFunction {
  /** The construct path, e.g. `OrdersStack/Orders`. */
  readonly constructPath: string;
  /** A function name derived from the construct id. */
  readonly name: string;
  /** The bundle file, e.g. `cdk.out/asset.1234…/index.js`. */
  readonly bundlePath: string;
  /** The export the Lambda handler string names. */
  readonly handler: string;
  readonly executionTimeout?: number;
  readonly retentionDays?: number;
  readonly timeout?: number;
  readonly memorySize?: number;
  /** Variables whose value is a plain string (tokens resolved at deploy time are left out). */
  readonly environment: Record<string, string>;
  /** Variables left out because their value is only known at deploy time. */
  readonly unresolvedEnvironment: readonly string[];
}

interface Manifest {
  readonly artifacts?: Record<
    string,
    {
      readonly type?: string;
      readonly properties?: { readonly templateFile?: string };
      /** `/Stack/Orders/Resource` → `[{ type: 'aws:cdk:logicalId', data: 'Orders1234' }]`. */
      readonly metadata?: ConstructMetadata;
      /** Newer assemblies keep the metadata in this file instead. */
      readonly additionalMetadataFile?: string;
    }
  >;
}

type ConstructMetadata = Record<string, ReadonlyArray<{ readonly type?: string; readonly data?: unknown }>>;

interface Resource {
  readonly Type?: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

interface AssetManifest {
  readonly files?: Record<string, { readonly source?: { readonly path?: string } }>;
}

/**
 * Looks a function up by construct path (`Stack/Orders`, or the L1 path `Stack/Orders/Resource`).
 *
 * @throws UsageError when the assembly or the function is not there, listing the functions found.
 * @example
 * findAssemblyFunction('cdk.out', 'OrdersStack/Orders').bundlePath;
 */
export function findAssemblyFunction(assemblyDir: string, constructPath: string): AssemblyFunction {
  const manifestFile = path.join(assemblyDir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new UsageError(`--app ${assemblyDir} is not a synthesized cloud assembly (no manifest.json). Run \`npx cdk synth\` first, or give the cdk.out folder.`);
  }
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
  const wanted = constructPath.replace(/\/Resource$/, '');
  const found: string[] = [];
  for (const artifact of Object.values(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack' || artifact.properties?.templateFile === undefined) continue;
    const templateFile = path.join(assemblyDir, artifact.properties.templateFile);
    const template = JSON.parse(fs.readFileSync(templateFile, 'utf8')) as { Resources?: Record<string, Resource> };
    // The manifest maps construct paths to logical ids; the template's own aws:cdk:path metadata
    // is only there when the CDK CLI asked for it.
    const pathOf = new Map<string, string>();
    const metadata: ConstructMetadata = {
      ...(artifact.metadata ?? {}),
      ...(artifact.additionalMetadataFile !== undefined && fs.existsSync(path.join(assemblyDir, artifact.additionalMetadataFile))
        ? (JSON.parse(fs.readFileSync(path.join(assemblyDir, artifact.additionalMetadataFile), 'utf8')) as ConstructMetadata)
        : {}),
    };
    for (const [constructPathKey, entries] of Object.entries(metadata)) {
      for (const entry of entries) {
        if (entry.type === 'aws:cdk:logicalId' && typeof entry.data === 'string') pathOf.set(entry.data, constructPathKey.replace(/^\//, ''));
      }
    }
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const cdkPath = String(resource.Metadata?.['aws:cdk:path'] ?? pathOf.get(logicalId) ?? logicalId).replace(/\/Resource$/, '');
      found.push(cdkPath);
      if (cdkPath === wanted) {
        return describe(assemblyDir, templateFile, wanted, resource);
      }
    }
  }
  const listed = found.length > 0 ? found.map((p) => `  ${p}`).join('\n') : '  (none)';
  throw new UsageError(`No Lambda function at construct path '${constructPath}' in ${assemblyDir}. Functions found:\n${listed}`);
}

function describe(assemblyDir: string, templateFile: string, constructPath: string, resource: Resource): AssemblyFunction {
  const props = resource.Properties ?? {};
  const handlerString = typeof props.Handler === 'string' ? props.Handler : 'index.handler';
  const dot = handlerString.lastIndexOf('.');
  const bundleDir = assetFolder(assemblyDir, templateFile, constructPath, resource);
  const bundleBase = dot < 0 ? 'index' : handlerString.slice(0, dot);
  const bundlePath = ['.js', '.cjs', '.mjs'].map((ext) => path.join(bundleDir, bundleBase + ext)).find((file) => fs.existsSync(file));
  if (bundlePath === undefined) {
    throw new UsageError(`The bundle of ${constructPath} (${path.join(bundleDir, `${bundleBase}.js`)}) is missing; run \`npx cdk synth\` again.`);
  }
  const durable = (props.DurableConfig ?? {}) as { ExecutionTimeout?: unknown; RetentionPeriodInDays?: unknown };
  const variables = ((props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, unknown>;
  const environment: Record<string, string> = {};
  const unresolvedEnvironment: string[] = [];
  for (const [key, value] of Object.entries(variables)) {
    if (typeof value === 'string') environment[key] = value;
    else unresolvedEnvironment.push(key);
  }
  const id = constructPath.split('/').pop() ?? 'function';
  return {
    constructPath,
    name: id.replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 64) || 'function',
    bundlePath,
    handler: dot < 0 ? handlerString : handlerString.slice(dot + 1),
    executionTimeout: numberOrUndefined(durable.ExecutionTimeout),
    retentionDays: numberOrUndefined(durable.RetentionPeriodInDays),
    timeout: numberOrUndefined(props.Timeout),
    memorySize: numberOrUndefined(props.MemorySize),
    environment,
    unresolvedEnvironment,
  };
}

/**
 * The folder of the function's code asset: from the `aws:asset:path` metadata the CDK CLI adds,
 * else from the stack's asset manifest, keyed by the code's S3 key (`<hash>.zip`).
 */
function assetFolder(assemblyDir: string, templateFile: string, constructPath: string, resource: Resource): string {
  const metadataPath = resource.Metadata?.['aws:asset:path'];
  if (typeof metadataPath === 'string') {
    return path.resolve(assemblyDir, metadataPath);
  }
  const code = (resource.Properties?.Code ?? {}) as { S3Key?: unknown };
  const hash = typeof code.S3Key === 'string' ? code.S3Key.replace(/\.zip$/, '') : undefined;
  const assetsFile = templateFile.replace(/\.template\.json$/, '.assets.json');
  if (hash !== undefined && fs.existsSync(assetsFile)) {
    const assets = JSON.parse(fs.readFileSync(assetsFile, 'utf8')) as AssetManifest;
    const source = assets.files?.[hash]?.source?.path;
    if (source !== undefined) {
      return path.resolve(assemblyDir, source);
    }
  }
  throw new UsageError(`The code of ${constructPath} is not a file asset of ${assemblyDir}; only functions with bundled code (DurableFunction) can run locally.`);
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}
