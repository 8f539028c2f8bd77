/**
 * One durable function chain-invoking another: the IAM the caller's execution role needs (protocol:
 * `lambda:InvokeFunction` on the target), checked on the synthesized template.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { DurableFunction } from '../../lib';
import { fixture, logicalIdOf, newApp, newStack, removeOutdirs } from './support';

afterAll(removeOutdirs);

const stack = newStack(newApp({ bundle: false }));
const fraud = new DurableFunction(stack, 'Fraud', { entry: fixture('plain-workflow.ts') });
const orders = new DurableFunction(stack, 'Orders', {
  entry: fixture('plain-workflow.ts'),
  environment: { FRAUD_FUNCTION: fraud.alias.functionArn },
});
const grant = fraud.grantInvokeFrom(orders);
const template = Template.fromStack(stack);

test("grantInvokeFrom gives the caller's execution role lambda:InvokeFunction on the target's alias, as grantInvoke does", () => {
  expect(grant.success).toBe(true);
  const fraudId = logicalIdOf(template, 'AWS::Lambda::Function', 'Fraud');
  const ordersRole = (template.toJSON().Resources[logicalIdOf(template, 'AWS::Lambda::Function', 'Orders')].Properties.Role as {
    'Fn::GetAtt': [string, string];
  })['Fn::GetAtt'][0];
  const statements = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: ordersRole }]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: unknown; Resource: unknown }>);
  // Only the alias: a durable target cannot be invoked unqualified, and the caller invokes the alias.
  expect(statements.filter((s) => s.Action === 'lambda:InvokeFunction')).toEqual([
    { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { Ref: logicalIdOf(template, 'AWS::Lambda::Alias', 'FraudAlias') } },
  ]);
  expect(JSON.stringify(statements)).not.toContain(JSON.stringify({ 'Fn::GetAtt': [fraudId, 'Arn'] }));
});

test('the caller is handed the alias ARN to invoke', () => {
  const ordersId = logicalIdOf(template, 'AWS::Lambda::Function', 'Orders');
  const env = template.toJSON().Resources[ordersId].Properties.Environment.Variables as Record<string, unknown>;
  expect(env.FRAUD_FUNCTION).toEqual({ Ref: logicalIdOf(template, 'AWS::Lambda::Alias', 'FraudAlias') });
});
