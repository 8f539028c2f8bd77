/**
 * `cdk-durable pause|resume|delete <execution-arn>` against a running local service over HTTP,
 * through the CLI's own entry (`runCli`), plus its argument parsing and client configuration.
 */
import * as path from 'node:path';
import { ExecutionRun, LocalDurableService } from '../../local';
import { runCli } from '../../local/cli';
import {
  executionControlClientConfig,
  ExecutionControlUsageError,
  parseExecutionControlArguments,
} from '../../local/cli-commands/execution-control';

const WORKFLOWS = path.join(__dirname, '../fixtures/local/handlers/workflows.js');
const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:orders:3/durable-execution/order-42/6f1c2b7e-1d2a-4c3b-9e8f-0a1b2c3d4e5f';

function capture() {
  const out = {
    stdout: '',
    stderr: '',
    write(stream: 'stdout' | 'stderr', text: string) {
      out[stream] += text;
    },
  };
  return out;
}

async function until<T>(probe: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('cdk-durable pause|resume|delete against the local service', () => {
  let svc: LocalDurableService;

  beforeAll(async () => {
    svc = await LocalDurableService.start({ handlerOutput: 'silent' });
    await svc.registerFunction({ name: 'awaitsCallback', bundle: WORKFLOWS, handler: 'awaitsCallback' });
  });
  afterAll(() => svc.stop());

  it('pauses an execution waiting on a callback, resumes it, and deletes it once finished', async () => {
    const arn = await svc.startExecution('awaitsCallback:live', {});
    const callbackId = await until(() => {
      const events = svc.history(arn);
      return events.some((e) => e.EventType === 'InvocationCompleted')
        ? events.find((e) => e.EventType === 'CallbackStarted')?.CallbackStartedDetails?.CallbackId
        : undefined;
    }, 'the callback to start');

    const pause = capture();
    expect(await runCli(['pause', arn, '--endpoint', svc.endpoint, '--reason', 'payments deploy'], pause)).toBe(0);
    expect(pause.stdout).toBe(`Pause requested: ${arn}\nStatus: PAUSED\n`);
    const paused = capture();
    expect(await runCli(['pause', arn, '--endpoint', svc.endpoint], paused)).toBe(1);
    expect(paused.stderr).toBe('error: ResourceConflictException: Cannot pause an execution in status PAUSED.\n');

    // The callback completes while paused; no invocation starts.
    svc.core.sendCallbackSuccess(callbackId, '"ok"');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(svc.history(arn).filter((e) => e.EventType === 'InvocationCompleted')).toHaveLength(1);

    const resume = capture();
    expect(await runCli(['resume', arn, '--endpoint', svc.endpoint, '--reason=deploy done', '--client-token', 'resume-1'], resume)).toBe(0);
    expect(resume.stdout).toMatch(new RegExp(`^Resume requested: ${arn.replace(/[$]/g, '\\$')}\nStatus: (RUNNING|SUCCEEDED)\n$`));
    const run: ExecutionRun = await svc.waitForExecution(arn);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.history.map((e) => e.EventType)).toEqual([
      'ExecutionStarted',
      'CallbackStarted',
      'InvocationCompleted',
      'ExecutionPaused',
      'CallbackSucceeded',
      'ExecutionResumed',
      'InvocationCompleted',
      'ExecutionSucceeded',
    ]);
    expect(run.timeline).toMatch(/paused {2}\+\S+ {2}\S+.* {2}"payments deploy"/);

    const del = capture();
    expect(await runCli(['delete', arn, '--endpoint', svc.endpoint], del)).toBe(0);
    expect(del.stdout).toMatch(/^Deletion requested: .+\nRequested at: \d{4}-\d\d-\d\dT[\d:.]+Z\n$/);
    const again = capture();
    expect(await runCli(['delete', arn, '--endpoint', svc.endpoint], again)).toBe(1);
    expect(again.stderr).toMatch(/^error: ResourceNotFoundException: /);
  });

  it('refuses to delete a running execution with the service error', async () => {
    const arn = await svc.startExecution('awaitsCallback:live', {});
    const out = capture();
    expect(await runCli(['delete', arn, '--endpoint', svc.endpoint], out)).toBe(1);
    expect(out.stderr).toMatch(/^error: ResourceConflictException: Cannot delete an execution in status (RUNNING|PAUSED); it must be SUCCEEDED, FAILED, TIMED_OUT or STOPPED\.\n$/);
    svc.core.stopExecution({ DurableExecutionArn: arn });
  });
});

describe('parsing and client configuration of the execution-control commands', () => {
  it('parses each command and takes the region from the ARN unless --region is given', () => {
    expect(parseExecutionControlArguments(['pause', ARN, '--reason', 'deploy', '--keep-timeout-running', '--client-token', 't-1'])).toEqual({
      command: 'pause',
      executionArn: ARN,
      reason: 'deploy',
      executionTimeoutPaused: false,
      clientToken: 't-1',
      region: 'eu-west-1',
    });
    expect(parseExecutionControlArguments(['resume', ARN, '--region=us-east-2'])).toEqual({ command: 'resume', executionArn: ARN, region: 'us-east-2' });
    expect(parseExecutionControlArguments(['delete', ARN, '--endpoint', 'http://127.0.0.1:3000'])).toEqual({
      command: 'delete',
      executionArn: ARN,
      endpoint: 'http://127.0.0.1:3000',
      region: 'eu-west-1',
    });
  });

  it.each([
    [['pause'], /Missing the execution ARN/],
    [['pause', 'arn:aws:lambda:us-east-1:123456789012:function:orders'], /not a durable execution ARN/],
    [['resume', ARN, '--keep-timeout-running'], /pause only/],
    [['delete', ARN, '--reason', 'x'], /delete takes no --reason/],
    [['pause', ARN, '--reason', 'x'.repeat(1025)], /limit is 1024/],
    [['pause', ARN, '--endpoint', 'localhost:3000'], /not an http\(s\) URL/],
    [['pause', ARN, '--verbose'], /Unknown option '--verbose'/],
    [['pause', ARN, ARN], /Expected one execution ARN/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseExecutionControlArguments(argv)).toThrow(ExecutionControlUsageError);
    expect(() => parseExecutionControlArguments(argv)).toThrow(message);
  });

  it('prints the usage and exits 1 on a usage error, 0 for --help', async () => {
    const bad = capture();
    expect(await runCli(['resume'], bad)).toBe(1);
    expect(bad.stderr).toMatch(/^error: Missing the execution ARN[^]*Usage: cdk-durable pause/);
    const help = capture();
    expect(await runCli(['delete', '--help'], help)).toBe(0);
    expect(help.stdout).toContain('--keep-timeout-running');
  });

  it('signs for AWS with the configured credentials, and uses placeholders only for a local endpoint without any', () => {
    const inRegion = parseExecutionControlArguments(['pause', ARN]);
    expect(executionControlClientConfig(inRegion, {})).toEqual({ region: 'eu-west-1' });
    const local = parseExecutionControlArguments(['pause', ARN, '--endpoint', 'http://127.0.0.1:3000']);
    expect(executionControlClientConfig(local, {})).toEqual({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:3000',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    expect(executionControlClientConfig(local, { AWS_ACCESS_KEY_ID: 'AKIA' })).toEqual({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:3000' });
    // The SDK reads AWS_ENDPOINT_URL_LAMBDA itself; only the placeholder credentials are added.
    expect(executionControlClientConfig(inRegion, { AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:4000' })).toEqual({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
});
