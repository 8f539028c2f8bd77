import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DurableFunction } from '../../lib';
import { allQualifiers, arnOf, fixture, logicalIdOf, newApp, newStack, removeOutdirs } from './support';

afterAll(removeOutdirs);

// One stack, one grantee role per grant, so each grantee's policy holds exactly that grant.
const stack = newStack(newApp({ bundle: false }));
const orders = new DurableFunction(stack, 'Orders', { entry: fixture('plain-workflow.ts') });
const stateKey = new kms.Key(stack, 'StateKey');
const secured = new DurableFunction(stack, 'Secured', { entry: fixture('plain-workflow.ts'), durableStateKey: stateKey });

const grantee = (id: string): iam.Role => new iam.Role(stack, id, { assumedBy: new iam.AccountRootPrincipal() });
const grants = {
  invoke: orders.grantInvoke(grantee('Invoker')),
  sendCallback: orders.grantSendCallback(grantee('CallbackSender')),
  read: orders.grantReadExecutions(grantee('Reader')),
  stop: orders.grantStopExecution(grantee('Stopper')),
  servicePrincipal: orders.grantInvoke(new iam.ServicePrincipal('events.amazonaws.com')),
  securedRead: secured.grantReadExecutions(grantee('SecuredReader')),
  securedInvoke: secured.grantInvoke(grantee('SecuredInvoker')),
};

const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>;
const ordersId = logicalIdOf(template, 'AWS::Lambda::Function', 'Orders');
const ordersArn = arnOf(ordersId);

/** The statements of the one policy attached to the grantee role `roleId`. */
function statementsOf(roleIdPrefix: string): unknown[] {
  const roleId = logicalIdOf(template, 'AWS::IAM::Role', roleIdPrefix);
  const policies = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement as unknown[];
}

test('grantInvoke allows lambda:InvokeFunction on the alias only', () => {
  expect(statementsOf('Invoker')).toEqual([
    { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { Ref: logicalIdOf(template, 'AWS::Lambda::Alias', 'OrdersAlias') } },
  ]);
  expect(grants.invoke.success).toBe(true);
});

test('grantInvoke to a service principal adds the permission on the alias, never on the function or $LATEST', () => {
  const permissions = Object.values(template.findResources('AWS::Lambda::Permission'));
  expect(permissions).toHaveLength(1);
  expect(permissions[0].Properties).toEqual({
    Action: 'lambda:InvokeFunction',
    FunctionName: { Ref: logicalIdOf(template, 'AWS::Lambda::Alias', 'OrdersAlias') },
    Principal: 'events.amazonaws.com',
  });
  expect(grants.servicePrincipal.success).toBe(true);
});

test('grantSendCallback allows success, failure and heartbeat on <function arn>:*', () => {
  expect(statementsOf('CallbackSender')).toEqual([{
    Action: [
      'lambda:SendDurableExecutionCallbackSuccess',
      'lambda:SendDurableExecutionCallbackFailure',
      'lambda:SendDurableExecutionCallbackHeartbeat',
    ],
    Effect: 'Allow',
    Resource: allQualifiers(ordersId),
  }]);
  expect(grants.sendCallback.success).toBe(true);
});

test('grantReadExecutions allows get and history on <function arn>:*, and list on the function and its qualifiers', () => {
  expect(statementsOf('Reader')).toEqual([
    {
      Action: ['lambda:GetDurableExecution', 'lambda:GetDurableExecutionHistory'],
      Effect: 'Allow',
      Resource: allQualifiers(ordersId),
    },
    {
      Action: 'lambda:ListDurableExecutionsByFunction',
      Effect: 'Allow',
      Resource: [ordersArn, allQualifiers(ordersId)],
    },
  ]);
  expect(grants.read.success).toBe(true);
});

test('grantStopExecution allows lambda:StopDurableExecution on <function arn>:*', () => {
  expect(statementsOf('Stopper')).toEqual([
    { Action: 'lambda:StopDurableExecution', Effect: 'Allow', Resource: allQualifiers(ordersId) },
  ]);
  expect(grants.stop.success).toBe(true);
});

test('grants go to the grantee, and the function role gets nothing but its checkpoint policy', () => {
  const roleId = logicalIdOf(template, 'AWS::IAM::Role', 'OrdersServiceRole');
  const onFunctionRole = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId));
  expect(onFunctionRole).toHaveLength(1);
  expect(JSON.stringify(onFunctionRole[0])).toContain('CheckpointDurableExecution');
});

test('with a durable state key, reading executions also allows decrypting with it', () => {
  const securedId = logicalIdOf(template, 'AWS::Lambda::Function', 'Secured');
  const keyArn = arnOf(logicalIdOf(template, 'AWS::KMS::Key', 'StateKey'));
  expect(statementsOf('SecuredReader')).toEqual([
    { Action: ['lambda:GetDurableExecution', 'lambda:GetDurableExecutionHistory'], Effect: 'Allow', Resource: allQualifiers(securedId) },
    { Action: 'lambda:ListDurableExecutionsByFunction', Effect: 'Allow', Resource: [arnOf(securedId), allQualifiers(securedId)] },
    { Action: 'kms:Decrypt', Effect: 'Allow', Resource: keyArn },
  ]);
  expect(statementsOf('SecuredInvoker')).toEqual([
    { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { Ref: logicalIdOf(template, 'AWS::Lambda::Alias', 'SecuredAlias') } },
    { Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'], Effect: 'Allow', Resource: keyArn },
  ]);
  expect(grants.securedRead.success && grants.securedInvoke.success).toBe(true);
});

test('no grant names the unqualified function ARN except listing, whose resource type is the function', () => {
  const unqualified = Object.values(resources)
    .filter((r) => JSON.stringify(r).includes(JSON.stringify(ordersArn)))
    .flatMap((r) => ((r.Properties.PolicyDocument as { Statement?: Array<{ Action: unknown; Resource: unknown }> } | undefined)?.Statement ?? []))
    .filter((s) => ([] as unknown[]).concat(s.Resource).some((res) => JSON.stringify(res) === JSON.stringify(ordersArn)));
  expect(unqualified.map((s) => s.Action)).toEqual(['lambda:ListDurableExecutionsByFunction']);
});
