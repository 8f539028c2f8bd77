/**
 * Versions are retained, so old ones are removed by the opt-in cleanup: its template (schedule,
 * IAM scoped to the function, no managed policy) and its decision logic, run against the local
 * durable-execution service with executions on several versions.
 */
import { StopDurableExecutionCommand } from '@aws-sdk/client-lambda';
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { DurableFunction, DurableFunctionValidationError } from '../../lib';
import { readEnvironment } from '../../lib/private/version-cleanup/handler';
import { deletionCandidates, findVersionsInFlight, planVersionCleanup } from '../../lib/private/version-cleanup/plan';
import { LocalDurableService, silentLogger } from '../../local';
import { allQualifiers, arnOf, fixture, logicalIdOf, newApp, newStack, removeOutdirs } from './support';

afterAll(removeOutdirs);

describe('the cleanup in the template', () => {
  const stack = newStack(newApp({ bundle: false }));
  const orders = new DurableFunction(stack, 'Orders', {
    entry: fixture('plain-workflow.ts'),
    versionCleanup: { keep: 2, schedule: events.Schedule.rate(Duration.hours(6)) },
  });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
  const ordersId = stack.resolve((orders.node.defaultChild as lambda.CfnFunction).logicalId) as string;
  const cleanupId = logicalIdOf(template, 'AWS::Lambda::Function', 'OrdersVersionCleanup');

  test('a scheduled function that knows the durable function and how many versions to keep', () => {
    expect(orders.versionCleanupFunction?.node.path).toBe('TestStack/Orders/VersionCleanup/Handler');
    expect(resources[cleanupId].Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Environment: { Variables: { FUNCTION_NAME: { Ref: ordersId }, KEEP: '2' } },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(6 hours)',
      Targets: [{ Arn: arnOf(cleanupId), Id: 'Target0', RetryPolicy: { MaximumRetryAttempts: 2 } }],
    });
  });

  test('its IAM is scoped to the function: list, read executions, delete versions only, and its own logs', () => {
    const roleId = logicalIdOf(template, 'AWS::IAM::Role', 'OrdersVersionCleanupHandlerServiceRole');
    expect(resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    const policies = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]));
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.PolicyDocument.Statement).toEqual([
      {
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:123456789012:log-group:/aws/lambda/', { Ref: cleanupId }, ':*']] },
      },
      { Action: ['lambda:ListVersionsByFunction', 'lambda:ListAliases'], Effect: 'Allow', Resource: arnOf(ordersId) },
      { Action: 'lambda:ListDurableExecutionsByFunction', Effect: 'Allow', Resource: [arnOf(ordersId), allQualifiers(ordersId)] },
      // Never the unqualified ARN: the cleanup can delete versions, not the function.
      { Action: 'lambda:DeleteFunction', Effect: 'Allow', Resource: allQualifiers(ordersId) },
    ]);
  });

  test('keep must be a whole number of versions', () => {
    expect(() => new DurableFunction(newStack(newApp({ bundle: false })), 'Orders', { entry: fixture('plain-workflow.ts'), versionCleanup: { keep: -1 } }))
      .toThrow(DurableFunctionValidationError);
    expect(() => new DurableFunction(newStack(newApp({ bundle: false })), 'Orders', { entry: fixture('plain-workflow.ts'), versionCleanup: { keep: 1.5 } }))
      .toThrow(/versionCleanup.keep must be a whole number between 0 and 1000, got 1.5/);
  });

  test('without versionCleanup there is no cleanup function', () => {
    const plain = newStack(newApp({ bundle: false }));
    const fn = new DurableFunction(plain, 'Orders', { entry: fixture('plain-workflow.ts') });
    expect(fn.versionCleanupFunction).toBeUndefined();
    Template.fromStack(plain).resourceCountIs('AWS::Lambda::Function', 1);
  });

  test('the cleanup handler bundles at synth into one file', () => {
    const app = newApp({ bundle: true });
    const bundled = newStack(app);
    new DurableFunction(bundled, 'Orders', { entry: fixture('plain-workflow.ts'), versionCleanup: {} });
    const assembly = app.synth();
    const t = Template.fromStack(bundled);
    const code = t.toJSON().Resources[logicalIdOf(t, 'AWS::Lambda::Function', 'OrdersVersionCleanup')].Properties.Code as { S3Key: string };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(`${assembly.directory}/asset.${code.S3Key.replace(/\.zip$/, '')}/index.js`) as { handler: unknown };
    expect(typeof loaded.handler).toBe('function');
    expect(t.toJSON().Resources[logicalIdOf(t, 'AWS::Lambda::Function', 'OrdersVersionCleanup')].Properties.Environment.Variables.KEEP).toBe('3');
  });
});

test('the cleanup handler refuses to run without the function name and a whole KEEP', () => {
  expect(readEnvironment({ FUNCTION_NAME: 'orders', KEEP: '3' })).toEqual({ functionName: 'orders', keep: 3 });
  expect(() => readEnvironment({ KEEP: '3' })).toThrow(/needs FUNCTION_NAME and a whole KEEP >= 0/);
  expect(() => readEnvironment({ FUNCTION_NAME: 'orders', KEEP: '-1' })).toThrow(/needs FUNCTION_NAME and a whole KEEP >= 0/);
});

describe('which versions go', () => {
  test('older than the newest alias version, not aliased, beyond the newest `keep`', () => {
    expect(deletionCandidates({ versions: ['1', '2', '3', '4', '5', '6'], aliasVersions: ['6'], keep: 2 })).toEqual(['1', '2', '3']);
    expect(deletionCandidates({ versions: ['1', '2', '3'], aliasVersions: ['3', '1'], keep: 0 })).toEqual(['2']);
    expect(deletionCandidates({ versions: ['1', '2', '7', '8'], aliasVersions: ['2'], keep: 0 })).toEqual(['1']);
    expect(deletionCandidates({ versions: ['1', '2'], aliasVersions: [], keep: 0 })).toEqual([]);
  });
});

describe('the decision against the local service, with executions on several versions', () => {
  let service: LocalDurableService;

  beforeAll(async () => {
    service = await LocalDurableService.start({ logger: silentLogger, handlerOutput: 'silent' });
    await service.registerFunction({
      name: 'orders',
      bundle: fixture('awaits-approval.ts'),
      versions: ['1', '2', '3', '4', '5', '6'],
      aliases: { live: '6', canary: '2' },
    });
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
  });

  test('versions with a RUNNING execution stay until it ends; finished, unaliased, older ones go', async () => {
    const onOne = await service.startExecution('orders:1', {});
    const run3 = await service.run('orders:3', { finish: true });
    expect(run3.status).toBe('SUCCEEDED');
    await service.startExecution('orders:4', {});
    await service.startExecution('orders:live', {});
    const client = service.client();
    const inventory = { versions: ['1', '2', '3', '4', '5', '6'], aliasVersions: ['6', '2'], keep: 1 };

    const inFlight = await findVersionsInFlight(client, 'orders', ['1', '2', '3', '4', '5', '6']);
    expect([...inFlight].sort()).toEqual(['1', '4', '6']);
    expect(planVersionCleanup(inventory, inFlight)).toEqual({
      remove: ['3'],
      keep: [
        { version: '1', reason: 'executions in flight' },
        { version: '2', reason: 'alias' },
        { version: '4', reason: 'executions in flight' },
        { version: '5', reason: 'kept' },
        { version: '6', reason: 'alias' },
      ],
    });

    // Once the execution pinned to version 1 ends, version 1 goes too.
    await client.send(new StopDurableExecutionCommand({ DurableExecutionArn: onOne }));
    const after = await findVersionsInFlight(client, 'orders', deletionCandidates(inventory));
    expect([...after]).toEqual(['4']);
    expect(planVersionCleanup(inventory, after).remove).toEqual(['1', '3']);
  });
});
