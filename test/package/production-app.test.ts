/**
 * The production defaults as a user meets them: the packed package installed into a fresh CDK app
 * outside the repository, synthesized with the `cdk` CLI. Versions are retained and cleaned up
 * (§1), wiring to the unqualified function fails the synth while the alias passes (§2), and
 * cdk-nag's AwsSolutionsChecks leaves only the finding the README documents, which its suppression
 * clears (§4).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createPackedApp, type PackedApp } from '../support/packed-app';

jest.setTimeout(10 * 60_000);

const own = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };

let app: PackedApp;

const WORKFLOW = `import type { DurableContext } from 'cdk-durable-function/runtime';

export async function handler(input: { orderId: string }, ctx: DurableContext): Promise<string> {
  return ctx.step('confirm', async () => \`confirmed-\${input.orderId}\`);
}
`;

// The README's "In production" example, switchable by environment variables for the failing forms.
const APP = `import { App, Aspects, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Duration } from 'aws-cdk-lib';
import { DurableFunction } from 'cdk-durable-function';
import { AwsSolutionsChecks, NagSuppressions } from 'cdk-nag';

const app = new App();
const stack = new Stack(app, 'Shop', { env: { account: '123456789012', region: 'eu-west-1' } });
const orders = new DurableFunction(stack, 'Orders', {
  entry: 'src/orders.ts',
  versionCleanup: { keep: 3 },
});
new events.Rule(stack, 'Nightly', {
  schedule: events.Schedule.rate(Duration.days(1)),
  targets: [new targets.LambdaFunction(process.env.WIRING === 'function' ? orders : orders.alias)],
});
// Scoped to the alias: the caller's policy has no wildcard for a scanner to flag.
orders.grantInvoke(new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() }));
if (process.env.SUPPRESS === '1') {
  NagSuppressions.addResourceSuppressions(orders, [{
    id: 'AwsSolutions-IAM5',
    reason: 'Durable executions are authorised against <function arn>:<version>/durable-execution/..., which only <function arn>:* matches; log streams have generated names.',
    appliesTo: [
      { regex: '/^Resource::<Orders[A-Z0-9]+\\\\.Arn>:\\\\*$/' },
      { regex: '/^Resource::arn:<AWS::Partition>:logs:.*:log-group:\\\\/aws\\\\/lambda\\\\/<Orders[A-Za-z0-9]+>:\\\\*$/' },
    ],
  }], true);
}
if (process.env.NAG === '1') {
  Aspects.of(app).add(new AwsSolutionsChecks());
}
`;

interface SynthesizedResource {
  readonly Type: string;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Properties: { readonly Environment?: { readonly Variables?: Record<string, unknown> } };
}

function synth(env: Record<string, string>): { status: number | null; output: string; template?: { Resources: Record<string, SynthesizedResource> } } {
  fs.rmSync(path.join(app.dir, 'cdk.out'), { recursive: true, force: true });
  const result = app.run('npx', ['--no-install', 'cdk', 'synth', '--quiet', '--no-notices', '--app', 'npx ts-node --prefer-ts-exts bin/app.ts'], { env });
  const file = path.join(app.dir, 'cdk.out', 'Shop.template.json');
  const template = result.status === 0 && fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) as { Resources: Record<string, SynthesizedResource> } : undefined;
  return { status: result.status, output: `${result.stdout}\n${result.stderr}`, template };
}

beforeAll(() => {
  app = createPackedApp({
    tsconfig: 'classic',
    dependencies: { 'cdk-nag': own.devDependencies['cdk-nag'] },
    devDependencies: { 'aws-cdk': own.devDependencies['aws-cdk'] },
  });
  app.write('src/orders.ts', WORKFLOW);
  app.write('bin/app.ts', APP);
});

afterAll(() => app?.cleanup());

test('§1 and §2: wired to the alias, the synth passes, the version is retained and the cleanup is scheduled', () => {
  const { status, output, template } = synth({});
  expect({ status, output }).toMatchObject({ status: 0 });
  const resources = Object.values(template!.Resources);
  const versions = resources.filter((r) => r.Type === 'AWS::Lambda::Version');
  expect(versions.map((v) => [v.DeletionPolicy, v.UpdateReplacePolicy])).toEqual([['Retain', 'Retain']]);
  const cleanup = resources.find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.KEEP === '3');
  expect(cleanup).toBeDefined();
  expect(resources.filter((r) => r.Type === 'AWS::Events::Rule')).toHaveLength(2);
});

test('§2: wired to the function itself, `cdk synth` fails and names the rule and the fix', () => {
  const { status, output } = synth({ WIRING: 'function' });
  expect(status).not.toBe(0);
  expect(output).toMatch(/Shop\/Nightly\/Resource: this EventBridge rule target invokes the durable function Shop\/Orders through its unqualified ARN/);
  expect(output).toMatch(/pass orders\.alias/);
});

test('§4: cdk-nag finds only the documented AwsSolutions-IAM5 on the construct, and the README suppression clears it', () => {
  const flagged = synth({ NAG: '1' });
  expect(flagged.status).not.toBe(0);
  const findings = [...flagged.output.matchAll(/(AwsSolutions-[A-Z0-9]+)(\[[^\]]*\])?/g)].map((m) => m[1]);
  expect(findings.length).toBeGreaterThan(0);
  expect(new Set(findings)).toEqual(new Set(['AwsSolutions-IAM5']));
  expect(flagged.output).not.toMatch(/AwsSolutions-IAM4/);

  const suppressed = synth({ NAG: '1', SUPPRESS: '1' });
  expect({ status: suppressed.status, output: suppressed.output }).toMatchObject({ status: 0 });
});
