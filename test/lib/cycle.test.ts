import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DurableFunction } from '../../lib';
import { fixture, logicalIdOf, newApp, newStack, removeOutdirs, resourceDependencies } from './support';

afterAll(removeOutdirs);

// Template.fromStack refuses a template whose resources depend on each other in a cycle
// ("Template is undeployable"), so building the Template is itself the check that matters here.

const entry = fixture('plain-workflow.ts');

test('the check catches the cycle a checkpoint statement in the role default policy would create', () => {
  // The arrangement the construct avoids: role default policy -> function -> role default policy.
  const stack = newStack(newApp({ bundle: false }));
  const fn = new DurableFunction(stack, 'Orders', { entry });
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: ['lambda:CheckpointDurableExecution'],
    resources: [`${fn.functionArn}:*`],
  }));
  expect(() => Template.fromStack(stack)).toThrow(/dependency cycle: .*Orders.*Orders/);
});

test('a user-supplied role with its own statements, a key and grants to another function has no cycle', () => {
  const stack = newStack(newApp({ bundle: false }));
  const role = new iam.Role(stack, 'WorkflowRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::orders-bucket/*'] }));
  const key = new kms.Key(stack, 'StateKey');
  const orders = new DurableFunction(stack, 'Orders', { entry, role, durableStateKey: key });
  const approvals = new DurableFunction(stack, 'Approvals', { entry });
  // Grants land on the grantee's role, never on the granting function's own.
  orders.grantSendCallback(approvals);
  orders.grantReadExecutions(approvals);
  orders.grantInvoke(approvals);

  const template = Template.fromStack(stack);

  // The structure behind it: the function waits for its role and the role's default policy, while
  // the checkpoint policy is what waits for the function.
  const graph = resourceDependencies(template.toJSON());
  const fnId = logicalIdOf(template, 'AWS::Lambda::Function', 'Orders');
  const roleId = logicalIdOf(template, 'AWS::IAM::Role', 'WorkflowRole');
  const checkpointPolicyId = logicalIdOf(template, 'AWS::IAM::Policy', 'OrdersDurableExecutionPolicy');
  expect([...graph.get(fnId)!]).toEqual(expect.arrayContaining([
    roleId,
    logicalIdOf(template, 'AWS::IAM::Policy', 'WorkflowRoleDefaultPolicy'),
  ]));
  expect(graph.get(fnId)!.has(checkpointPolicyId)).toBe(false);
  expect([...graph.get(checkpointPolicyId)!].sort()).toEqual([fnId, roleId].sort());
});

test('an imported role gets the checkpoint policy, without a cycle and without a new role', () => {
  const stack = newStack(newApp({ bundle: false }));
  const role = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::123456789012:role/workflow');
  new DurableFunction(stack, 'Orders', { entry, role });
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::IAM::Policy', {
    Roles: ['workflow'],
    PolicyDocument: { Statement: [{ Action: ['lambda:CheckpointDurableExecution', 'lambda:GetDurableExecutionState'] }] },
  });
  expect(template.findResources('AWS::IAM::Role')).toEqual({});
});
