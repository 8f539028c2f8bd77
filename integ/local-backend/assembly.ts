/**
 * Finding each scenario's bundle in a synthesized cloud assembly: the function resource named
 * after the scenario, its `Code.S3Key` asset hash, and that asset's source directory from the
 * stack's asset manifest. The local backend runs exactly these files, the bytes the construct
 * produced and a deployment would upload.
 *
 * @example
 * const app = new App({ outdir });
 * buildParallelScenariosApp(app);
 * const bundles = scenarioBundles(app.synth(), 'DurableParallelScenarios');
 * bundles['happy-path'].bundleFile; // '<outdir>/asset.3f…/index.js'
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, type CfnElement } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { DEFAULT_STACK_NAME, SCENARIO_NAMES, scenarioFunctionName, type ScenarioName } from '../catalog';
import { buildParallelScenariosApp } from '../parallel-scenarios-app';

/** One scenario function as the assembly describes it. */
export interface ScenarioBundle {
  readonly scenario: ScenarioName;
  /** The deployed function name (`FunctionName` in the template). */
  readonly functionName: string;
  readonly logicalId: string;
  /** The asset directory the construct bundled into. */
  readonly assetDir: string;
  /** The file the Lambda handler string points at, inside `assetDir`. */
  readonly bundleFile: string;
  /** The export the Lambda handler string names. */
  readonly handlerExport: string;
  readonly runtime?: string;
  readonly executionTimeoutSeconds: number;
  readonly retentionDays?: number;
  readonly timeoutSeconds?: number;
  readonly memorySize?: number;
  readonly environment: Readonly<Record<string, string>>;
}

/** Thrown when the assembly does not hold what the scenarios need, naming what is missing. */
export class AssemblyLookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssemblyLookupError';
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** The asset manifest (`<stack>.assets.json`) of a stack artifact. */
function assetManifestOf(stack: cxapi.CloudFormationStackArtifact): cxapi.AssetManifestArtifact {
  const manifest = stack.dependencies.find((dep): dep is cxapi.AssetManifestArtifact =>
    cxapi.AssetManifestArtifact.isAssetManifestArtifact(dep),
  );
  if (!manifest) {
    throw new AssemblyLookupError(
      `Stack ${stack.stackName} has no asset manifest; synthesize it with the default stack synthesizer.`,
    );
  }
  return manifest;
}

/**
 * The asset directory of a function's code: through `Code.S3Key` (`<hash>.zip`) and the asset
 * manifest, or through the `aws:asset:path` resource metadata when the assembly was synthesized
 * with asset metadata.
 */
function assetDirOf(
  assembly: cxapi.CloudAssembly,
  stack: cxapi.CloudFormationStackArtifact,
  logicalId: string,
  resource: Json,
): string {
  const properties = isObject(resource.Properties) ? resource.Properties : {};
  const code = isObject(properties.Code) ? properties.Code : {};
  if (typeof code.S3Key === 'string') {
    const hash = code.S3Key.replace(/\.zip$/, '');
    const files = assetManifestOf(stack).contents.files ?? {};
    const source = files[hash]?.source;
    if (source?.path !== undefined) {
      return path.resolve(assembly.directory, source.path);
    }
  }
  const metadata = isObject(resource.Metadata) ? resource.Metadata : {};
  const metadataPath = metadata[cxapi.ASSET_RESOURCE_METADATA_PATH_KEY];
  if (typeof metadataPath === 'string') {
    return path.resolve(assembly.directory, metadataPath);
  }
  throw new AssemblyLookupError(
    `Function ${logicalId} in ${stack.stackName} has no file asset for its code (Code is ${JSON.stringify(code)}); ` +
      'the scenario functions must be bundled into assets at synth.',
  );
}

/** `index.handler` → the file in the asset directory and the export name. */
function resolveHandler(assetDir: string, logicalId: string, handler: unknown): { file: string; exportName: string } {
  if (typeof handler !== 'string' || !/^[^.]+(\.[^.]+)*\.[A-Za-z_$][\w$]*$/.test(handler)) {
    throw new AssemblyLookupError(`Function ${logicalId} has no usable Handler (${JSON.stringify(handler)}); expected "file.export".`);
  }
  const cut = handler.lastIndexOf('.');
  const modulePath = handler.slice(0, cut);
  for (const extension of ['.js', '.cjs', '.mjs']) {
    const file = path.join(assetDir, `${modulePath}${extension}`);
    if (fs.existsSync(file)) {
      return { file, exportName: handler.slice(cut + 1) };
    }
  }
  throw new AssemblyLookupError(`Function ${logicalId}: handler module ${modulePath}.js not found in ${assetDir}.`);
}

/**
 * Every scenario's bundle in `assembly`, for the stack `stackName`. Functions are matched by
 * their deterministic `FunctionName` (`<stack>-<scenario>`).
 *
 * @example
 * scenarioBundles(app.synth())['replay-determinism'].handlerExport; // 'handler'
 */
export function scenarioBundles(
  assembly: cxapi.CloudAssembly,
  stackName: string = DEFAULT_STACK_NAME,
): Record<ScenarioName, ScenarioBundle> {
  const stack = assembly.getStackByName(stackName);
  const resources = isObject(stack.template) && isObject(stack.template.Resources) ? stack.template.Resources : {};
  const bundles: Partial<Record<ScenarioName, ScenarioBundle>> = {};
  for (const scenario of SCENARIO_NAMES) {
    const functionName = scenarioFunctionName(stackName, scenario);
    const match = Object.entries(resources).find(
      ([, resource]) =>
        isObject(resource) &&
        resource.Type === 'AWS::Lambda::Function' &&
        isObject(resource.Properties) &&
        resource.Properties.FunctionName === functionName,
    );
    if (!match || !isObject(match[1])) {
      throw new AssemblyLookupError(`Stack ${stackName} has no AWS::Lambda::Function named ${functionName}.`);
    }
    const [logicalId, resource] = match as [string, Json];
    const properties = resource.Properties as Json;
    const assetDir = assetDirOf(assembly, stack, logicalId, resource);
    const { file, exportName } = resolveHandler(assetDir, logicalId, properties.Handler);
    const durable = isObject(properties.DurableConfig) ? properties.DurableConfig : {};
    const executionTimeoutSeconds = optionalNumber(durable.ExecutionTimeout);
    if (executionTimeoutSeconds === undefined) {
      throw new AssemblyLookupError(`Function ${logicalId} has no DurableConfig.ExecutionTimeout; it is not a durable function.`);
    }
    const environment = isObject(properties.Environment) && isObject(properties.Environment.Variables)
      ? properties.Environment.Variables
      : {};
    bundles[scenario] = {
      scenario,
      functionName,
      logicalId,
      assetDir,
      bundleFile: file,
      handlerExport: exportName,
      runtime: typeof properties.Runtime === 'string' ? properties.Runtime : undefined,
      executionTimeoutSeconds,
      retentionDays: optionalNumber(durable.RetentionPeriodInDays),
      timeoutSeconds: optionalNumber(properties.Timeout),
      memorySize: optionalNumber(properties.MemorySize),
      environment: Object.fromEntries(
        Object.entries(environment).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      ),
    };
  }
  return bundles as Record<ScenarioName, ScenarioBundle>;
}

/** The synthesized integ app and where its bundles are. */
export interface SynthesizedScenarios {
  readonly assemblyDir: string;
  readonly stackName: string;
  readonly bundles: Record<ScenarioName, ScenarioBundle>;
  /** The checker function's bundle (the deployed assertions' `index.js`), exporting `handler`. */
  readonly checkerBundleFile: string;
}

/**
 * The bundle file of one function resource, found by logical id in the stack `stackName`.
 *
 * @example
 * functionBundleFile(assembly, 'DurableParallelScenariosAssertions', 'ScenarioCheckerFunction79D5B0C0');
 */
export function functionBundleFile(assembly: cxapi.CloudAssembly, stackName: string, logicalId: string): string {
  const stack = assembly.getStackByName(stackName);
  const resources = isObject(stack.template) && isObject(stack.template.Resources) ? stack.template.Resources : {};
  const resource = resources[logicalId];
  if (!isObject(resource) || !isObject(resource.Properties)) {
    throw new AssemblyLookupError(`Stack ${stackName} has no resource ${logicalId}.`);
  }
  return resolveHandler(assetDirOf(assembly, stack, logicalId, resource), logicalId, resource.Properties.Handler).file;
}

/**
 * Synthesizes the integ app in-process into `outdir` (bundling every scenario with the
 * construct's esbuild bundling) and locates the bundles.
 *
 * @example
 * const { bundles, checkerBundleFile } = synthesizeScenarios(fs.mkdtempSync('/tmp/scenarios-'));
 */
export function synthesizeScenarios(outdir: string, stackName: string = DEFAULT_STACK_NAME): SynthesizedScenarios {
  const app = new App({ outdir });
  const built = buildParallelScenariosApp(app, { stackName });
  const assembly = app.synth();
  const checker = built.deployedAssertions.checker.function;
  const checkerLogicalId = built.assertionStack.getLogicalId(checker.node.defaultChild as CfnElement);
  return {
    assemblyDir: assembly.directory,
    stackName,
    bundles: scenarioBundles(assembly, stackName),
    checkerBundleFile: functionBundleFile(assembly, built.assertionStack.stackName, checkerLogicalId),
  };
}
