/**
 * Safe by default in AWS: what only a deploy would show, checked on the synthesized template against
 * the rules of the Lambda documentation — versions outlive the executions pinned to them, nothing
 * invokes the unqualified ARN, the role sits where lambda.Function puts it, and an immutable role is
 * left alone.
 */
import { App, Annotations as CoreAnnotations, Duration, RemovalPolicy, Stack, Stage, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { DurableFunction, DurableFunctionWiringError, InvokeGrantScope, REPLACES_FUNCTION_WARNING, type DurableFunctionProps } from '../../lib';
import { namesUnqualified } from '../../lib/private/qualified-wiring';
import { allQualifiers, fixture, logicalIdOf, newApp, newStack, removeOutdirs } from './support';

afterAll(removeOutdirs);

const entry = fixture('plain-workflow.ts');

/** A fresh stack (bundling skipped: these tests are about the template) with one durable function. */
function ordersStack(props: Partial<DurableFunctionProps> = {}): { stack: Stack; orders: DurableFunction; app: App } {
  const app = newApp({ bundle: false });
  const stack = newStack(app);
  const orders = new DurableFunction(stack, 'Orders', { entry, ...props });
  return { app, stack, orders };
}

/** The error annotations of the stack, as `path: message` lines. */
function errorsOf(stack: Stack): string[] {
  return Annotations.fromStack(stack).findError('*', Match.anyValue())
    .map((m) => `${m.id}: ${String(m.entry.data)}`);
}

function warningsOf(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map((m) => String(m.entry.data));
}

describe('§1 versions outlive the executions pinned to them', () => {
  const { stack } = ordersStack();
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, { DependsOn?: string[]; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;
  const versionId = logicalIdOf(template, 'AWS::Lambda::Version', 'OrdersCurrentVersion');
  const aliasId = logicalIdOf(template, 'AWS::Lambda::Alias', 'OrdersAlias');
  const policyId = logicalIdOf(template, 'AWS::IAM::Policy', 'OrdersDurableExecutionPolicy');

  test('the version is retained on delete and on replacement, from the first synth', () => {
    expect(resources[versionId].DeletionPolicy).toBe('Retain');
    expect(resources[versionId].UpdateReplacePolicy).toBe('Retain');
  });

  test('the version and the alias wait for the checkpoint policy, so no execution starts before the role may checkpoint', () => {
    expect(resources[versionId].DependsOn).toEqual([policyId]);
    expect(resources[aliasId].DependsOn).toEqual([policyId]);
  });

  test('currentVersionOptions still passes through, and an explicit removal policy wins', () => {
    const own = ordersStack({ currentVersionOptions: { removalPolicy: RemovalPolicy.DESTROY, description: 'v' } });
    const t = Template.fromStack(own.stack).toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string; Properties: { Description?: string } }>;
    const version = Object.values(t).find((r) => r.Type === 'AWS::Lambda::Version')!;
    expect(version.DeletionPolicy).toBe('Delete');
    expect(version.Properties.Description).toBe('v');
  });
});

describe('§2 invoke-path members of lambda.Function act on the alias', () => {
  const { stack, orders } = ordersStack({ onFailure: undefined, retryAttempts: 0, maxEventAge: Duration.hours(1) });
  const queue = new sqs.Queue(stack, 'Dlq');
  orders.addPermission('Partner', { principal: new iam.AccountPrincipal('111122223333') });
  const url = orders.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
  const urlCaller = new iam.Role(stack, 'UrlCaller', { assumedBy: new iam.AccountRootPrincipal() });
  orders.grantInvokeUrl(urlCaller);
  orders.addEventSourceMapping('FromQueue', { eventSourceArn: queue.queueArn });
  const template = Template.fromStack(stack);
  const aliasRef = { Ref: logicalIdOf(template, 'AWS::Lambda::Alias', 'OrdersAlias') };
  const fnRef = { Ref: logicalIdOf(template, 'AWS::Lambda::Function', 'Orders') };

  test('addPermission adds the permission on the alias', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', { FunctionName: aliasRef, Principal: '111122223333' });
  });

  test('addFunctionUrl and grantInvokeUrl target the alias', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { Qualifier: 'live', AuthType: 'AWS_IAM' });
    expect(url.node.path).toBe('TestStack/Orders/Alias/FunctionUrl');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'lambda:InvokeFunctionUrl', Effect: 'Allow', Resource: aliasRef })]) },
    });
  });

  test('retryAttempts and maxEventAge given as props configure the alias, not $LATEST', () => {
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
    const config = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig'))[0].Properties;
    expect(config).toMatchObject({ FunctionName: fnRef, MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 3600 });
    // The alias name, taken from the alias ARN: never $LATEST.
    expect(JSON.stringify(config.Qualifier)).toContain(aliasRef.Ref);
  });

  test('configureAsyncInvoke configures the alias', () => {
    const own = ordersStack();
    own.orders.configureAsyncInvoke({ retryAttempts: 1 });
    const t = Template.fromStack(own.stack);
    const config = Object.values(t.findResources('AWS::Lambda::EventInvokeConfig'))[0].Properties;
    expect(config.MaximumRetryAttempts).toBe(1);
    expect(JSON.stringify(config.Qualifier)).toContain(logicalIdOf(t, 'AWS::Lambda::Alias', 'OrdersAlias'));
  });

  test('addEventSourceMapping maps to the alias', () => {
    const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))[0];
    expect(JSON.stringify(mapping.Properties.FunctionName)).toContain(':live');
  });

  test('grantInvokeLatestVersion throws and says to use the alias', () => {
    const own = ordersStack();
    const role = new iam.Role(own.stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    expect(() => own.orders.grantInvokeLatestVersion(role)).toThrow(DurableFunctionWiringError);
    expect(() => own.orders.grantInvokeLatestVersion(role)).toThrow(/\$LATEST.*grantInvoke\(grantee\), which grants on the alias/);
  });

  test('none of these members left an error or a resource on the unqualified function', () => {
    expect(errorsOf(stack)).toEqual([]);
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission'));
    expect(permissions.every((p) => JSON.stringify(p.Properties.FunctionName) !== JSON.stringify(fnRef))).toBe(true);
  });
});

describe('§2 grantInvoke is scoped to the alias unless widened explicitly', () => {
  test('by default the grantee may invoke the alias only', () => {
    const { stack, orders } = ordersStack();
    orders.grantInvoke(new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() }));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalIdOf(template, 'AWS::IAM::Role', 'Caller') }],
      PolicyDocument: { Statement: [{ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { Ref: logicalIdOf(template, 'AWS::Lambda::Alias', 'OrdersAlias') } }] },
    });
  });

  test('invokeGrantScope: ALL_VERSIONS grants on <function arn>:*, a service principal still on the alias', () => {
    const { stack, orders } = ordersStack({ invokeGrantScope: InvokeGrantScope.ALL_VERSIONS });
    orders.grantInvoke(new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() }));
    orders.grantInvoke(new iam.ServicePrincipal('events.amazonaws.com'));
    const template = Template.fromStack(stack);
    const fnId = logicalIdOf(template, 'AWS::Lambda::Function', 'Orders');
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalIdOf(template, 'AWS::IAM::Role', 'Caller') }],
      PolicyDocument: { Statement: [{ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: allQualifiers(fnId) }] },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { Ref: logicalIdOf(template, 'AWS::Lambda::Alias', 'OrdersAlias') },
      Principal: 'events.amazonaws.com',
    });
  });
});

/**
 * Each integration, wired the way a user would first write it (to the function) and the way the
 * message says to (to the alias). The wrong form must fail the synth with an error on the resource.
 */
const integrations: Array<[string, string, (stack: Stack, target: lambda.IFunction) => void]> = [
  ['API Gateway REST (LambdaRestApi)', 'AWS::ApiGateway::Method', (stack, target) => {
    new apigw.LambdaRestApi(stack, 'Api', { handler: target });
  }],
  ['API Gateway HTTP (HttpLambdaIntegration)', 'AWS::ApiGatewayV2::Integration', (stack, target) => {
    new apigwv2.HttpApi(stack, 'HttpApi', { defaultIntegration: new HttpLambdaIntegration('Orders', target) });
  }],
  ['EventBridge rule (targets.LambdaFunction)', 'AWS::Events::Rule', (stack, target) => {
    new events.Rule(stack, 'Nightly', { schedule: events.Schedule.rate(Duration.days(1)), targets: [new targets.LambdaFunction(target)] });
  }],
  ['EventBridge Scheduler (LambdaInvoke)', 'AWS::Scheduler::Schedule', (stack, target) => {
    new scheduler.Schedule(stack, 'Schedule', { schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)), target: new schedulerTargets.LambdaInvoke(target) });
  }],
  ['SNS subscription (LambdaSubscription)', 'AWS::SNS::Subscription', (stack, target) => {
    new sns.Topic(stack, 'Topic').addSubscription(new subs.LambdaSubscription(target));
  }],
  ['S3 notification (LambdaDestination)', 'Custom::S3BucketNotifications', (stack, target) => {
    new s3.Bucket(stack, 'Bucket').addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(target));
  }],
  ['Step Functions (LambdaInvoke)', 'AWS::StepFunctions::StateMachine', (stack, target) => {
    new sfn.StateMachine(stack, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(new tasks.LambdaInvoke(stack, 'Run', { lambdaFunction: target })) });
  }],
  ['a hand-written permission (CfnPermission)', 'AWS::Lambda::Permission', (stack, target) => {
    new lambda.CfnPermission(stack, 'RawPermission', { action: 'lambda:InvokeFunction', functionName: target.functionName, principal: 'sns.amazonaws.com' });
  }],
  ['a hand-written event source mapping (CfnEventSourceMapping)', 'AWS::Lambda::EventSourceMapping', (stack, target) => {
    new lambda.CfnEventSourceMapping(stack, 'RawMapping', { functionName: target.functionName, eventSourceArn: new sqs.Queue(stack, 'Q').queueArn });
  }],
  ['a function URL (lambda.FunctionUrl)', 'AWS::Lambda::Url', (stack, target) => {
    new lambda.FunctionUrl(stack, 'RawUrl', { function: target });
  }],
  ['an async-invoke config on $LATEST (EventInvokeConfig)', 'AWS::Lambda::EventInvokeConfig', (stack, target) => {
    new lambda.EventInvokeConfig(stack, 'RawInvokeConfig', { function: target, qualifier: target instanceof lambda.Alias ? target.aliasName : '$LATEST', retryAttempts: 0 });
  }],
];

describe.each(integrations)('§2 %s', (_name, resourceType, wire) => {
  test('wired to the function: the synth fails with an error on that resource naming the fix', () => {
    const { stack, orders } = ordersStack();
    wire(stack, orders);
    const errors = errorsOf(stack);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.some((e) => e.includes(`(${resourceType} `))).toBe(true);
    expect(errors.join('\n')).toMatch(/invokes the durable function TestStack\/Orders through its unqualified ARN/);
    expect(errors.join('\n')).toMatch(/pass orders\.alias/);
  });

  test('wired to orders.alias: no error', () => {
    const { stack, orders } = ordersStack();
    wire(stack, orders.alias);
    expect(errorsOf(stack)).toEqual([]);
  });
});

test('§2 the check looks across stacks of the app too, and leaves other functions alone', () => {
  const app = newApp({ bundle: false });
  const stack = newStack(app);
  const plain = new lambda.Function(stack, 'Plain', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=()=>1') });
  const orders = new DurableFunction(stack, 'Orders', { entry });
  const other = newStack(app, 'OtherStack');
  new events.Rule(other, 'Rule', { schedule: events.Schedule.rate(Duration.days(1)), targets: [new targets.LambdaFunction(plain)] });
  new events.Rule(stack, 'Fine', { schedule: events.Schedule.rate(Duration.days(1)), targets: [new targets.LambdaFunction(orders.alias), new targets.LambdaFunction(plain)] });
  expect(errorsOf(stack)).toEqual([]);
  expect(errorsOf(other)).toEqual([]);
});

test('§2 the check also runs inside a nested Stage, whose synth does not inherit the app\'s aspects', () => {
  const app = newApp({ bundle: false });
  const stage = new Stage(app, 'Prod');
  const stack = new Stack(stage, 'Shop', { env: { account: '123456789012', region: 'eu-west-1' } });
  const orders = new DurableFunction(stack, 'Orders', { entry });
  new events.Rule(stack, 'Nightly', { schedule: events.Schedule.rate(Duration.days(1)), targets: [new targets.LambdaFunction(orders)] });
  expect(errorsOf(stack).join('\n')).toMatch(/Prod\/Shop\/Nightly\/Resource: this EventBridge rule target invokes the durable function Prod\/Shop\/Orders/);
});

describe('§2 what counts as the unqualified function in a resolved value', () => {
  const arn = { 'Fn::GetAtt': ['Orders1234', 'Arn'] };
  test.each([
    ['a Ref', { Ref: 'Orders1234' }, true],
    ['an Fn::GetAtt Arn', arn, true],
    ['an API Gateway invocation URI', { 'Fn::Join': ['', ['arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/', arn, '/invocations']] }, true],
    ['the ARN followed by :live', { 'Fn::Join': ['', [arn, ':live']] }, false],
    ['${Orders1234.Arn} in Fn::Sub', { 'Fn::Sub': 'x ${Orders1234.Arn} y' }, true],
    ['${Orders1234.Arn}:live in Fn::Sub', { 'Fn::Sub': '${Orders1234.Arn}:live' }, false],
    ['an alias Ref', { Ref: 'OrdersAlias99' }, false],
    ['another function', { 'Fn::GetAtt': ['Other', 'Arn'] }, false],
  ])('%s', (_name, value, expected) => {
    expect(namesUnqualified(value, 'Orders1234')).toBe(expected);
  });
});

describe('§3 the role and the first deploy', () => {
  test('the role is the child ServiceRole, so tags on the function reach it and a sibling of that name does not clash', () => {
    const { stack, orders } = ordersStack();
    new iam.Role(stack, 'OrdersServiceRole', { assumedBy: new iam.AccountRootPrincipal() });
    Tags.of(orders).add('team', 'payments');
    const template = Template.fromStack(stack);
    expect(orders.role!.node.path).toBe('TestStack/Orders/ServiceRole');
    const role = template.toJSON().Resources[stack.resolve((orders.role!.node.defaultChild as iam.CfnRole).logicalId)];
    expect(role.Properties.Tags).toEqual([{ Key: 'team', Value: 'payments' }]);
  });

  test('the role logical id is the one lambda.Function gives, so migrating from lambda.Function keeps the role', () => {
    const { stack } = ordersStack();
    const plainStack = newStack(newApp({ bundle: false }));
    new lambda.Function(plainStack, 'Orders', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=()=>1') });
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::IAM::Role')))
      .toEqual(Object.keys(Template.fromStack(plainStack).findResources('AWS::IAM::Role')));
  });

  test('an immutable imported role gets no policy, and a warning gives the exact statement to add', () => {
    const app = newApp({ bundle: false });
    const stack = newStack(app);
    const role = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::123456789012:role/orders-role', { mutable: false });
    const orders = new DurableFunction(stack, 'Orders', { entry, role, functionName: 'orders' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const version = Object.values(template.findResources('AWS::Lambda::Version'))[0];
    expect(version.DependsOn).toBeUndefined();
    const warning = warningsOf(stack).find((w) => w.includes('cannot be modified'));
    expect(warning).toContain('the role arn:aws:iam::123456789012:role/orders-role cannot be modified');
    expect(warning).toContain(JSON.stringify({
      Effect: 'Allow',
      Action: ['lambda:CheckpointDurableExecution', 'lambda:GetDurableExecutionState'],
      Resource: 'arn:aws:lambda:eu-west-1:123456789012:function:orders:*',
    }));
    expect(orders.role).toBe(role);
  });

  test('a mutable imported role still gets the checkpoint policy', () => {
    const { stack } = ordersStack({ role: iam.Role.fromRoleArn(newStack(newApp({ bundle: false }), 'Elsewhere'), 'R', 'arn:aws:iam::123456789012:role/r') });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', { Roles: ['r'] });
  });

  test('aws-cdk-lib\'s INFO on every synth is replaced by one warning that can be acknowledged', () => {
    const { stack } = ordersStack();
    expect(Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp('durability'))).toEqual([]);
    const warnings = warningsOf(stack).filter((w) => w.includes(REPLACES_FUNCTION_WARNING));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/replaces it/);

    const quiet = newStack(newApp({ bundle: false }));
    CoreAnnotations.of(quiet).acknowledgeWarning(REPLACES_FUNCTION_WARNING, 'new functions only');
    new DurableFunction(quiet, 'Orders', { entry });
    new DurableFunction(quiet, 'Invoices', { entry });
    expect(warningsOf(quiet)).toEqual([]);

    // On the app, an acknowledgement removes the warnings of the stacks defined before it.
    const app = newApp({ bundle: false });
    new DurableFunction(newStack(app), 'Orders', { entry });
    CoreAnnotations.of(app).acknowledgeWarning(REPLACES_FUNCTION_WARNING, 'new functions only');
    expect(warningsOf(app.node.findChild('TestStack') as Stack)).toEqual([]);
  });
});
