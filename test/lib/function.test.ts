import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { DurableFunction } from '../../lib';
import { allQualifiers, arnOf, fixture, logicalIdOf, newApp, newStack, removeOutdirs } from './support';

afterAll(removeOutdirs);

// One stack holds every variant; bundling is skipped because these tests are about the template.
const stack = newStack(newApp({ bundle: false }));
const entry = fixture('plain-workflow.ts');

const defaults = new DurableFunction(stack, 'Basic', { entry });
const custom = new DurableFunction(stack, 'Custom', {
  entry: fixture('named-export.ts'),
  handler: 'processOrder',
  runtime: lambda.Runtime.NODEJS_22_X,
  executionTimeout: Duration.days(366),
  retentionPeriod: Duration.days(90),
  aliasName: 'prod',
  memorySize: 512,
  timeout: Duration.seconds(30),
  description: 'custom durable function',
  environment: { STAGE: 'test' },
  bundling: { sourceMap: true },
});
const stateKey = new kms.Key(stack, 'StateKey');
const keyed = new DurableFunction(stack, 'Keyed', { entry, durableStateKey: stateKey });
const userRole = new iam.Role(stack, 'UserRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
const ownRole = new DurableFunction(stack, 'OwnRole', { entry, role: userRole });
const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
new DurableFunction(stack, 'InVpc', { entry, vpc });
const queue = new sqs.Queue(stack, 'Queue');
const lateQueue = new sqs.Queue(stack, 'LateQueue');
const evented = new DurableFunction(stack, 'Evented', { entry, events: [new SqsEventSource(queue)] });
evented.addEventSource(new SqsEventSource(lateQueue));

const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
const fnId = (prefix: string): string => logicalIdOf(template, 'AWS::Lambda::Function', prefix);
const fnProps = (prefix: string): Record<string, unknown> => resources[fnId(prefix)].Properties;

describe('the Lambda function', () => {
  test('defaults: Node.js 24, the generated entry as handler, 15 minutes execution timeout, 14 days retention', () => {
    const props = fnProps('Basic');
    expect(props.Runtime).toBe('nodejs24.x');
    expect(props.Handler).toBe('index.handler');
    expect(props.DurableConfig).toEqual({ ExecutionTimeout: 900, RetentionPeriodInDays: 14 });
    expect(props.Environment).toBeUndefined();
  });

  test('durable settings and every other function option pass through', () => {
    const props = fnProps('Custom');
    expect(props).toMatchObject({
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      DurableConfig: { ExecutionTimeout: 31_622_400, RetentionPeriodInDays: 90 },
      MemorySize: 512,
      Timeout: 30,
      Description: 'custom durable function',
      Environment: { Variables: { STAGE: 'test', NODE_OPTIONS: '--enable-source-maps' } },
    });
    expect(custom.executionTimeout.toDays()).toBe(366);
    expect(custom.retentionPeriod.toDays()).toBe(90);
  });

  test('a user NODE_OPTIONS wins over the source-map default', () => {
    const own = newStack(newApp({ bundle: false }));
    new DurableFunction(own, 'Fn', { entry, environment: { NODE_OPTIONS: '--max-old-space-size=256' }, bundling: { sourceMap: true } });
    Template.fromStack(own).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { NODE_OPTIONS: '--max-old-space-size=256' } },
    });
  });

  test('a durable state key is set as DurableConfig.KMSKeyArn and the role may use it', () => {
    expect(fnProps('Keyed').DurableConfig).toEqual({
      ExecutionTimeout: 900,
      RetentionPeriodInDays: 14,
      KMSKeyArn: arnOf(logicalIdOf(template, 'AWS::KMS::Key', 'StateKey')),
    });
    expect(keyed.durableStateKey).toBe(stateKey);
    const roleId = logicalIdOf(template, 'AWS::IAM::Role', 'KeyedServiceRole');
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
          Effect: 'Allow',
          Resource: arnOf(logicalIdOf(template, 'AWS::KMS::Key', 'StateKey')),
        }]),
      },
    });
  });

  test('no KMSKeyArn without a durable state key', () => {
    expect(fnProps('Basic').DurableConfig).not.toHaveProperty('KMSKeyArn');
  });
});

describe('the execution role', () => {
  test('a created role sits where lambda.Function puts it (<id>/ServiceRole) with no managed policy, never the durable one', () => {
    const roleId = logicalIdOf(template, 'AWS::IAM::Role', 'BasicServiceRole');
    expect(defaults.role!.node.path).toBe('TestStack/Basic/ServiceRole');
    expect(resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    expect(fnProps('Basic').Role).toEqual(arnOf(roleId));
    expect(JSON.stringify(template.toJSON())).not.toContain('AWSLambdaBasicDurableExecutionRolePolicy');
    expect(JSON.stringify(template.toJSON())).not.toContain('AWSLambdaBasicExecutionRole');
  });

  test('in a VPC the created role can also manage network interfaces', () => {
    const roleId = logicalIdOf(template, 'AWS::IAM::Role', 'InVpcServiceRole');
    expect(resources[roleId].Properties.ManagedPolicyArns).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole']] },
    ]);
  });

  test('a user role is used as is: no role is created and no managed policy is added', () => {
    const userRoleId = logicalIdOf(template, 'AWS::IAM::Role', 'UserRole');
    expect(fnProps('OwnRole').Role).toEqual(arnOf(userRoleId));
    expect(resources[userRoleId].Properties.ManagedPolicyArns).toBeUndefined();
    expect(Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => id.startsWith('OwnRoleServiceRole'))).toEqual([]);
    expect(ownRole.role).toBe(userRole);
  });

  const checkpointStatement = (fn: string): Record<string, unknown> => ({
    Action: ['lambda:CheckpointDurableExecution', 'lambda:GetDurableExecutionState'],
    Effect: 'Allow',
    Resource: allQualifiers(fnId(fn)),
  });

  test('with a created role, a separate policy allows the checkpoint APIs on <function arn>:* and logs on its own log group', () => {
    const policyId = logicalIdOf(template, 'AWS::IAM::Policy', 'BasicDurableExecutionPolicy');
    expect(resources[policyId].Properties).toEqual({
      PolicyName: expect.any(String),
      Roles: [{ Ref: logicalIdOf(template, 'AWS::IAM::Role', 'BasicServiceRole') }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [checkpointStatement('Basic'), {
          Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', [
            'arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:123456789012:log-group:/aws/lambda/', { Ref: fnId('Basic') }, ':*',
          ]] },
        }],
      },
    });
  });

  test('with a user role, a separate policy allows exactly the checkpoint APIs on <function arn>:*', () => {
    const policyId = logicalIdOf(template, 'AWS::IAM::Policy', 'OwnRoleDurableExecutionPolicy');
    expect(resources[policyId].Properties).toEqual({
      PolicyName: expect.any(String),
      Roles: [{ Ref: logicalIdOf(template, 'AWS::IAM::Role', 'UserRole') }],
      PolicyDocument: { Version: '2012-10-17', Statement: [checkpointStatement('OwnRole')] },
    });
  });

  test('no policy in the stack allows a checkpoint action on "*" or on an unqualified function', () => {
    const checkpointStatements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>)
      .filter((s) => ([] as string[]).concat(s.Action).some((a) => a.includes('DurableExecution')));
    const expected = ['Basic', 'Custom', 'Keyed', 'OwnRole', 'InVpc', 'Evented'].map((fn) => allQualifiers(fnId(fn)));
    expect(checkpointStatements.map((s) => s.Resource)).toEqual(expect.arrayContaining(expected));
    expect(checkpointStatements).toHaveLength(expected.length);
  });

  test('the checkpoint statement is not in the role default policy (that would be a dependency cycle)', () => {
    const defaultPolicies = Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([id]) => id.includes('DefaultPolicy'));
    for (const [, policy] of defaultPolicies) {
      expect(JSON.stringify(policy)).not.toContain('CheckpointDurableExecution');
    }
  });
});

describe('version and alias', () => {
  test('a version of the function and an alias named live on it', () => {
    const versionId = logicalIdOf(template, 'AWS::Lambda::Version', 'BasicCurrentVersion');
    expect(resources[versionId].Properties).toEqual({ FunctionName: { Ref: fnId('Basic') } });
    const aliasId = logicalIdOf(template, 'AWS::Lambda::Alias', 'BasicAlias');
    expect(resources[aliasId].Properties).toEqual({
      FunctionName: { Ref: fnId('Basic') },
      FunctionVersion: { 'Fn::GetAtt': [versionId, 'Version'] },
      Name: 'live',
    });
    expect(defaults.alias.aliasName).toBe('live');
    expect(defaults.alias.version).toBe(defaults.currentVersion);
  });

  test('the alias name is configurable', () => {
    template.hasResourceProperties('AWS::Lambda::Alias', { FunctionName: { Ref: fnId('Custom') }, Name: 'prod' });
    expect(custom.alias.aliasName).toBe('prod');
  });

  test('event sources, from props or added later, are attached to the alias', () => {
    // The mapping names the function as `<name>:live`, the name taken from the alias ARN.
    const aliasRef = { Ref: logicalIdOf(template, 'AWS::Lambda::Alias', 'EventedAlias') };
    const aliasFunctionName = { 'Fn::Join': ['', [{ 'Fn::Select': [6, { 'Fn::Split': [':', aliasRef] }] }, ':live']] };
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings.map((m) => m.Properties.FunctionName)).toEqual([aliasFunctionName, aliasFunctionName]);
    expect(mappings.map((m) => m.Properties.EventSourceArn)).toEqual([
      arnOf(logicalIdOf(template, 'AWS::SQS::Queue', 'Queue')),
      arnOf(logicalIdOf(template, 'AWS::SQS::Queue', 'LateQueue')),
    ]);
  });
});
