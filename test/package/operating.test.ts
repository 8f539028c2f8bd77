/**
 * "Operating in production" as a user does it: the README's examples, copied verbatim into a fresh
 * app that installed the packed tarball, type-check there; the stack synthesizes with the alarms,
 * the status-change rule and the dashboard; and the local example runs and prints the counts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createPackedApp, type PackedApp } from '../support/packed-app';
import { readmeSectionBlocks } from '../support/readme-sections';

jest.setTimeout(10 * 60_000);

const WORKFLOW = `import { withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (input: { orderId: string }, ctx) => {
  const reserved = await ctx.step('reserve', async () => \`reserved-\${input.orderId}\`);
  return { reserved };
});
`;

const APP = `import { App } from 'aws-cdk-lib';
import { OrdersStack } from '../lib/orders-stack';

const app = new App({ outdir: 'cdk.out' });
new OrdersStack(app, 'Orders', { env: { account: '123456789012', region: 'eu-west-1' } });
app.synth();
`;

interface Resource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
}

let app: PackedApp;
let resources: Resource[];

beforeAll(() => {
  const [stack, local] = readmeSectionBlocks('Operating in production');
  app = createPackedApp({ tsconfig: 'nodenext' });
  app.write('src/orders.ts', WORKFLOW);
  app.write('lib/orders-stack.ts', stack);
  app.write('bin/app.ts', APP);
  // An ES module, so the example's top-level await works as written.
  app.write('check/local.mts', local);
  app.runOk('npx', ['--no-install', 'tsc', '-p', 'tsconfig.json', '--outDir', 'build']);
});

afterAll(() => app?.cleanup());

test('the README stack synthesizes with the recommended alarms, the failure rule and the dashboard', () => {
  app.runOk('node', ['build/bin/app.js']);
  const template = JSON.parse(fs.readFileSync(path.join(app.dir, 'cdk.out', 'Orders.template.json'), 'utf8')) as {
    Resources: Record<string, Resource>;
  };
  resources = Object.values(template.Resources);
  const alarms = resources.filter((r) => r.Type === 'AWS::CloudWatch::Alarm').map((r) => r.Properties);
  expect(alarms.map((a) => a.MetricName).sort()).toEqual([
    'ApproximateRunningDurableExecutionsUtilization',
    'DurableExecutionDuration',
    'DurableExecutionFailed',
    'DurableExecutionOperations',
    'DurableExecutionStorageWrittenBytes',
    'DurableExecutionTimedOut',
  ]);
  const failed = alarms.find((a) => a.MetricName === 'DurableExecutionFailed') as Record<string, unknown>;
  expect(failed).toEqual(expect.objectContaining({ Namespace: 'AWS/Lambda', Statistic: 'Sum', Threshold: 3, EvaluationPeriods: 2 }));
  expect(failed.AlarmActions).toHaveLength(1);

  const rules = resources.filter((r) => r.Type === 'AWS::Events::Rule').map((r) => r.Properties);
  expect(rules).toHaveLength(1);
  expect(rules[0].EventPattern).toEqual(expect.objectContaining({
    'source': ['aws.lambda'],
    'detail-type': ['Durable Execution Status Change'],
    'detail': expect.objectContaining({ status: ['FAILED', 'TIMED_OUT'] }),
  }));
  expect(rules[0].Targets).toEqual([expect.objectContaining({ Arn: expect.anything() })]);
  expect(resources.filter((r) => r.Type === 'AWS::SQS::QueuePolicy')).toHaveLength(1);

  const dashboards = resources.filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
  expect(dashboards).toHaveLength(1);
  expect(JSON.stringify(dashboards[0].Properties)).toContain('DurableExecutionOperations');
});

test('the README local example runs the workflow and prints the counts', () => {
  const result = app.runOk('node', ['build/check/local.mjs']);
  expect(result.stdout).toContain('healthy');
  expect(result.stdout).toMatch(/^2 of 3,000 operations in the largest execution$/m);
  expect(result.stdout).toMatch(/^Metrics:\n {2}orders: started 1, succeeded 1, failed 0, timed out 0, stopped 0, running 0$/m);
});
