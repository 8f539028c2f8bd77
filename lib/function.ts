import * as fs from 'node:fs';
import * as path from 'node:path';
import { Annotations, RemovalPolicy, Stack, type Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
// Named so, because the constructor's `events` are the function's event sources.
import * as eventbridge from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { BUNDLE_LAMBDA_HANDLER, DEFAULT_EXTERNAL_MODULES, DurableBundling } from './bundling';
import { DurableFunctionValidationError, DurableFunctionWiringError } from './errors';
import {
  DELETE_EXECUTION_ACTION,
  INVOKE_ACTION,
  LIST_EXECUTIONS_ACTION,
  PAUSE_EXECUTION_ACTIONS,
  READ_EXECUTION_ACTIONS,
  SEND_CALLBACK_ACTIONS,
  STOP_EXECUTION_ACTION,
  allQualifiersArn,
  listExecutionsArns,
} from './private/arns';
import { assertEntryExports, resolveEntry } from './private/entry-check';
import { attachExecutionPolicy, dropBroadManagedPolicies } from './private/execution-role';
import { packageManagerOf } from './private/node-modules';
import { assertRuntimeChoice, importsOfficialRuntime } from './private/official-runtime';
import { findProjectRoot, projectRelative } from './private/project-root';
import { QualifiedWiringCheck } from './private/qualified-wiring';
import { resolveRuntimeEntry } from './private/runtime-entry';
import {
  DEFAULT_ALIAS_NAME,
  DEFAULT_HANDLER_EXPORT,
  resolveDurableSettings,
  validateAliasName,
  validateBundlingOptions,
  validateExecutionTimeout,
  validateHandlerName,
  validateInvocationTimeout,
  validateKnownProps,
  validateRetentionPeriod,
  validateRuntime,
} from './private/validation';
import { VersionCleanup } from './private/version-cleanup/construct';
import { DurableRuntime, InvokeGrantScope, type DurableFunctionProps } from './types';

export { IMMUTABLE_ROLE_WARNING } from './private/execution-role';

/** Id of the warning that turning durability on replaces an existing function; acknowledge it once. */
export const REPLACES_FUNCTION_WARNING = 'cdk-durable-function:replacesExistingFunction';

/** The INFO aws-cdk-lib adds on every synth of a function with `durableConfig`, replaced by the warning above. */
const CDK_DURABLE_CONFIG_INFO = 'aws-lambda:Function.DurableConfig';
import { DurableFunctionAlarms, type DurableFunctionAlarmsProps } from './alarms';
import { durableDashboardWidgets, type DurableDashboardWidgetsOptions } from './dashboard';
import { executionStatusChangePattern, type ExecutionStatusChangeOptions } from './events';
import { DurableExecutionMetric, accountDurableMetric, functionDurableMetric } from './metrics';
import { warnAboutRetention } from './private/retention-warnings';

/**
 * A Lambda durable function: the workflow in `entry`, bundled with esbuild together with this
 * package's durable-execution runtime, with durable execution switched on, a version and an alias
 * to start executions through, and IAM for the checkpoint APIs scoped to this function.
 *
 * **Start executions through `fn.alias`.** Lambda rejects a durable invocation on the unqualified
 * function ARN, and resource-based permissions reject `$LATEST`, so everything that invokes the
 * function must target the alias (or a version): API Gateway and function URLs, EventBridge rules
 * and Scheduler targets, SNS subscriptions, S3 notifications, Step Functions `LambdaInvoke` tasks,
 * other functions' chained invokes, and test tooling such as integ-tests' `invokeFunction`
 * (`fn.alias.functionName` is `name:live`). The `lambda.Function` members that create an invoke
 * path (`addEventSource`, `addEventSourceMapping`, `addPermission`, `addFunctionUrl`,
 * `grantInvokeUrl`, `configureAsyncInvoke`) act on the alias, `grantInvoke` grants on the alias,
 * and a check added to the app fails the synth when an integration names the unqualified ARN.
 *
 * Versions are retained (an execution runs on the version that started it); `versionCleanup`
 * removes old ones once nothing runs on them. The role is created at `<id>/ServiceRole` without
 * managed policies. It may call `lambda:CheckpointDurableExecution` and
 * `lambda:GetDurableExecutionState` on `<function arn>:*` only, and write to the function's own log
 * group. Those statements live in their own `iam.Policy` (`checkpointPolicy`) rather than in the
 * role's default policy, because a statement naming the function's own ARN in the default policy
 * makes the function and its role depend on each other.
 *
 * @example
 * import { Duration } from 'aws-cdk-lib';
 * import * as events from 'aws-cdk-lib/aws-events';
 * import * as targets from 'aws-cdk-lib/aws-events-targets';
 * import { DurableFunction } from 'cdk-durable-function';
 *
 * const orders = new DurableFunction(this, 'Orders', {
 *   entry: 'src/orders.ts',
 *   executionTimeout: Duration.days(1),
 * });
 * new events.Rule(this, 'Nightly', {
 *   schedule: events.Schedule.cron({ hour: '2', minute: '0' }),
 *   targets: [new targets.LambdaFunction(orders.alias)],
 * });
 * orders.grantSendCallback(approvalsApi);
 */
export class DurableFunction extends lambda.Function {
  /**
   * The alias on the current version (named `live` unless `aliasName` says otherwise). Durable
   * executions start through it: point every integration at it.
   *
   * @example
   * new apigw.LambdaRestApi(this, 'Api', { handler: orders.alias });
   */
  public readonly alias: lambda.Alias;

  /**
   * The inline policy on the function's role that allows the checkpoint APIs on this function's
   * qualified ARNs. Something that must only start once the function can checkpoint can depend
   * on it.
   *
   * @example
   * customResource.node.addDependency(orders.checkpointPolicy);
   */
  public readonly checkpointPolicy: iam.Policy;

  /**
   * How long one execution may run in total (`DurableConfig.ExecutionTimeout`).
   *
   * @example
   * const seconds = orders.executionTimeout.toSeconds();
   */
  public readonly executionTimeout: Duration;

  /**
   * How long a finished execution's history is kept (`DurableConfig.RetentionPeriodInDays`).
   *
   * @example
   * const days = orders.retentionPeriod.toDays();
   */
  public readonly retentionPeriod: Duration;

  /**
   * The customer managed key that encrypts durable execution data, when one was given.
   *
   * @example
   * orders.durableStateKey?.grantDecrypt(auditRole);
   */
  public readonly durableStateKey?: kms.IKey;

  /** The alarms `addAlarms` created, shown on `dashboardWidgets`. */
  private durableAlarms?: DurableFunctionAlarms;

  /**
   * The scheduled function that deletes old versions, when `versionCleanup` is set.
   *
   * @example
   * orders.versionCleanupFunction?.metricErrors();
   */
  public readonly versionCleanupFunction?: lambda.Function;

  private readonly invokeGrantScope: InvokeGrantScope;

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props the workflow entry, durable settings and any `lambda.Function` option
   */
  constructor(scope: Construct, id: string, props: DurableFunctionProps) {
    const where = scope.node.path === '' ? id : `${scope.node.path}/${id}`;
    validateKnownProps(where, props);
    validateBundlingOptions(where, props.bundling);
    const {
      entry, handler, runtime: runtimeProp, executionTimeout: _executionTimeout, retentionPeriod: _retentionPeriod,
      durableConfig: _durableConfig, durableStateKey, aliasName: aliasNameProp, bundling, events, projectRoot: projectRootProp,
      depsLockFilePath, invokeGrantScope, versionCleanup, durableRuntime,
      // Applied to the alias below: on the function they would configure `$LATEST`.
      onFailure, onSuccess, maxEventAge, retryAttempts,
      currentVersionOptions,
      ...functionOptions
    } = props;

    const runtime = runtimeProp ?? lambda.Runtime.NODEJS_24_X;
    const exportName = handler ?? DEFAULT_HANDLER_EXPORT;
    const { executionTimeout, retentionPeriod } = resolveDurableSettings(where, props);
    const aliasName = aliasNameProp ?? DEFAULT_ALIAS_NAME;
    const officialRuntime = durableRuntime === DurableRuntime.AWS_DURABLE_EXECUTION_SDK;
    validateRuntime(where, runtime);
    validateHandlerName(where, exportName);
    validateExecutionTimeout(where, executionTimeout);
    validateRetentionPeriod(where, retentionPeriod);
    validateInvocationTimeout(where, functionOptions.timeout);
    validateAliasName(where, aliasName);

    const entryPath = resolveEntry(where, entry);
    const projectRoot = resolveProjectRoot(where, entryPath, projectRootProp, bundling?.projectRoot, depsLockFilePath);
    // Skipped with the bundling itself when this stack is not being synthesized (cdk deploy OtherStack).
    if (Stack.of(scope).bundlingRequired) {
      const found = assertEntryExports(where, entryPath, exportName, projectRoot, {
        loader: bundling?.loader,
        tsconfig: bundling?.tsconfig !== undefined ? path.resolve(bundling.tsconfig) : undefined,
      });
      assertRuntimeChoice(where, projectRelative(projectRoot, entryPath), importsOfficialRuntime(found.packageImports), officialRuntime);
    }

    const sourceMap = bundling?.sourceMap ?? false;
    // Bundling runs inside super(), before `this` can take annotations.
    const bundlingWarnings: string[] = [];
    // Without a role prop, lambda.Function creates the role at `<id>/ServiceRole`, as for any function;
    // its broad managed policies are replaced by scoped statements below.
    super(scope, id, {
      ...functionOptions,
      runtime,
      handler: BUNDLE_LAMBDA_HANDLER,
      code: DurableBundling.bundle({
        entryPath,
        exportName,
        runtimePath: resolveRuntimeEntry(),
        projectRoot,
        runtime,
        minify: bundling?.minify ?? true,
        sourceMap,
        sourceMapMode: bundling?.sourceMapMode,
        sourcesContent: bundling?.sourcesContent,
        keepNames: bundling?.keepNames,
        externalModules: bundling?.externalModules ?? (bundling?.bundleAwsSDK === true ? [] : DEFAULT_EXTERNAL_MODULES),
        define: bundling?.define ?? {},
        format: bundling?.format,
        target: bundling?.target,
        loader: bundling?.loader,
        tsconfig: bundling?.tsconfig !== undefined ? path.resolve(bundling.tsconfig) : undefined,
        mainFields: bundling?.mainFields,
        banner: bundling?.banner,
        footer: bundling?.footer,
        charset: bundling?.charset,
        inject: bundling?.inject?.map((file) => path.resolve(file)),
        metafile: bundling?.metafile,
        nodeModules: bundling?.nodeModules,
        depsLockFilePath: depsLockFilePath !== undefined ? path.resolve(depsLockFilePath) : undefined,
        commandHooks: bundling?.commandHooks,
        ...(officialRuntime ? { wrapWithRuntime: false } : {}),
      }, {
        assetHash: bundling?.assetHash,
        onWarnings: (warnings) => bundlingWarnings.push(...warnings),
      }),
      durableConfig: { executionTimeout, retentionPeriod },
      // An execution runs on the version that started it for up to executionTimeout: a deploy must
      // not delete that version. Old versions go through `versionCleanup`.
      currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN, ...currentVersionOptions },
    });
    const logLevel = bundling?.logLevel ?? 'warning';
    if (logLevel !== 'error' && logLevel !== 'silent') {
      for (const warning of bundlingWarnings) {
        Annotations.of(this).addWarningV2('cdk-durable-function:esbuildWarning', `esbuild: ${warning}`);
      }
    }

    this.executionTimeout = executionTimeout;
    this.retentionPeriod = retentionPeriod;
    this.durableStateKey = durableStateKey;
    this.invokeGrantScope = invokeGrantScope ?? InvokeGrantScope.ALIAS;
    const role = this.role!;

    const ownRole = functionOptions.role === undefined;
    if (ownRole) {
      dropBroadManagedPolicies(role);
    }
    const execution = attachExecutionPolicy(this, role, {
      includeLogs: ownRole,
      functionName: functionOptions.functionName,
      logGroupName: functionOptions.logGroup?.logGroupRef.logGroupName ?? `/aws/lambda/${this.functionName}`,
    });
    this.checkpointPolicy = execution.policy;

    Annotations.of(this).acknowledgeInfo(CDK_DURABLE_CONFIG_INFO, 'replaced by the acknowledgeable warning of cdk-durable-function');
    Annotations.of(this).addWarningV2(REPLACES_FUNCTION_WARNING,
      `${this.node.path} is a durable function. Turning durability on for a function that already exists replaces it (a new `
      + 'function, a new ARN); a new function is not affected. Acknowledge it once per stack with '
      + `Annotations.of(stack).acknowledgeWarning('${REPLACES_FUNCTION_WARNING}').`);

    if (durableStateKey !== undefined) {
      // The L1 of aws-cdk-lib 2.257 has no KMSKeyArn in DurableConfig; an override works on every version.
      (this.node.defaultChild as lambda.CfnFunction).addPropertyOverride('DurableConfig.KMSKeyArn', durableStateKey.keyArn);
      durableStateKey.grantEncryptDecrypt(role);
    }

    if (sourceMap && functionOptions.environment?.NODE_OPTIONS === undefined) {
      this.addEnvironment('NODE_OPTIONS', '--enable-source-maps');
    }

    warnAboutRetention(this, executionTimeout, retentionPeriod, props.historySamplingWindow);

    // A fixed construct id (not addAlias's `Alias<name>`), so the name may be a token.
    this.alias = new lambda.Alias(this, 'Alias', { aliasName, version: this.currentVersion });
    if (execution.attached) {
      // No execution may start before the role can checkpoint.
      this.currentVersion.node.addDependency(execution.policy);
      this.alias.node.addDependency(execution.policy);
    }
    if (onFailure !== undefined || onSuccess !== undefined || maxEventAge !== undefined || retryAttempts !== undefined) {
      this.alias.configureAsyncInvoke({ onFailure, onSuccess, maxEventAge, retryAttempts });
    }
    for (const source of events ?? []) {
      this.addEventSource(source);
    }
    QualifiedWiringCheck.watch(this, `${id.charAt(0).toLowerCase()}${id.slice(1)}.alias`);
    if (versionCleanup !== undefined) {
      this.versionCleanupFunction = new VersionCleanup(this, 'VersionCleanup', { target: this, ...versionCleanup }).handler;
    }
  }

  /**
   * Attaches an event source to the alias: an event source mapping or permission on the
   * unqualified function would invoke it unqualified, which Lambda rejects for durable functions.
   *
   * @example
   * orders.addEventSource(new SqsEventSource(queue));
   */
  public override addEventSource(source: lambda.IEventSource): void {
    this.aliasFor('addEventSource').addEventSource(source);
  }

  /**
   * Adds an event source mapping on the alias (never on the unqualified function).
   *
   * @example
   * orders.addEventSourceMapping('Orders', { eventSourceArn: queue.queueArn });
   */
  public override addEventSourceMapping(id: string, options: lambda.EventSourceMappingOptions): lambda.EventSourceMapping {
    return this.aliasFor('addEventSourceMapping').addEventSourceMapping(id, options);
  }

  /**
   * Adds a resource-based permission on the alias: Lambda refuses permissions on `$LATEST`, and one
   * on the unqualified function would let the principal invoke it unqualified, which fails.
   *
   * @example
   * orders.addPermission('Partner', { principal: new iam.AccountPrincipal('111122223333') });
   */
  public override addPermission(id: string, permission: lambda.Permission): void {
    this.aliasFor('addPermission').addPermission(id, permission);
  }

  /**
   * Adds a function URL on the alias (`Qualifier: live`).
   *
   * @example
   * const url = orders.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
   */
  public override addFunctionUrl(options?: lambda.FunctionUrlOptions): lambda.FunctionUrl {
    return this.aliasFor('addFunctionUrl').addFunctionUrl(options);
  }

  /**
   * Configures asynchronous invocation (`onFailure`, `onSuccess`, `retryAttempts`, `maxEventAge`)
   * on the alias, which is what asynchronous callers invoke.
   *
   * @example
   * orders.configureAsyncInvoke({ retryAttempts: 0 });
   */
  public override configureAsyncInvoke(options: lambda.EventInvokeConfigOptions): void {
    this.aliasFor('configureAsyncInvoke').configureAsyncInvoke(options);
  }

  /**
   * Allows `grantee` to call the alias's function URL (`lambda:InvokeFunctionUrl` on the alias).
   *
   * @example
   * orders.grantInvokeUrl(frontendRole);
   */
  public override grantInvokeUrl(grantee: iam.IGrantable): iam.Grant {
    return this.aliasFor('grantInvokeUrl').grantInvokeUrl(grantee);
  }

  /**
   * Not available: `$LATEST` bypasses the alias, and resource-based permissions reject it. Always
   * throws a {@link DurableFunctionWiringError}; use `grantInvoke`, which grants on the alias.
   *
   * @example
   * orders.grantInvoke(role); // not grantInvokeLatestVersion
   */
  public override grantInvokeLatestVersion(_grantee: iam.IGrantable): iam.Grant {
    throw new DurableFunctionWiringError('grantInvokeLatestVersion',
      `${this.node.path}: grantInvokeLatestVersion would allow starting executions on $LATEST, bypassing the alias, and Lambda `
      + 'refuses resource-based permissions on $LATEST. Use grantInvoke(grantee), which grants on the alias '
      + '(or orders.alias.grantInvoke(grantee)).');
  }

  /**
   * Allows `grantee` to start executions: `lambda:InvokeFunction` on the alias (the default
   * `invokeGrantScope`), or on `<function arn>:*` — the alias, every version and `$LATEST` — with
   * `InvokeGrantScope.ALL_VERSIONS`. Never the unqualified ARN, which cannot start a durable
   * execution. A principal that needs a resource-based permission (a service principal, another
   * account) gets it on the alias, since such permissions reject `$LATEST`. With a
   * `durableStateKey`, the grantee may also encrypt and decrypt with it (the input is stored
   * encrypted and a synchronous invoke returns the result).
   *
   * @example
   * orders.grantInvoke(ordersApiRole);
   */
  public override grantInvoke(grantee: iam.IGrantable): iam.Grant {
    const alias = this.aliasFor('grantInvoke');
    const grant = this.invokeGrantScope === InvokeGrantScope.ALL_VERSIONS
      ? grantInvokeOnAllVersions(this, alias, grantee)
      : alias.grantInvoke(grantee);
    return this.withKeyGrant(grant, (key) => key.grantEncryptDecrypt(grantee));
  }

  /**
   * Allows `grantee` to complete this function's callbacks:
   * `lambda:SendDurableExecutionCallbackSuccess`, `…Failure` and `…Heartbeat` on
   * `<function arn>:*`. With a `durableStateKey`, also encrypt with it (callback results are
   * stored encrypted).
   *
   * @example
   * orders.grantSendCallback(approvalHandler);
   */
  public grantSendCallback(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: [...SEND_CALLBACK_ACTIONS],
      resourceArns: [allQualifiersArn(this.functionArn)],
    });
    return this.withKeyGrant(grant, (key) => key.grantEncrypt(grantee));
  }

  /**
   * Allows `grantee` to observe this function's executions: `lambda:GetDurableExecution` and
   * `lambda:GetDurableExecutionHistory` on `<function arn>:*`, and
   * `lambda:ListDurableExecutionsByFunction` on the function ARN and `<function arn>:*`. With a
   * `durableStateKey`, also decrypt with it.
   *
   * @example
   * orders.grantReadExecutions(dashboardRole);
   */
  public grantReadExecutions(grantee: iam.IGrantable): iam.Grant {
    const read = iam.Grant.addToPrincipal({
      grantee,
      actions: [...READ_EXECUTION_ACTIONS],
      resourceArns: [allQualifiersArn(this.functionArn)],
    });
    const list = iam.Grant.addToPrincipal({
      grantee,
      actions: [LIST_EXECUTIONS_ACTION],
      resourceArns: listExecutionsArns(this.functionArn),
    });
    return this.withKeyGrant(read.combine(list), (key) => key.grantDecrypt(grantee));
  }

  /**
   * Allows `grantee` to stop this function's executions: `lambda:StopDurableExecution` on
   * `<function arn>:*`. With a `durableStateKey`, also encrypt with it (the stop error is stored
   * encrypted).
   *
   * @example
   * orders.grantStopExecution(operatorRole);
   */
  public grantStopExecution(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: [STOP_EXECUTION_ACTION],
      resourceArns: [allQualifiersArn(this.functionArn)],
    });
    return this.withKeyGrant(grant, (key) => key.grantEncrypt(grantee));
  }

  /** The alias, for members that must act on it; lambda.Function's constructor runs before it exists. */
  private aliasFor(member: string): lambda.Alias {
    if (this.alias === undefined) {
      throw new DurableFunctionWiringError(member,
        `${this.node.path}: ${member} was called before the alias exists (from inside the lambda.Function constructor). `
        + 'Call it on the DurableFunction after construction, or on its alias.');
    }
    return this.alias;
  }

  /**
   * Executions started (`DurableExecutionStarted`, Sum over 5 minutes). Names as listed in
   * https://docs.aws.amazon.com/lambda/latest/dg/durable-monitoring.html; namespace `AWS/Lambda`,
   * dimension `FunctionName`.
   *
   * @example
   * new cloudwatch.GraphWidget({ left: [orders.metricExecutionsStarted()] });
   */
  public metricExecutionsStarted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return functionDurableMetric(this, DurableExecutionMetric.STARTED, 'Sum', props);
  }

  /**
   * Executions that succeeded (`DurableExecutionSucceeded`, Sum over 5 minutes; see
   * https://docs.aws.amazon.com/lambda/latest/dg/durable-monitoring.html).
   *
   * @example
   * orders.metricExecutionsSucceeded({ period: Duration.hours(1) });
   */
  public metricExecutionsSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return functionDurableMetric(this, DurableExecutionMetric.SUCCEEDED, 'Sum', props);
  }

  /**
   * Executions that failed (`DurableExecutionFailed`, Sum over 5 minutes; see
   * https://docs.aws.amazon.com/lambda/latest/dg/durable-monitoring.html). This is the
   * execution-level failure signal: `metricErrors()` counts failed invocations, replays included.
   *
   * @example
   * orders.metricExecutionsFailed().createAlarm(this, 'Failed', { threshold: 1, evaluationPeriods: 1 });
   */
  public metricExecutionsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return functionDurableMetric(this, DurableExecutionMetric.FAILED, 'Sum', props);
  }

  /**
   * Executions that exceeded `executionTimeout` (`DurableExecutionTimedOut`, Sum over 5 minutes;
   * see https://docs.aws.amazon.com/lambda/latest/dg/durable-monitoring.html).
   *
   * @example
   * orders.metricExecutionsTimedOut({ period: Duration.hours(1) });
   */
  public metricExecutionsTimedOut(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return functionDurableMetric(this, DurableExecutionMetric.TIMED_OUT, 'Sum', props);
  }

  /**
   * Executions stopped with StopDurableExecution (`DurableExecutionStopped`, Sum over 5 minutes;
   * see https://docs.aws.amazon.com/lambda/latest/dg/durable-monitoring.html).
   *
   * @example
   * orders.metricExecutionsStopped();
   */
  public metricExecutionsStopped(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return functionDurableMetric(this, DurableExecutionMetric.STOPPED, 'Sum', props);
  }

  /**
   * Wall-clock milliseconds executions spent RUNNING (`DurableExecutionDuration`, Average over
   * 5 minutes; see https://docs.aws.amazon.com/lambda/latest/dg/durable-monitoring.html).
   * `metricDuration()` measures one invocation, not the execution.
   *
   * @example
   * orders.metricExecutionDuration({ statistic: cloudwatch.Stats.p(99) });
   */
  public metricExecutionDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return functionDurableMetric(this, DurableExecutionMetric.DURATION, 'Average', props);
  }

  /**
   * Operations performed per execution (`DurableExecutionOperations`, Maximum over 5 minutes;
   * the limit is 3,000; see https://docs.aws.amazon.com/lambda/latest/dg/durable-monitoring.html).
   *
   * @example
   * orders.metricExecutionOperations().createAlarm(this, 'Ops', { threshold: 2400, evaluationPeriods: 1 });
   */
  public metricExecutionOperations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return functionDurableMetric(this, DurableExecutionMetric.OPERATIONS, 'Maximum', props);
  }

  /**
   * Bytes persisted per execution (`DurableExecutionStorageWrittenBytes`, Maximum over 5 minutes;
   * the limit is 100 MB; see https://docs.aws.amazon.com/lambda/latest/dg/durable-monitoring.html).
   *
   * @example
   * orders.metricExecutionStorageWritten();
   */
  public metricExecutionStorageWritten(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return functionDurableMetric(this, DurableExecutionMetric.STORAGE_WRITTEN_BYTES, 'Maximum', props);
  }

  /**
   * Executions of this function in the RUNNING state (`ApproximateRunningDurableExecutions`,
   * Maximum over 5 minutes; see https://docs.aws.amazon.com/lambda/latest/dg/durable-monitoring.html).
   *
   * @example
   * orders.metricRunningExecutions();
   */
  public metricRunningExecutions(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return functionDurableMetric(this, DurableExecutionMetric.RUNNING, 'Maximum', props);
  }

  /**
   * Durable executions in the RUNNING state across the account and Region
   * (`ApproximateRunningDurableExecutions`, Maximum over 5 minutes, no dimensions; see
   * https://docs.aws.amazon.com/lambda/latest/dg/durable-monitoring.html).
   *
   * @example
   * new cloudwatch.GraphWidget({ left: [DurableFunction.metricAllRunningExecutions()] });
   */
  public static metricAllRunningExecutions(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return accountDurableMetric(DurableExecutionMetric.RUNNING, 'Maximum', props);
  }

  /**
   * The percentage of the account's running durable executions quota in use
   * (`ApproximateRunningDurableExecutionsUtilization`, Maximum over 5 minutes, account-wide: no
   * dimensions; see https://docs.aws.amazon.com/lambda/latest/dg/durable-monitoring.html).
   *
   * @example
   * DurableFunction.metricAllRunningExecutionsUtilization().createAlarm(this, 'Quota', { threshold: 80, evaluationPeriods: 1 });
   */
  public static metricAllRunningExecutionsUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return accountDurableMetric(DurableExecutionMetric.RUNNING_UTILIZATION, 'Maximum', props);
  }

  /**
   * Creates the alarms AWS recommends for durable functions: executions failed and timed out,
   * an execution near the 3,000-operation or 100 MB limits, and running executions near the
   * account quota. Call it once per function; attach actions to the returned alarms.
   *
   * @throws DurableFunctionValidationError for a bad threshold or period, or a second call
   * @example
   * const alarms = orders.addAlarms({ failedExecutionsThreshold: 3 });
   * alarms.addAlarmAction(new actions.SnsAction(pagerTopic));
   */
  public addAlarms(props?: DurableFunctionAlarmsProps): DurableFunctionAlarms {
    if (this.durableAlarms !== undefined) {
      throw new DurableFunctionValidationError('addAlarms',
        `${this.node.path}: addAlarms was already called on this function. Call it once and keep the alarms it returns `
        + '(their thresholds are set by its props).');
    }
    this.durableAlarms = new DurableFunctionAlarms(this, 'DurableAlarms', {
      failed: (p) => this.metricExecutionsFailed(p),
      timedOut: (p) => this.metricExecutionsTimedOut(p),
      operations: (p) => this.metricExecutionOperations(p),
      storageWritten: (p) => this.metricExecutionStorageWritten(p),
      runningUtilization: (p) => DurableFunction.metricAllRunningExecutionsUtilization(p),
    }, props);
    return this.durableAlarms;
  }

  /**
   * Dashboard widgets for this function's durable executions: outcomes, duration, operations
   * and storage against their limits, running executions, and its alarms when `addAlarms` was
   * called first.
   *
   * @example
   * new cloudwatch.Dashboard(this, 'Ops').addWidgets(...orders.dashboardWidgets());
   */
  public dashboardWidgets(options?: DurableDashboardWidgetsOptions): cloudwatch.IWidget[] {
    return durableDashboardWidgets(this.node.id, {
      started: this.metricExecutionsStarted(),
      succeeded: this.metricExecutionsSucceeded(),
      failed: this.metricExecutionsFailed(),
      timedOut: this.metricExecutionsTimedOut(),
      stopped: this.metricExecutionsStopped(),
      durationAverage: this.metricExecutionDuration(),
      durationMaximum: this.metricExecutionDuration({ statistic: 'Maximum' }),
      operations: this.metricExecutionOperations(),
      storageWritten: this.metricExecutionStorageWritten(),
      running: this.metricRunningExecutions(),
      runningUtilization: DurableFunction.metricAllRunningExecutionsUtilization(),
    }, this.durableAlarms, options);
  }

  /**
   * An EventBridge rule on the default event bus for this function's durable execution
   * status-change events (`source: aws.lambda`, `detail-type: Durable Execution Status Change`,
   * as documented in https://docs.aws.amazon.com/lambda/latest/dg/durable-monitoring.html),
   * optionally only some statuses.
   *
   * @throws DurableFunctionValidationError for an empty, repeated or unknown status
   * @example
   * orders.onExecutionStatusChange('Failures', {
   *   statuses: ['FAILED', 'TIMED_OUT'],
   *   target: new targets.SqsQueue(failedOrders),
   * });
   */
  public onExecutionStatusChange(id: string, options: ExecutionStatusChangeOptions = {}): eventbridge.Rule {
    const statuses = options.statuses;
    return new eventbridge.Rule(this, id, {
      eventPattern: executionStatusChangePattern(`${this.node.path}/${id}`, this.functionArn, statuses),
      description: options.description
        ?? `Durable execution status changes${statuses !== undefined ? ` (${statuses.join(', ')})` : ''} of ${this.node.path}`,
      ...(options.ruleName !== undefined ? { ruleName: options.ruleName } : {}),
      ...(options.target !== undefined ? { targets: [options.target] } : {}),
    });
  }

  /**
   * Allows `grantee` to pause and resume this function's executions (an operator during an
   * incident or a risky deploy): `lambda:PauseDurableExecution` and `lambda:ResumeDurableExecution`
   * on `<function arn>:*`, which covers every execution of every version. With a
   * `durableStateKey`, also encrypt with it (the pause and resume reasons are stored encrypted).
   *
   * @example
   * orders.grantPauseExecutions(operatorRole);
   */
  public grantPauseExecutions(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: [...PAUSE_EXECUTION_ACTIONS],
      resourceArns: [allQualifiersArn(this.functionArn)],
    });
    return this.withKeyGrant(grant, (key) => key.grantEncrypt(grantee));
  }

  /**
   * Allows `grantee` to delete this function's finished executions with their history and data
   * (for compliance): `lambda:DeleteDurableExecution` on `<function arn>:*`.
   *
   * @example
   * orders.grantDeleteExecutions(complianceRole);
   */
  public grantDeleteExecutions(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [DELETE_EXECUTION_ACTION],
      resourceArns: [allQualifiersArn(this.functionArn)],
    });
  }

  private withKeyGrant(grant: iam.Grant, grantOnKey: (key: kms.IKey) => iam.Grant): iam.Grant {
    return this.durableStateKey === undefined ? grant : grant.combine(grantOnKey(this.durableStateKey));
  }
}

/**
 * esbuild's working directory: the `projectRoot` prop (or its older place, `bundling.projectRoot`),
 * else the directory of `depsLockFilePath`, else the nearest directory with a package.json above
 * the entry.
 */
function resolveProjectRoot(where: string, entryPath: string, prop: string | undefined, inBundling: string | undefined,
  depsLockFilePath: string | undefined): string {
  if (prop !== undefined && inBundling !== undefined) {
    throw new DurableFunctionValidationError('projectRoot',
      `${where}: projectRoot and bundling.projectRoot are both set; give only the projectRoot prop.`);
  }
  if (depsLockFilePath !== undefined) {
    const lockFile = path.resolve(depsLockFilePath);
    if (!fs.existsSync(lockFile) || !fs.statSync(lockFile).isFile() || packageManagerOf(lockFile) === undefined) {
      throw new DurableFunctionValidationError('depsLockFilePath',
        `${where}: depsLockFilePath must be an existing package-lock.json, yarn.lock, pnpm-lock.yaml, bun.lockb or bun.lock, `
        + `got ${JSON.stringify(depsLockFilePath)} (resolved to ${lockFile}).`);
    }
  }
  const given = prop ?? inBundling;
  if (given !== undefined) {
    return path.resolve(given);
  }
  return depsLockFilePath !== undefined ? path.dirname(path.resolve(depsLockFilePath)) : findProjectRoot(entryPath);
}

/** `lambda:InvokeFunction` on `<function arn>:*`, with a resource-based permission on the alias where one is needed. */
function grantInvokeOnAllVersions(fn: DurableFunction, alias: lambda.Alias, grantee: iam.IGrantable): iam.Grant {
  return iam.Grant.addToPrincipalOrResource({
    grantee,
    actions: [INVOKE_ACTION],
    resourceArns: [allQualifiersArn(fn.functionArn)],
    resource: {
      env: fn.env,
      addToResourcePolicy: () => {
        const aliasGrant = alias.grantInvoke(grantee);
        return { statementAdded: true, policyDependable: aliasGrant };
      },
    },
  });
}
