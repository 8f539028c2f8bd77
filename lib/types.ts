import type { Duration } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * How the workflow entry is bundled with esbuild (run in-process from this package's own `esbuild`
 * dependency; no Docker). Everything is bundled into one `index.js`: the workflow, the embedded
 * durable-execution runtime and `@aws-sdk/client-lambda`.
 *
 * @example
 * new DurableFunction(this, 'Orders', {
 *   entry: 'src/orders.ts',
 *   bundling: { minify: true, sourceMap: true },
 * });
 */
export interface DurableBundlingOptions {
  /**
   * Minify the bundle. Function and class names are kept even when minifying, because error
   * types recorded in the execution history are taken from them.
   *
   * @default false
   */
  readonly minify?: boolean;

  /**
   * Emit a source map (`index.js.map`) next to the bundle and set
   * `NODE_OPTIONS=--enable-source-maps` on the function (unless `environment` already sets
   * `NODE_OPTIONS`), so stack traces point at your TypeScript sources.
   *
   * @default false
   */
  readonly sourceMap?: boolean;

  /**
   * Modules left out of the bundle and loaded from the Lambda runtime at run time (for example
   * `['@aws-sdk/client-s3']` to use the SDK that ships with Lambda). The durable runtime and the
   * `@aws-sdk/client-lambda` it checkpoints through are bundled unless you list them here.
   *
   * @default - nothing is external
   */
  readonly externalModules?: string[];

  /**
   * Compile-time constants substituted by esbuild, as in esbuild's `define` (values are JavaScript
   * source text, so strings need their own quotes: `{ 'process.env.STAGE': '"prod"' }`).
   *
   * @default - no substitutions
   */
  readonly define?: Record<string, string>;

  /**
   * The directory esbuild treats as its working directory. Paths inside the bundle (module
   * comments, source map sources) are written relative to it, which keeps the bundle and its
   * asset hash the same on every machine that checks the project out.
   *
   * @default - the nearest directory above the entry file that contains a `package.json`,
   *   or the entry file's own directory when there is none
   */
  readonly projectRoot?: string;
}

/**
 * Properties of a {@link DurableFunction}. Every `lambda.Function` option is accepted and passed
 * through (`memorySize`, `timeout`, `environment`, `role`, `vpc`, …), except the ones the construct
 * owns: `code` and `handler` (it bundles the entry itself), and `durableConfig` (use
 * `executionTimeout`, `retentionPeriod` and `durableStateKey`).
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
   * esbuild options.
   *
   * @default - no minification, no source map, nothing external
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
