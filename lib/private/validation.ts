import { Duration, Token } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { DurableFunctionValidationError } from '../errors';
import type { DurableFunctionProps } from '../types';

/**
 * The Lambda runtimes durable functions run on; `runtime` must be one of them.
 *
 * @example
 * DURABLE_RUNTIME_NAMES.includes(lambda.Runtime.NODEJS_22_X.name); // true
 */
export const DURABLE_RUNTIME_NAMES: readonly string[] = ['nodejs22.x', 'nodejs24.x'];

/** `DurableConfig.ExecutionTimeout` bounds, in seconds (1 s to 366 days). */
export const MIN_EXECUTION_TIMEOUT_SECONDS = 1;
export const MAX_EXECUTION_TIMEOUT_SECONDS = 31_622_400;

/** `DurableConfig.RetentionPeriodInDays` bounds. */
export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 90;

/** Bounds of a single Lambda invocation (`timeout`). */
export const MAX_INVOCATION_TIMEOUT_SECONDS = 900;

const SECOND_MS = 1000;
const DAY_MS = 86_400_000;

/**
 * Checks `executionTimeout`: whole seconds between 1 s and 366 days. An unresolved value
 * (a token, e.g. from a CloudFormation parameter) is left to CloudFormation.
 */
export function validateExecutionTimeout(where: string, value: Duration): void {
  if (value.isUnresolved()) {
    return;
  }
  const ms = value.toMilliseconds();
  const ok = ms % SECOND_MS === 0
    && ms >= MIN_EXECUTION_TIMEOUT_SECONDS * SECOND_MS
    && ms <= MAX_EXECUTION_TIMEOUT_SECONDS * SECOND_MS;
  if (!ok) {
    throw new DurableFunctionValidationError('executionTimeout',
      `${where}: executionTimeout must be a whole number of seconds between ${MIN_EXECUTION_TIMEOUT_SECONDS} second and `
      + `${MAX_EXECUTION_TIMEOUT_SECONDS} seconds (366 days), got ${describe(value)}. `
      + 'It bounds a whole durable execution; use Duration.seconds(), minutes(), hours() or days().');
  }
}

/**
 * Checks `retentionPeriod`: whole days between 1 and 90. Unresolved values pass through.
 */
export function validateRetentionPeriod(where: string, value: Duration): void {
  if (value.isUnresolved()) {
    return;
  }
  const ms = value.toMilliseconds();
  const ok = ms % DAY_MS === 0 && ms >= MIN_RETENTION_DAYS * DAY_MS && ms <= MAX_RETENTION_DAYS * DAY_MS;
  if (!ok) {
    throw new DurableFunctionValidationError('retentionPeriod',
      `${where}: retentionPeriod must be a whole number of days between ${MIN_RETENTION_DAYS} and ${MAX_RETENTION_DAYS} days, `
      + `got ${describe(value)}. Use Duration.days(n).`);
  }
}

/**
 * Checks the per-invocation `timeout`: whole seconds between 1 s and 15 minutes (Lambda's limit).
 */
export function validateInvocationTimeout(where: string, value: Duration | undefined): void {
  if (value === undefined || value.isUnresolved()) {
    return;
  }
  const ms = value.toMilliseconds();
  const ok = ms % SECOND_MS === 0 && ms >= SECOND_MS && ms <= MAX_INVOCATION_TIMEOUT_SECONDS * SECOND_MS;
  if (!ok) {
    throw new DurableFunctionValidationError('timeout',
      `${where}: timeout must be a whole number of seconds between 1 second and ${MAX_INVOCATION_TIMEOUT_SECONDS} seconds `
      + `(15 minutes), got ${describe(value)}. It bounds one invocation; a durable execution may run longer, `
      + 'up to executionTimeout, across many invocations.');
  }
}

/**
 * Checks that the runtime is one Lambda runs durable functions on.
 */
export function validateRuntime(where: string, runtime: lambda.Runtime): void {
  if (Token.isUnresolved(runtime.name)) {
    return;
  }
  if (!DURABLE_RUNTIME_NAMES.includes(runtime.name)) {
    throw new DurableFunctionValidationError('runtime',
      `${where}: runtime must be one of ${DURABLE_RUNTIME_NAMES.join(', ')} (lambda.Runtime.NODEJS_22_X or `
      + `lambda.Runtime.NODEJS_24_X), got ${runtime.name}. Durable functions are not available on other runtimes.`);
  }
}

/** Lambda alias names: 1–128 of `[a-zA-Z0-9-_]`, not purely numeric (that would read as a version). */
const ALIAS_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

/**
 * Checks `aliasName`. Unresolved values pass through.
 */
export function validateAliasName(where: string, aliasName: string): void {
  if (Token.isUnresolved(aliasName)) {
    return;
  }
  if (!ALIAS_NAME.test(aliasName) || /^[0-9]+$/.test(aliasName)) {
    throw new DurableFunctionValidationError('aliasName',
      `${where}: aliasName must be 1 to 128 characters of letters, digits, '-' and '_', and not only digits, `
      + `got ${JSON.stringify(aliasName)}.`);
  }
}

/** A JavaScript export name: an identifier (which includes `default`). */
const EXPORT_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Checks `handler`: the name of an export of the entry, not a Lambda `file.export` string.
 */
export function validateHandlerName(where: string, handler: string): void {
  if (EXPORT_NAME.test(handler)) {
    return;
  }
  const hint = handler.includes('.')
    ? ` It names an export of the entry file, not a Lambda 'file.export' handler: use ${JSON.stringify(handler.slice(handler.lastIndexOf('.') + 1))}.`
    : '';
  throw new DurableFunctionValidationError('handler',
    `${where}: handler must be the name of an export of the entry file (a JavaScript identifier such as 'handler' `
    + `or 'default'), got ${JSON.stringify(handler)}.${hint}`);
}

/** Renders a Duration as written plus its exact size, e.g. `367 days (31708800 seconds)`. */
function describe(value: Duration): string {
  return `${value.toHumanString()} (${value.toMilliseconds() / SECOND_MS} seconds)`;
}

/** Default `executionTimeout`. */
export const DEFAULT_EXECUTION_TIMEOUT = Duration.minutes(15);
/** Default `retentionPeriod`. */
export const DEFAULT_RETENTION_PERIOD = Duration.days(14);
/** Default `aliasName`. */
export const DEFAULT_ALIAS_NAME = 'live';
/** Default `handler`. */
export const DEFAULT_HANDLER_EXPORT = 'handler';

/**
 * Every `lambda.FunctionOptions` key of the aws-cdk-lib this package is built against; the type
 * keeps the list complete. An aws-cdk-lib newer than that may know more, so the unknown-prop error
 * says how to tell the two cases apart.
 */
const FUNCTION_OPTION_KEYS: { readonly [K in keyof Required<lambda.FunctionOptions>]: true } = {
  adotInstrumentation: true, allowAllIpv6Outbound: true, allowAllOutbound: true, allowPublicSubnet: true,
  applicationLogLevel: true, applicationLogLevelV2: true, architecture: true, codeSigningConfig: true,
  currentVersionOptions: true, deadLetterQueue: true, deadLetterQueueEnabled: true, deadLetterTopic: true,
  description: true, durableConfig: true, environment: true, environmentEncryption: true, ephemeralStorageSize: true,
  events: true, filesystem: true, functionName: true, initialPolicy: true, insightsVersion: true, ipv6AllowedForDualStack: true,
  layers: true, logFormat: true, loggingFormat: true, logGroup: true, logRetention: true, logRetentionRetryOptions: true,
  logRetentionRole: true, maxEventAge: true, memorySize: true, onFailure: true, onSuccess: true, paramsAndSecrets: true,
  profiling: true, profilingGroup: true, recursiveLoop: true, reservedConcurrentExecutions: true, retryAttempts: true,
  role: true, runtimeManagementMode: true, securityGroups: true, snapStart: true, systemLogLevel: true,
  systemLogLevelV2: true, timeout: true, tracing: true, vpc: true, vpcSubnets: true, logRemovalPolicy: true, tenancyConfig: true,
} as const;

/** The props `DurableFunction` adds to `lambda.FunctionOptions`; the type keeps the list complete. */
const OWN_PROP_FLAGS: { readonly [K in Exclude<keyof DurableFunctionProps, keyof lambda.FunctionOptions>]-?: true } = {
  entry: true, handler: true, runtime: true, executionTimeout: true, retentionPeriod: true, durableStateKey: true,
  aliasName: true, bundling: true, projectRoot: true, depsLockFilePath: true, historySamplingWindow: true,
  invokeGrantScope: true, versionCleanup: true, durableRuntime: true,
};
const OWN_PROP_KEYS: readonly string[] = Object.keys(OWN_PROP_FLAGS);

/** Props users bring from `NodejsFunction` or `lambda.Function` that mean nothing here, and why. */
const REFUSED_PROPS: Readonly<Record<string, string>> = {
  code: 'the construct bundles `entry` itself; use lambda.Function if you have ready-made code',
  awsSdkConnectionReuse: 'it only configures the AWS SDK v2; the v3 SDK reuses connections by default',
};

/**
 * Fails on a prop `DurableFunction` does not know, which TypeScript's excess-property check misses
 * for props built in a variable and for JavaScript callers: a silently ignored prop is a setting
 * the user believes in but does not have.
 */
export function validateKnownProps(where: string, props: object): void {
  for (const key of Object.keys(props)) {
    if ((props as Record<string, unknown>)[key] === undefined) {
      continue;
    }
    const refused = REFUSED_PROPS[key];
    if (refused !== undefined) {
      throw new DurableFunctionValidationError(key, `${where}: the ${key} prop is not supported: ${refused}.`);
    }
    if (!Object.prototype.hasOwnProperty.call(FUNCTION_OPTION_KEYS, key) && !OWN_PROP_KEYS.includes(key)) {
      throw new DurableFunctionValidationError(key,
        `${where}: unknown prop ${JSON.stringify(key)}${suggestion(key, [...Object.keys(FUNCTION_OPTION_KEYS), ...OWN_PROP_KEYS])}. `
        + 'DurableFunction takes entry, handler, runtime, durableConfig (or executionTimeout and retentionPeriod), '
        + `${OWN_PROP_KEYS.filter((k) => !['entry', 'handler', 'runtime', 'executionTimeout', 'retentionPeriod'].includes(k)).join(', ')} `
        + 'and the lambda.Function options. '
        + '(If it is a lambda.Function option newer than this version of cdk-durable-function, upgrade cdk-durable-function.)');
    }
  }
}

/** Resolved durable settings, from either spelling. */
export interface DurableSettings {
  readonly executionTimeout: Duration;
  readonly retentionPeriod: Duration;
}

/**
 * Reads `durableConfig` (aws-cdk-lib's spelling) or `executionTimeout`/`retentionPeriod`, never
 * both, and applies the defaults.
 */
export function resolveDurableSettings(where: string, props: {
  readonly durableConfig?: { readonly executionTimeout: Duration; readonly retentionPeriod?: Duration };
  readonly executionTimeout?: Duration;
  readonly retentionPeriod?: Duration;
}): DurableSettings {
  const config = props.durableConfig;
  if (config === undefined) {
    return {
      executionTimeout: props.executionTimeout ?? DEFAULT_EXECUTION_TIMEOUT,
      retentionPeriod: props.retentionPeriod ?? DEFAULT_RETENTION_PERIOD,
    };
  }
  const both = (['executionTimeout', 'retentionPeriod'] as const).filter((key) => props[key] !== undefined);
  if (both.length > 0) {
    throw new DurableFunctionValidationError('durableConfig',
      `${where}: durableConfig and ${both.join(' and ')} both set the durable settings. Give them one way: either `
      + 'durableConfig: { executionTimeout, retentionPeriod } (as lambda.Function takes them) or the executionTimeout '
      + 'and retentionPeriod props.');
  }
  if (config === null || typeof config !== 'object') {
    throw new DurableFunctionValidationError('durableConfig',
      `${where}: durableConfig must be an object { executionTimeout, retentionPeriod? }, got ${config === null ? 'null' : typeof config}.`);
  }
  for (const key of Object.keys(config)) {
    if (key !== 'executionTimeout' && key !== 'retentionPeriod' && (config as Record<string, unknown>)[key] !== undefined) {
      throw new DurableFunctionValidationError('durableConfig',
        `${where}: unknown durableConfig field ${JSON.stringify(key)}; it takes executionTimeout and retentionPeriod`
        + (key === 'kmsKey' || key === 'kmsKeyArn' ? ' (the key is the durableStateKey prop).' : '.'));
    }
  }
  if (!(config.executionTimeout instanceof Duration)) {
    throw new DurableFunctionValidationError('durableConfig',
      `${where}: durableConfig.executionTimeout is required and must be a Duration (e.g. Duration.hours(1)).`);
  }
  return { executionTimeout: config.executionTimeout, retentionPeriod: config.retentionPeriod ?? DEFAULT_RETENTION_PERIOD };
}

/** `aws-lambda-nodejs` bundling options that need Docker or another esbuild, and what to do instead. */
const DOCKER_ONLY_BUNDLING: Readonly<Record<string, string>> = {
  dockerImage: 'bundling always runs locally with this package\'s esbuild, never in Docker',
  forceDockerBundling: 'bundling always runs locally with this package\'s esbuild, never in Docker',
  bundlingFileAccess: 'there is no Docker container to share files with',
  buildArgs: 'there is no Docker image to build',
  esbuildVersion: 'the esbuild this package depends on is used',
  esbuildArgs: 'esbuild runs through its JavaScript API, not its command line; use the named options (loader, banner, mainFields, …)',
  preCompilation: 'esbuild compiles TypeScript itself; run tsc in a commandHooks.beforeBundling command if you need its emit',
  entrypoint: 'there is no Docker container',
  command: 'there is no Docker container',
  volumes: 'there is no Docker container',
  volumesFrom: 'there is no Docker container',
  environment: 'there is no Docker container; use define for compile-time values and the environment prop for run time',
  workingDirectory: 'there is no Docker container; the projectRoot prop sets esbuild\'s working directory',
  user: 'there is no Docker container',
  securityOpt: 'there is no Docker container',
  network: 'there is no Docker container',
  platform: 'there is no Docker container; the bundle targets the function\'s runtime and architecture',
};

/** The `bundling` options `DurableFunction` supports. */
const BUNDLING_KEYS: readonly string[] = [
  'minify', 'sourceMap', 'sourceMapMode', 'sourcesContent', 'target', 'loader', 'logLevel', 'keepNames', 'tsconfig',
  'metafile', 'banner', 'footer', 'charset', 'define', 'externalModules', 'bundleAwsSDK', 'nodeModules', 'commandHooks',
  'assetHash', 'format', 'mainFields', 'inject', 'projectRoot',
];

/** Checks `bundling`: known keys only, and values of the right kind. */
export function validateBundlingOptions(where: string, bundling: object | undefined): void {
  if (bundling === undefined) {
    return;
  }
  if (bundling === null || typeof bundling !== 'object') {
    throw new DurableFunctionValidationError('bundling', `${where}: bundling must be an object, got ${bundling === null ? 'null' : typeof bundling}.`);
  }
  const options = bundling as Record<string, unknown>;
  for (const key of Object.keys(options)) {
    if (options[key] === undefined) {
      continue;
    }
    const dockerOnly = DOCKER_ONLY_BUNDLING[key];
    if (dockerOnly !== undefined) {
      throw new DurableFunctionValidationError('bundling',
        `${where}: bundling.${key} is not supported: ${dockerOnly}.`);
    }
    if (!BUNDLING_KEYS.includes(key)) {
      throw new DurableFunctionValidationError('bundling',
        `${where}: unknown bundling option ${JSON.stringify(key)}${suggestion(key, BUNDLING_KEYS)}. Supported: ${BUNDLING_KEYS.join(', ')}.`);
    }
  }
  const check = (key: string, ok: (value: unknown) => boolean, expected: string): void => {
    if (options[key] !== undefined && !ok(options[key])) {
      throw new DurableFunctionValidationError('bundling', `${where}: bundling.${key} must be ${expected}, got ${JSON.stringify(options[key])}.`);
    }
  };
  const isStringArray = (value: unknown): boolean => Array.isArray(value) && value.every((v) => typeof v === 'string');
  const isStringRecord = (value: unknown): boolean => value !== null && typeof value === 'object' && !Array.isArray(value)
    && Object.values(value).every((v) => typeof v === 'string');
  for (const key of ['minify', 'sourceMap', 'sourcesContent', 'keepNames', 'metafile', 'bundleAwsSDK']) {
    check(key, (v) => typeof v === 'boolean', 'true or false');
  }
  for (const key of ['target', 'tsconfig', 'banner', 'footer', 'assetHash', 'projectRoot']) {
    check(key, (v) => typeof v === 'string', 'a string');
  }
  for (const key of ['externalModules', 'nodeModules', 'mainFields', 'inject']) {
    check(key, isStringArray, 'an array of strings');
  }
  check('define', isStringRecord, 'an object of strings (JavaScript source text)');
  check('loader', (v) => isStringRecord(v) && Object.keys(v as object).every((ext) => ext.startsWith('.')),
    'an object mapping extensions that start with "." to esbuild loader names, e.g. { ".png": "dataurl" }');
  check('format', (v) => v === 'cjs' || v === 'esm', 'OutputFormat.CJS or OutputFormat.ESM');
  check('sourceMapMode', (v) => v === 'default' || v === 'external' || v === 'inline' || v === 'both', 'a SourceMapMode');
  check('charset', (v) => v === 'ascii' || v === 'utf8', 'Charset.ASCII or Charset.UTF8');
  check('logLevel', (v) => typeof v === 'string' && ['verbose', 'debug', 'info', 'warning', 'error', 'silent'].includes(v), 'a LogLevel');
  check('commandHooks', (v) => v !== null && typeof v === 'object'
    && ['beforeBundling', 'beforeInstall', 'afterBundling'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
  'an object with beforeBundling, beforeInstall and afterBundling methods (ICommandHooks)');
  if (options.sourceMapMode !== undefined && options.sourceMap !== true) {
    throw new DurableFunctionValidationError('bundling',
      `${where}: bundling.sourceMapMode needs bundling.sourceMap: true (as in NodejsFunction); without it no source map is produced.`);
  }
  if (options.bundleAwsSDK === true && Array.isArray(options.externalModules)
    && (options.externalModules as string[]).some((m) => m === '@aws-sdk/*' || m.startsWith('@aws-sdk/'))) {
    throw new DurableFunctionValidationError('bundling',
      `${where}: bundling.bundleAwsSDK is true but externalModules leaves ${(options.externalModules as string[]).filter((m) => m.startsWith('@aws-sdk/')).join(', ')} out. Choose one.`);
  }
}

/** ` (did you mean "x"?)` for a key one or two edits away from a known one. */
function suggestion(key: string, known: readonly string[]): string {
  const lower = key.toLowerCase();
  const close = known.find((candidate) => editDistance(lower, candidate.toLowerCase()) <= 2)
    ?? known.find((candidate) => lower.startsWith(candidate.toLowerCase()) || candidate.toLowerCase().startsWith(lower));
  return close === undefined ? '' : ` (did you mean ${JSON.stringify(close)}?)`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
