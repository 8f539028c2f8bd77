/**
 * `cdk-durable local` and `cdk-durable callback` as a user runs them: from the packed package
 * installed into a fresh app outside the repository, on the README's own workflow and on the
 * workflows that used to fail (an AWS SDK client bundled, environment variables, a handler that
 * cannot load, a callback answered from another terminal, a stop signal).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createPackedApp, type PackedApp } from '../support/packed-app';
import { readmeBlocks } from '../support/readme-blocks';

jest.setTimeout(10 * 60_000);

const QUIET = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
let app: PackedApp;

beforeAll(() => {
  const own = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { dependencies: Record<string, string> };
  app = createPackedApp({ dependencies: { '@aws-sdk/client-sns': own.dependencies['@aws-sdk/client-lambda'] } });
  app.write(
    'src/approval.ts',
    [
      "import { DurableContext, Duration } from 'cdk-durable-function/runtime';",
      'export async function handler(input: { orderId: string }, ctx: DurableContext) {',
      "  const answer = await ctx.waitForCallback<{ approved: boolean }>('approval', async () => undefined, { timeout: Duration.days(1) });",
      '  return { orderId: input.orderId, approved: answer.approved };',
      '}',
      '',
    ].join('\n'),
  );
});

afterAll(() => app?.cleanup());

/** Starts the installed command without waiting; resolves lines of its stderr as they come. */
function startCli(args: readonly string[], env: Record<string, string> = {}) {
  const child = spawn(path.join(app.dir, 'node_modules/.bin/cdk-durable'), args, { cwd: app.dir, env: { ...process.env, ...QUIET, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const waitFor = (pattern: RegExp, timeoutMs = 120_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const match = stderr.match(pattern);
        if (match) {
          clearInterval(poll);
          resolve(match);
        } else if (Date.now() - started > timeoutMs || child.exitCode !== null) {
          clearInterval(poll);
          reject(new Error(`No ${pattern} in stderr:\n${stderr}\nstdout:\n${stdout}`));
        }
      }, 50);
    });
  return { child, exited, waitFor, output: () => ({ stdout, stderr }) };
}

test("runs the README's plain workflow unchanged with npx cdk-durable local", () => {
  const [workflow] = readmeBlocks('## Writing a workflow');
  expect(workflow.file).toBe('src/orders.ts');
  app.write('src/orders.ts', workflow.code);
  const command = readmeBlocks('## Writing a workflow')[1].code.trim();
  expect(command).toBe(`npx cdk-durable local src/orders.ts --input '{"orderId":"42"}'`);
  const result = app.run('npx', ['--no-install', 'cdk-durable', 'local', 'src/orders.ts', '--input', '{"orderId":"42"}'], { env: QUIET });
  expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 });
  expect(result.stdout).toContain('Status:    SUCCEEDED');
  expect(result.stdout).toContain('"charged 42 for 42"');
  expect(result.stdout).toContain('"shipped 42"');
  expect(result.stdout).toMatch(/WAIT\/Wait "cool-off"\s+SUCCEEDED\s+5m 0s/);
});

test('bundles an AWS SDK client the workflow imports, and passes --env variables', () => {
  app.write(
    'src/notify.ts',
    [
      "import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';",
      "import { DurableContext } from 'cdk-durable-function/runtime';",
      'export async function handler(_input: unknown, ctx: DurableContext) {',
      "  return ctx.step('prepare', async () => ({ command: new PublishCommand({ TopicArn: process.env.TOPIC_ARN, Message: 'hi' }).input.TopicArn, client: typeof new SNSClient({}).send }));",
      '}',
      '',
    ].join('\n'),
  );
  const result = app.run('npx', ['--no-install', 'cdk-durable', 'local', 'src/notify.ts', '--env', 'TOPIC_ARN=arn:aws:sns:us-east-1:123456789012:orders'], { env: QUIET });
  expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 });
  expect(result.stdout).toContain('"command": "arn:aws:sns:us-east-1:123456789012:orders"');
  expect(result.stdout).toContain('"client": "function"');
});

test('a handler that fails outside the durable protocol shows its error and stack at once, and stops after 3 invocations', () => {
  app.write('src/broken.ts', "import { DurableContext } from 'cdk-durable-function/runtime';\nthrow new Error('CONFIG is missing');\nexport async function handler(_i: unknown, _ctx: DurableContext) { return 1; }\n");
  const result = app.run('npx', ['--no-install', 'cdk-durable', 'local', 'src/broken.ts'], { env: QUIET });
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/^Invocation 1 failed: Error: CONFIG is missing\n {4}at .*index\.js:\d+/m);
  expect(result.stderr).toContain('Stopping the execution: 3 failed invocations in a row.');
  expect(result.stdout).toContain('Status:    STOPPED');
  expect(result.stdout).toContain('3 invocations (3 failed)');
});

test('prints the callback id and endpoint; another terminal answers it with cdk-durable callback', async () => {
  const cli = startCli(['local', 'src/approval.ts', '--input', '{"orderId":"7"}']);
  const [, callbackId] = await cli.waitFor(/Callback id:\n {2}(\S+)\n/);
  const [, endpoint] = await cli.waitFor(/^Local durable-execution service: (\S+)/m);
  const answer = app.run('npx', ['--no-install', 'cdk-durable', 'callback', 'succeed', callbackId, '{"approved":true}', '--endpoint', endpoint], { env: QUIET });
  expect({ status: answer.status, stderr: answer.stderr }).toMatchObject({ status: 0 });
  expect(await cli.exited).toBe(0);
  expect(cli.output().stdout).toContain('"approved": true');
});

test('SIGTERM stops the service and leaves no temporary folder behind', async () => {
  const tmp = fs.mkdtempSync(path.join(app.dir, 'tmp-'));
  const cli = startCli(['local', 'src/approval.ts', '--input', '{"orderId":"8"}'], { TMPDIR: tmp });
  await cli.waitFor(/Callback id:/);
  expect(fs.readdirSync(tmp).filter((name) => name.startsWith('cdk-durable-local-'))).toHaveLength(1);
  cli.child.kill('SIGTERM');
  expect(await cli.exited).toBe(143);
  expect(cli.output().stderr).toContain('SIGTERM: stopping the local service');
  expect(fs.readdirSync(tmp).filter((name) => name.startsWith('cdk-durable-local-'))).toEqual([]);
});
