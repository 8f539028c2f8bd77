import * as path from 'node:path';
import { Stack, type Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { BUNDLE_LAMBDA_HANDLER, DurableBundling } from './bundling';
import {
  CHECKPOINT_ACTIONS,
  INVOKE_ACTION,
  LIST_EXECUTIONS_ACTION,
  READ_EXECUTION_ACTIONS,
  SEND_CALLBACK_ACTIONS,
  STOP_EXECUTION_ACTION,
  allQualifiersArn,
  listExecutionsArns,
} from './private/arns';
import { assertEntryExports, resolveEntry } from './private/entry-check';
import { findProjectRoot } from './private/project-root';
import { resolveRuntimeEntry } from './private/runtime-entry';
import {
  DEFAULT_ALIAS_NAME,
  DEFAULT_EXECUTION_TIMEOUT,
  DEFAULT_HANDLER_EXPORT,
  DEFAULT_RETENTION_PERIOD,
  validateAliasName,
  validateExecutionTimeout,
  validateHandlerName,
  validateInvocationTimeout,
  validateRetentionPeriod,
  validateRuntime,
} from './private/validation';
import type { DurableFunctionProps } from './types';

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
 * (`fn.alias.functionName` is `name:live`). Event sources given in `events` or added with
 * `addEventSource` are attached to the alias for you, and `grantInvoke` grants on qualified ARNs
 * only.
 *
 * The role may call `lambda:CheckpointDurableExecution` and `lambda:GetDurableExecutionState` on
 * `<function arn>:*` only. That statement lives in its own `iam.Policy` (`checkpointPolicy`)
 * rather than in the role's default policy, because a statement naming the function's own ARN in
 * the default policy makes the function and its role depend on each other.
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

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props the workflow entry, durable settings and any `lambda.Function` option
   */
  constructor(scope: Construct, id: string, props: DurableFunctionProps) {
    const where = scope.node.path === '' ? id : `${scope.node.path}/${id}`;
    const {
      entry, handler, runtime: runtimeProp, executionTimeout: executionTimeoutProp, retentionPeriod: retentionPeriodProp,
      durableStateKey, aliasName: aliasNameProp, bundling, events, ...functionOptions
    } = props;

    const runtime = runtimeProp ?? lambda.Runtime.NODEJS_24_X;
    const exportName = handler ?? DEFAULT_HANDLER_EXPORT;
    const executionTimeout = executionTimeoutProp ?? DEFAULT_EXECUTION_TIMEOUT;
    const retentionPeriod = retentionPeriodProp ?? DEFAULT_RETENTION_PERIOD;
    const aliasName = aliasNameProp ?? DEFAULT_ALIAS_NAME;
    validateRuntime(where, runtime);
    validateHandlerName(where, exportName);
    validateExecutionTimeout(where, executionTimeout);
    validateRetentionPeriod(where, retentionPeriod);
    validateInvocationTimeout(where, functionOptions.timeout);
    validateAliasName(where, aliasName);

    const entryPath = resolveEntry(where, entry);
    const projectRoot = bundling?.projectRoot !== undefined ? path.resolve(bundling.projectRoot) : findProjectRoot(entryPath);
    // Skipped with the bundling itself when this stack is not being synthesized (cdk deploy OtherStack).
    if (Stack.of(scope).bundlingRequired) {
      assertEntryExports(where, entryPath, exportName, projectRoot);
    }

    // Created here, not by lambda.Function: with durableConfig set it would attach the managed
    // AWSLambdaBasicDurableExecutionRolePolicy, which allows checkpointing on every function (`*`).
    const role = functionOptions.role ?? createExecutionRole(scope, id, functionOptions.vpc !== undefined);

    super(scope, id, {
      ...functionOptions,
      role,
      runtime,
      handler: BUNDLE_LAMBDA_HANDLER,
      code: DurableBundling.bundle({
        entryPath,
        exportName,
        runtimePath: resolveRuntimeEntry(),
        projectRoot,
        runtime,
        minify: bundling?.minify ?? false,
        sourceMap: bundling?.sourceMap ?? false,
        externalModules: bundling?.externalModules ?? [],
        define: bundling?.define ?? {},
      }),
      durableConfig: { executionTimeout, retentionPeriod },
    });

    this.executionTimeout = executionTimeout;
    this.retentionPeriod = retentionPeriod;
    this.durableStateKey = durableStateKey;

    this.checkpointPolicy = new iam.Policy(this, 'DurableExecutionPolicy', {
      roles: [role],
      statements: [new iam.PolicyStatement({
        actions: [...CHECKPOINT_ACTIONS],
        resources: [allQualifiersArn(this.functionArn)],
      })],
    });

    if (durableStateKey !== undefined) {
      // The L1 of aws-cdk-lib 2.257 has no KMSKeyArn in DurableConfig; an override works on every version.
      (this.node.defaultChild as lambda.CfnFunction).addPropertyOverride('DurableConfig.KMSKeyArn', durableStateKey.keyArn);
      durableStateKey.grantEncryptDecrypt(role);
    }

    if (bundling?.sourceMap === true && functionOptions.environment?.NODE_OPTIONS === undefined) {
      this.addEnvironment('NODE_OPTIONS', '--enable-source-maps');
    }

    // A fixed construct id (not addAlias's `Alias<name>`), so the name may be a token.
    this.alias = new lambda.Alias(this, 'Alias', { aliasName, version: this.currentVersion });
    for (const source of events ?? []) {
      this.addEventSource(source);
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
    this.alias.addEventSource(source);
  }

  /**
   * Allows `grantee` to start executions: `lambda:InvokeFunction` on this function's qualified
   * ARNs (`<function arn>:*`: its alias, versions and `$LATEST`), never the unqualified ARN, which
   * cannot start a durable execution. A principal that needs a resource-based permission (a
   * service principal, another account) gets it on the alias, since such permissions reject
   * `$LATEST`. With a `durableStateKey`, the grantee may also encrypt and decrypt with it (the
   * input is stored encrypted and a synchronous invoke returns the result).
   *
   * @example
   * orders.grantInvoke(ordersApiRole);
   */
  public override grantInvoke(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipalOrResource({
      grantee,
      actions: [INVOKE_ACTION],
      resourceArns: [allQualifiersArn(this.functionArn)],
      resource: {
        env: this.env,
        addToResourcePolicy: () => {
          const aliasGrant = this.alias.grantInvoke(grantee);
          return { statementAdded: true, policyDependable: aliasGrant };
        },
      },
    });
    return this.withKeyGrant(grant, (key) => key.grantEncryptDecrypt(grantee));
  }

  /**
   * Allows the durable function `caller` to chain-invoke this one (`ctx.invoke` in its workflow):
   * `lambda:InvokeFunction` for the caller's execution role on this function's qualified ARNs
   * (protocol: the caller's role needs the target's ARNs; a durable target must be invoked through
   * its alias or a version, never unqualified). Pass `this.alias.functionArn` (or
   * `alias.functionName`, `name:live`) to the caller, e.g. in its environment, and invoke that.
   *
   * @example
   * const fraud = new DurableFunction(this, 'Fraud', { entry: 'src/fraud.ts' });
   * const orders = new DurableFunction(this, 'Orders', {
   *   entry: 'src/orders.ts',
   *   environment: { FRAUD_FUNCTION: fraud.alias.functionArn },
   * });
   * fraud.grantInvokeFrom(orders);
   * // in src/orders.ts: await ctx.invoke('fraud-check', process.env.FRAUD_FUNCTION!, order);
   */
  public grantInvokeFrom(caller: lambda.IFunction): iam.Grant {
    return this.grantInvoke(caller);
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

  private withKeyGrant(grant: iam.Grant, grantOnKey: (key: kms.IKey) => iam.Grant): iam.Grant {
    return this.durableStateKey === undefined ? grant : grant.combine(grantOnKey(this.durableStateKey));
  }
}

/**
 * The execution role: CloudWatch Logs through `AWSLambdaBasicExecutionRole` (plus ENI management
 * in a VPC, as lambda.Function would add); the checkpoint permissions come from the function's
 * own scoped policy.
 */
function createExecutionRole(scope: Construct, id: string, inVpc: boolean): iam.Role {
  const managedPolicies = [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')];
  if (inVpc) {
    managedPolicies.push(iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'));
  }
  return new iam.Role(scope, `${id}ServiceRole`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    managedPolicies,
  });
}
