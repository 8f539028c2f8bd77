/**
 * The operator grants for pausing, resuming and deleting executions (protocol.md §9.9), checked
 * on the synthesized template: exact actions, on the durable-execution resource form
 * `<function arn>:*`, which IAM's wildcard matching applies to every execution ARN of every
 * version and never to the unqualified function.
 */
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DurableFunction } from '../../lib';
import { allQualifiers, fixture, logicalIdOf, newApp, newStack, removeOutdirs } from './support';

afterAll(removeOutdirs);

const stack = newStack(newApp({ bundle: false }));
const orders = new DurableFunction(stack, 'Orders', { entry: fixture('plain-workflow.ts') });
const stateKey = new kms.Key(stack, 'StateKey');
const secured = new DurableFunction(stack, 'Secured', { entry: fixture('plain-workflow.ts'), durableStateKey: stateKey });
const grantee = (id: string): iam.Role => new iam.Role(stack, id, { assumedBy: new iam.AccountRootPrincipal() });
const grants = {
  pause: orders.grantPauseExecutions(grantee('Pauser')),
  delete: orders.grantDeleteExecutions(grantee('Deleter')),
  securedPause: secured.grantPauseExecutions(grantee('SecuredPauser')),
  securedDelete: secured.grantDeleteExecutions(grantee('SecuredDeleter')),
};
const template = Template.fromStack(stack);
const ordersId = logicalIdOf(template, 'AWS::Lambda::Function', 'Orders');

function statementsOf(roleIdPrefix: string): Array<{ Action: string | string[]; Effect: string; Resource: unknown }> {
  const roleId = logicalIdOf(template, 'AWS::IAM::Role', roleIdPrefix);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter(
    (p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]),
  );
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

/** The resource string with the function's ARN put in for its `Fn::GetAtt`, as IAM would see it. */
function resolveArn(resource: unknown, functionArn: string): string {
  const join = (resource as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return join[1].map((part) => (typeof part === 'string' ? part : functionArn)).join(join[0]);
}

/** IAM's resource matching: `*` any run of characters, `?` one character, case-sensitive. */
function iamMatches(pattern: string, arn: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(arn);
}

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:orders';

test('grantPauseExecutions allows exactly lambda:PauseDurableExecution and lambda:ResumeDurableExecution on <function arn>:*', () => {
  expect(statementsOf('Pauser')).toEqual([
    { Action: ['lambda:PauseDurableExecution', 'lambda:ResumeDurableExecution'], Effect: 'Allow', Resource: allQualifiers(ordersId) },
  ]);
  expect(grants.pause.success).toBe(true);
});

test('grantDeleteExecutions allows exactly lambda:DeleteDurableExecution on <function arn>:*', () => {
  expect(statementsOf('Deleter')).toEqual([{ Action: 'lambda:DeleteDurableExecution', Effect: 'Allow', Resource: allQualifiers(ordersId) }]);
  expect(grants.delete.success).toBe(true);
});

test.each([['Pauser'], ['Deleter']])('the %s resource matches execution ARNs of every version, never the unqualified function', (role) => {
  const pattern = resolveArn(statementsOf(role)[0].Resource, FUNCTION_ARN);
  expect(iamMatches(pattern, `${FUNCTION_ARN}:3/durable-execution/order-42/6f1c2b7e-1d2a-4c3b-9e8f-0a1b2c3d4e5f`)).toBe(true);
  expect(iamMatches(pattern, `${FUNCTION_ARN}:$LATEST/durable-execution/order-42/6f1c2b7e-1d2a-4c3b-9e8f-0a1b2c3d4e5f`)).toBe(true);
  expect(iamMatches(pattern, FUNCTION_ARN)).toBe(false);
  expect(iamMatches(pattern, `${FUNCTION_ARN}-other:1/durable-execution/a/b`)).toBe(false);
});

test('with a durable state key, pausing also allows encrypting the reason; deleting needs no key', () => {
  const keyArn = { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::KMS::Key', 'StateKey'), 'Arn'] };
  const pause = statementsOf('SecuredPauser');
  expect(pause).toHaveLength(2);
  expect(pause[1]).toEqual({ Action: ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'], Effect: 'Allow', Resource: keyArn });
  expect(statementsOf('SecuredDeleter').map((s) => s.Action)).toEqual(['lambda:DeleteDurableExecution']);
  expect(grants.securedPause.success && grants.securedDelete.success).toBe(true);
});

test('the function role gets none of these actions', () => {
  const roleId = logicalIdOf(template, 'AWS::IAM::Role', 'OrdersServiceRole');
  const onFunctionRole = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId));
  const text = JSON.stringify(onFunctionRole);
  expect(text).not.toContain('PauseDurableExecution');
  expect(text).not.toContain('DeleteDurableExecution');
});
