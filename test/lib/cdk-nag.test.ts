/**
 * IAM a security scanner accepts: cdk-nag's AwsSolutionsChecks on a stack with every feature of the
 * construct. The findings that remain are exactly the documented ones (README, "In production"),
 * each justified there, and the suppression the README shows clears them.
 */
import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, NagSuppressions } from 'cdk-nag';
import { DurableFunction } from '../../lib';
import { fixture, newApp, newStack, removeOutdirs } from './support';

afterAll(removeOutdirs);

/** A stack with every feature: a state key, an event source, the version cleanup, a URL and every grant. */
function fullStack(suppress: boolean): { stack: Stack; ids: Record<string, string> } {
  const app = newApp({ bundle: false });
  const stack = newStack(app);
  const key = new kms.Key(stack, 'StateKey', { enableKeyRotation: true });
  const dlq = new sqs.Queue(stack, 'Dlq', { enforceSSL: true });
  const queue = new sqs.Queue(stack, 'Queue', { enforceSSL: true, deadLetterQueue: { queue: dlq, maxReceiveCount: 3 } });
  const orders = new DurableFunction(stack, 'Orders', {
    entry: fixture('plain-workflow.ts'),
    durableStateKey: key,
    versionCleanup: {},
    events: [new SqsEventSource(queue)],
  });
  orders.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
  const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
  orders.grantInvoke(caller);
  orders.grantInvokeUrl(caller);
  orders.grantSendCallback(caller);
  orders.grantReadExecutions(caller);
  orders.grantStopExecution(caller);
  if (suppress) {
    // As the README shows it.
    NagSuppressions.addResourceSuppressions([orders, caller], [{
      id: 'AwsSolutions-IAM5',
      reason: 'Durable executions are authorised against <function arn>:<version>/durable-execution/..., which only <function arn>:* '
        + 'matches; log streams in the function\'s own log group have generated names; kms:ReEncrypt* and kms:GenerateDataKey* are '
        + 'the key actions aws-cdk-lib grants for the durable state key.',
      appliesTo: [
        { regex: '/^Resource::<Orders[A-Z0-9]+\\.Arn>:\\*$/' },
        { regex: '/^Resource::arn:<AWS::Partition>:logs:.*:log-group:\\/aws\\/lambda\\/<Orders[A-Za-z0-9]+>:\\*$/' },
        'Action::kms:ReEncrypt*',
        'Action::kms:GenerateDataKey*',
      ],
    }], true);
  }
  Aspects.of(app).add(new AwsSolutionsChecks());
  const ids = {
    orders: stack.resolve((orders.node.defaultChild as lambda.CfnFunction).logicalId) as string,
    cleanup: stack.resolve((orders.versionCleanupFunction!.node.defaultChild as lambda.CfnFunction).logicalId) as string,
  };
  return { stack, ids };
}

/** Every cdk-nag finding as `path finding-id`. */
function findings(stack: Stack): string[] {
  const annotations = Annotations.fromStack(stack);
  return [...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-')), ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-'))]
    .map((m) => `${m.id} ${String(m.entry.data).split(':')[0]}`)
    .sort();
}

test('only the documented findings remain, none of them AwsSolutions-IAM4 and none on an invoke grant', () => {
  const { stack, ids } = fullStack(false);
  const logs = (fn: string): string => `arn:<AWS::Partition>:logs:eu-west-1:123456789012:log-group:/aws/lambda/<${fn}>`;
  expect(findings(stack)).toEqual([
    // grantSendCallback, grantReadExecutions, grantStopExecution: execution ARNs carry a version.
    `/TestStack/Caller/DefaultPolicy/Resource AwsSolutions-IAM5[Action`,
    `/TestStack/Caller/DefaultPolicy/Resource AwsSolutions-IAM5[Action`,
    `/TestStack/Caller/DefaultPolicy/Resource AwsSolutions-IAM5[Resource`,
    `/TestStack/Orders/DurableExecutionPolicy/Resource AwsSolutions-IAM5[Resource`,
    `/TestStack/Orders/DurableExecutionPolicy/Resource AwsSolutions-IAM5[Resource`,
    `/TestStack/Orders/ServiceRole/DefaultPolicy/Resource AwsSolutions-IAM5[Action`,
    `/TestStack/Orders/ServiceRole/DefaultPolicy/Resource AwsSolutions-IAM5[Action`,
    `/TestStack/Orders/VersionCleanup/Handler/DurableExecutionPolicy/Resource AwsSolutions-IAM5[Resource`,
    `/TestStack/Orders/VersionCleanup/Handler/DurableExecutionPolicy/Resource AwsSolutions-IAM5[Resource`,
  ]);
  const full = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-')).map((m) => String(m.entry.data).split(': ')[0]);
  expect(full.sort()).toEqual([
    'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
    'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
    `AwsSolutions-IAM5[Resource::<${ids.orders}.Arn>:*]`,
    `AwsSolutions-IAM5[Resource::<${ids.orders}.Arn>:*]`,
    `AwsSolutions-IAM5[Resource::<${ids.orders}.Arn>:*]`,
    `AwsSolutions-IAM5[Resource::${logs(ids.cleanup)}:*]`,
    `AwsSolutions-IAM5[Resource::${logs(ids.orders)}:*]`,
  ].sort());
});

test('the suppression the README documents clears every finding of the construct and its grantee', () => {
  const { stack } = fullStack(true);
  expect(findings(stack)).toEqual([]);
});
