import type { Duration } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * How the workflow entry is bundled with esbuild (run in-process from this package's own `esbuild`
 * dependency; no Docker). The option names and meanings are those of `aws-lambda-nodejs`
 * `BundlingOptions`, so a `NodejsFunction`'s `bundling` carries over; the options that only make
 * sense with Docker (`dockerImage`, `forceDockerBundling`, `esbuildVersion`, `esbuildArgs`,
 * `buildArgs`, `preCompilation`, `bundlingFileAccess`, volumes, …) are rejected at synth with an
 * error that says so.
 *
 * By default the bundle is minified, without a source map, in CommonJS (`index.js`), and every
 * `@aws-sdk/*` import is left to the AWS SDK the Node.js Lambda runtime provides, as
 * `NodejsFunction` does on `nodejs18.x` and later. That includes the `@aws-sdk/client-lambda` the
 * runtime checkpoints through: the bundle checks when it loads that the provided client has the
 * durable-execution commands, and fails with an error naming `bundleAwsSDK` if it does not.
 *
 * @example
 * new DurableFunction(this, 'Orders', {
 *   entry: 'src/orders.ts',
 *   bundling: { format: OutputFormat.ESM, sourceMap: true, nodeModules: ['sharp'] },
 * });
 */
export interface DurableBundlingOptions {
  /**
   * Minify the bundle. Function and class names are kept (see `keepNames`), because error types
   * recorded in the execution history are taken from them.
   *
   * @default true
   */
  readonly minify?: boolean;

  /**
   * Emit a source map and set `NODE_OPTIONS=--enable-source-maps` on the function (unless
   * `environment` already sets `NODE_OPTIONS`), so stack traces point at your TypeScript sources.
   * The map is shipped in the asset (`index.js.map`, or inline with `SourceMapMode.INLINE`).
   *
   * @default false - no source map is produced
   */
  readonly sourceMap?: boolean;

  /**
   * How the source map is written (`sourceMap` must be true): next to the bundle and linked from it
   * (`DEFAULT`), next to it without the link (`EXTERNAL`), inside the bundle (`INLINE`) or both.
   *
   * @default SourceMapMode.DEFAULT
   */
  readonly sourceMapMode?: nodejs.SourceMapMode;

  /**
   * Include the original sources in the source map.
   *
   * @default true
   */
  readonly sourcesContent?: boolean;

  /**
   * esbuild's `target` (for example `'node22'` or `'es2022'`).
   *
   * @default - the Node.js major of the function's runtime (`node24` for `nodejs24.x`)
   */
  readonly target?: string;

  /**
   * esbuild loaders by file extension, for example `{ '.png': 'dataurl', '.sql': 'text' }`.
   *
   * @default - esbuild's default loaders
   */
  readonly loader?: Record<string, string>;

  /**
   * Which esbuild messages reach the synth: at `WARNING` and above (the default, also `INFO`,
   * `DEBUG`, `VERBOSE`) esbuild warnings become synth warnings on the function; at `ERROR` and
   * `SILENT` they are dropped. Errors always fail the synth.
   *
   * @default LogLevel.WARNING
   */
  readonly logLevel?: nodejs.LogLevel;

  /**
   * Keep function and class `name`s when minifying. Error types recorded in the execution history
   * come from constructor names, so turning this off with `minify` makes them unreadable.
   *
   * @default true
   */
  readonly keepNames?: boolean;

  /**
   * The `tsconfig.json` esbuild reads (paths, JSX and decorator settings), relative to the
   * directory cdk runs in or absolute.
   *
   * @default - esbuild finds the nearest tsconfig.json of each file
   */
  readonly tsconfig?: string;

  /**
   * Write esbuild's metafile into the asset as `index.meta.json`, for bundle analysers.
   *
   * @default false
   */
  readonly metafile?: boolean;

  /**
   * Text inserted at the start of the bundle.
   *
   * @default - none
   */
  readonly banner?: string;

  /**
   * Text inserted at the end of the bundle.
   *
   * @default - none
   */
  readonly footer?: string;

  /**
   * esbuild's output charset: `Charset.UTF8` keeps non-ASCII characters as they are.
   *
   * @default Charset.ASCII
   */
  readonly charset?: nodejs.Charset;

  /**
   * Compile-time constants substituted by esbuild, as in esbuild's `define` (values are JavaScript
   * source text, so strings need their own quotes: `{ 'process.env.STAGE': '"prod"' }`).
   *
   * @default - no substitutions
   */
  readonly define?: Record<string, string>;

  /**
   * Modules left out of the bundle and loaded at run time from what the Lambda runtime provides
   * (or from `nodeModules`). Giving this list replaces the default, as in `NodejsFunction`.
   *
   * @default ['@aws-sdk/*'] - or nothing with `bundleAwsSDK: true`
   */
  readonly externalModules?: string[];

  /**
   * Bundle the AWS SDK (`@aws-sdk/*`, including the `@aws-sdk/client-lambda` the runtime
   * checkpoints through, at the version this package depends on) instead of using the one the
   * Lambda runtime provides. The bundle is larger; the SDK version no longer changes under you.
   * The SDK's packages (`@aws-sdk/*`, `@smithy/*`, `@aws-crypto/*`) are bundled from their ES
   * module builds, so only what is used of them is kept; other packages resolve as `mainFields`
   * says.
   *
   * @default false
   */
  readonly bundleAwsSDK?: boolean;

  /**
   * Packages installed into the asset's `node_modules` instead of bundled (native modules, packages
   * that read their own files). They are installed with the package manager of the lock file
   * (`npm ci`, `yarn install --frozen-lockfile`, `pnpm install --frozen-lockfile`, `bun install
   * --frozen-lockfile`), at the versions installed in your project.
   *
   * @default - everything is bundled
   */
  readonly nodeModules?: string[];

  /**
   * Commands run on this machine around bundling, chained with `&&`, in the project root. Their
   * output is shown when one fails and fails the synth.
   *
   * @default - no commands
   */
  readonly commandHooks?: nodejs.ICommandHooks;

  /**
   * A custom asset hash instead of the hash of the bundle's content.
   *
   * @default - the hash of the bundle
   */
  readonly assetHash?: string;

  /**
   * The bundle's module format. `OutputFormat.ESM` writes `index.mjs`, an ES module, so
   * `import.meta` and top-level `await` work; CommonJS packages that `require()` Node built-ins
   * keep working inside it.
   *
   * @default OutputFormat.CJS
   */
  readonly format?: nodejs.OutputFormat;

  /**
   * esbuild's `mainFields`: which `package.json` fields pick a package's entry; `['module',
   * 'main']` prefers ES module builds, which tree-shake better. Set, it applies to every package,
   * a bundled AWS SDK included.
   *
   * @default - esbuild's default for Node (`main`, then `module`), except that a bundled AWS SDK's
   * packages come from their ES module builds (`module`)
   */
  readonly mainFields?: string[];

  /**
   * Files esbuild injects into the bundle (esbuild's `inject`).
   *
   * @default - none
   */
  readonly inject?: string[];

  /**
   * Same as the `projectRoot` prop of the function (kept for compatibility); give one or the other.
   *
   * @deprecated use the `projectRoot` prop of `DurableFunction`
   * @default - see the `projectRoot` prop
   */
  readonly projectRoot?: string;
}

/**
 * The durable settings spelled as aws-cdk-lib's `lambda.Function` spells them. Equivalent to the
 * `executionTimeout` and `retentionPeriod` props; give one spelling or the other.
 *
 * @example
 * new DurableFunction(this, 'Orders', {
 *   entry: 'src/orders.ts',
 *   durableConfig: { executionTimeout: Duration.hours(1), retentionPeriod: Duration.days(7) },
 * });
 */
export interface DurableFunctionConfig {
  /** How long one durable execution may run in total (1 second to 366 days). */
  readonly executionTimeout: Duration;
  /**
   * How long a finished execution's history is kept (1 to 90 whole days).
   *
   * @default Duration.days(14)
   */
  readonly retentionPeriod?: Duration;
}

/**
 * Properties of a {@link DurableFunction}. Every `lambda.Function` option is accepted and passed
 * through (`memorySize`, `timeout`, `environment`, `role`, `vpc`, …), except `code` (the construct
 * bundles the entry itself). A prop the construct does not know — a typo, or a `NodejsFunction`
 * prop it has no use for — fails the synth with a `DurableFunctionValidationError` naming it.
 *
 * @example
 * new DurableFunction(this, 'Orders', {
 *   entry: 'src/orders.ts',
 *   handler: 'processOrder',
 *   executionTimeout: Duration.days(7),
 *   retentionPeriod: Duration.days(30),
 *   memorySize: 512,
 * });
 */
export interface DurableFunctionProps extends Omit<lambda.FunctionOptions, 'durableConfig'> {
  /**
   * `executionTimeout` and `retentionPeriod` as aws-cdk-lib's `lambda.Function` spells them.
   * Giving it together with `executionTimeout` or `retentionPeriod` is a validation error.
   *
   * @default - from `executionTimeout` and `retentionPeriod`
   */
  readonly durableConfig?: DurableFunctionConfig;

  /**
   * The directory esbuild treats as its working directory, as in `NodejsFunction`. Paths inside
   * the bundle (module comments, source map sources) are written relative to it, which keeps the
   * bundle and its asset hash the same on every machine that checks the project out.
   *
   * @default - the directory of `depsLockFilePath` when given, otherwise the nearest directory
   *   above the entry file that contains a `package.json` (the entry's own directory when none does)
   */
  readonly projectRoot?: string;

  /**
   * The lock file (`package-lock.json`, `yarn.lock`, `pnpm-lock.yaml`, `bun.lockb` or `bun.lock`)
   * `bundling.nodeModules` are installed from, as in `NodejsFunction`.
   *
   * @default - the nearest lock file at or above the entry's directory
   */
  readonly depsLockFilePath?: string;

  /**
   * The workflow file (TypeScript or JavaScript). A relative path is resolved against the
   * current working directory, i.e. the directory `cdk synth` runs in.
   *
   * The file exports the workflow either as a plain function `(input, ctx) => result`, which the
   * construct wraps with the runtime's `withDurableExecution` for you, or as a handler already
   * wrapped with `withDurableExecution`, which is used as it is.
   */
  readonly entry: string;

  /**
   * The name of the export in `entry` that holds the workflow (`'default'` for a default export).
   * This is an export name, not a Lambda `file.export` handler string: the Lambda handler of the
   * bundle is always `index.handler`.
   *
   * @default 'handler'
   */
  readonly handler?: string;

  /**
   * The Lambda runtime. Durable functions run on `nodejs22.x` and `nodejs24.x` only; any other
   * runtime is rejected at synth.
   *
   * @default lambda.Runtime.NODEJS_24_X
   */
  readonly runtime?: lambda.Runtime;

  /**
   * How long one durable execution may run in total, across all its invocations, waits and
   * retries (CloudFormation `DurableConfig.ExecutionTimeout`). Between 1 second and 366 days, in
   * whole seconds. Not to be confused with `timeout`, which bounds a single invocation.
   *
   * @default Duration.minutes(15)
   */
  readonly executionTimeout?: Duration;

  /**
   * How long the history of a finished execution stays readable (CloudFormation
   * `DurableConfig.RetentionPeriodInDays`). Between 1 and 90 whole days.
   *
   * @default Duration.days(14)
   */
  readonly retentionPeriod?: Duration;

  /**
   * A customer managed KMS key that encrypts the durable execution data at rest (inputs,
   * checkpoints, results, callback payloads), set as `DurableConfig.KMSKeyArn`. The function's
   * role is granted encrypt and decrypt on the key, and the construct's `grant*` methods add the
   * key permissions their callers need. It is independent of `environmentEncryption`.
   *
   * @default - data is encrypted with a key owned by AWS
   */
  readonly durableStateKey?: kms.IKey;

  /**
   * The name of the alias created on the function's current version. Durable executions can only
   * be started through a qualified ARN, so integrations target this alias (`fn.alias`).
   * 1–128 characters of letters, digits, `-` and `_`, not only digits.
   *
   * @default 'live'
   */
  readonly aliasName?: string;

  /**
   * Event sources for the function. They are attached to the alias, not to the unqualified
   * function: an event source mapping on the unqualified ARN would invoke it unqualified, which
   * Lambda rejects for durable functions.
   *
   * @default - no event sources
   */
  readonly events?: lambda.IEventSource[];

  /**
   * esbuild options, as `NodejsFunction`'s `bundling`.
   *
   * @default - minified, no source map, CommonJS, `@aws-sdk/*` external
   */
  readonly bundling?: DurableBundlingOptions;

  /**
   * How far back a replay gate (or anything else that reads finished executions' histories
   * before a deploy) samples. Only used at synth: a `retentionPeriod` shorter than this window
   * is reported as a warning, because histories older than the retention period are gone.
   *
   * @default Duration.days(7)
   */
  readonly historySamplingWindow?: Duration;

  /**
   * Where `grantInvoke` allows `lambda:InvokeFunction`. By default only on the alias, so a grantee
   * cannot start executions on `$LATEST` or an old version and bypass the alias.
   *
   * @default InvokeGrantScope.ALIAS
   */
  readonly invokeGrantScope?: InvokeGrantScope;

  /**
   * Deletes old versions on a schedule once no execution runs on them. Versions are retained by
   * default (an execution runs on the version that started it for up to `executionTimeout`), so
   * without this they pile up (Lambda keeps up to 75 GB of code per Region).
   *
   * @default - versions are kept for ever
   */
  readonly versionCleanup?: VersionCleanupOptions;

  /**
   * Which durable-execution runtime the entry's handler is made with. An entry that imports
   * `@aws/durable-execution-sdk-js` must say `DurableRuntime.AWS_DURABLE_EXECUTION_SDK`: its handler
   * is then deployed as it is, never wrapped a second time.
   *
   * @default DurableRuntime.EMBEDDED
   */
  readonly durableRuntime?: DurableRuntime;
}

/**
 * What `grantInvoke` on a {@link DurableFunction} allows.
 *
 * @example
 * new DurableFunction(this, 'Orders', { entry: 'src/orders.ts', invokeGrantScope: InvokeGrantScope.ALL_VERSIONS });
 */
export enum InvokeGrantScope {
  /** `lambda:InvokeFunction` on the alias ARN only. */
  ALIAS = 'ALIAS',
  /**
   * `lambda:InvokeFunction` on `<function arn>:*`: the alias, every version and `$LATEST`. Needed by
   * callers that pin a version themselves; scanners flag the wildcard (AwsSolutions-IAM5).
   */
  ALL_VERSIONS = 'ALL_VERSIONS',
}

/**
 * The durable-execution runtime a {@link DurableFunction}'s handler is made with.
 *
 * @example
 * new DurableFunction(this, 'Orders', { entry: 'src/orders.ts', durableRuntime: DurableRuntime.AWS_DURABLE_EXECUTION_SDK });
 */
export enum DurableRuntime {
  /** This package's runtime: a plain workflow export is wrapped with its `withDurableExecution`. */
  EMBEDDED = 'EMBEDDED',
  /** The handler is made with `withDurableExecution` of `@aws/durable-execution-sdk-js` and deployed as it is. */
  AWS_DURABLE_EXECUTION_SDK = 'AWS_DURABLE_EXECUTION_SDK',
}

/**
 * The scheduled cleanup of a {@link DurableFunction}'s old versions: a small Lambda function that
 * deletes versions older than the alias's which no alias uses, which are not among the `keep`
 * newest of them, and on which no execution is in flight (`ListDurableExecutionsByFunction` per
 * version). Its IAM is scoped to this function.
 *
 * @example
 * new DurableFunction(this, 'Orders', {
 *   entry: 'src/orders.ts',
 *   versionCleanup: { keep: 3, schedule: events.Schedule.rate(Duration.hours(6)) },
 * });
 */
export interface VersionCleanupOptions {
  /**
   * How many versions older than the alias's are kept even when nothing runs on them (for a quick
   * roll-back).
   *
   * @default 3
   */
  readonly keep?: number;

  /**
   * When the cleanup runs.
   *
   * @default events.Schedule.rate(Duration.days(1))
   */
  readonly schedule?: events.Schedule;
}
