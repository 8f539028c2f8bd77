/**
 * `cdk-durable`: argument parsing, the printed report and exit codes, entries bundled like the
 * construct bundles them, environment variables, callbacks (printed, answered from another
 * "terminal" and from the prompt), signal cleanup, bounded failed invocations, cloud assemblies;
 * in process and as real commands (ts-node in the repo, and compiled JavaScript).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { DurableFunction } from '../../lib';
import { CliOutput, parseCliArguments, runCli, UsageError } from '../../local/cli';

const REPO = path.join(__dirname, '../..');
const ORDERS_TS = path.join(__dirname, '../fixtures/local/cli/orders.ts');
const APPROVAL_TS = path.join(__dirname, '../fixtures/local/cli/approval.ts');
const WORKFLOWS_JS = path.join(__dirname, '../fixtures/local/handlers/workflows.js');
const MISBEHAVING_JS = path.join(__dirname, '../fixtures/local/handlers/misbehaving.js');
const run = promisify(execFile);

type Captured = CliOutput & { stdout: string; stderr: string; waitFor(pattern: RegExp): Promise<RegExpMatchArray> };

function capture(): Captured {
  const listeners = new Set<() => void>();
  const out: Captured = {
    stdout: '',
    stderr: '',
    write(stream, text) {
      out[stream] += text;
      for (const listener of [...listeners]) listener();
    },
    waitFor(pattern) {
      return new Promise((resolve) => {
        const check = () => {
          const match = (out.stdout + out.stderr).match(pattern);
          if (match) {
            listeners.delete(check);
            resolve(match);
          }
        };
        listeners.add(check);
        check();
      });
    },
  };
  return out;
}

/** A stop-signal source the test fires by hand. */
function signals(): { onStopSignal: (listener: (signal: NodeJS.Signals) => void) => () => void; fire(signal: NodeJS.Signals): void } {
  const listeners = new Set<(signal: NodeJS.Signals) => void>();
  return {
    onStopSignal: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    fire: (signal) => listeners.forEach((listener) => listener(signal)),
  };
}

describe('parseCliArguments', () => {
  it('parses every option of local', () => {
    const envFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cli-env-')), '.env');
    fs.writeFileSync(envFile, '# settings\nexport STAGE=dev\nTABLE="orders table"\nGREETING=from-file # comment\n');
    expect(
      parseCliArguments([
        'local', 'src/orders.ts', '--input', '{"orderId":"42"}', '--handler=main', '--real-time', '--fresh-process',
        '--execution-name', 'order-42', '--execution-timeout', '600', '--env', 'GREETING=hi', '--env=EMPTY=', '--env-file', envFile,
        '--max-invocation-errors', '5', '--port', '9014', '--runtime', 'nodejs22.x', '--no-prompt',
      ]),
    ).toEqual({
      command: 'local',
      file: 'src/orders.ts',
      input: '{"orderId":"42"}',
      handler: 'main',
      bundled: false,
      runtime: 'nodejs22.x',
      environment: { STAGE: 'dev', TABLE: 'orders table', GREETING: 'hi', EMPTY: '' },
      realTime: true,
      freshProcess: true,
      executionName: 'order-42',
      executionTimeout: 600,
      timeout: undefined,
      maxInvocationErrors: 5,
      port: 9014,
      interactive: false,
      verbose: false,
    });
  });

  it('parses --app/--function and the callback command', () => {
    expect(parseCliArguments(['local', '--app', 'cdk.out', '--function', 'Shop/Orders'])).toMatchObject({ app: { assembly: 'cdk.out', functionPath: 'Shop/Orders' }, maxInvocationErrors: 3 });
    expect(parseCliArguments(['callback', 'succeed', 'abc', '{"ok":true}', '--endpoint', 'http://127.0.0.1:9014'])).toEqual({
      command: 'callback', action: 'succeed', callbackId: 'abc', payload: '{"ok":true}', endpoint: 'http://127.0.0.1:9014', region: undefined,
    });
  });

  it.each([
    [['deploy', 'x.js'], "Unknown command 'deploy'"],
    [['local'], 'Missing the file to run'],
    [['local', 'a.js', 'b.js'], 'Expected one file to run, got 2'],
    [['local', 'a.js', '--input'], 'Option --input needs a value'],
    [['local', 'a.js', '--input', '{orderId: 1}'], '--input is not valid JSON'],
    [['local', 'a.js', '--colour'], "Unknown option '--colour'"],
    [['local', 'a.js', '--execution-name', 'has space'], "--execution-name 'has space' is invalid"],
    [['local', 'a.js', '--handler', 'index.handler'], "--handler 'index.handler' is not an export name"],
    [['local', 'a.js', '--timeout', '0'], '--timeout must be a whole number of seconds between 1 and 900'],
    [['local', 'a.js', '--real-time=yes'], 'Option --real-time takes no value'],
    [['local', 'a.js', '--env', 'NOEQUALS'], "--env: 'NOEQUALS' is not KEY=VALUE"],
    [['local', 'a.js', '--env', '1BAD=x'], "--env: '1BAD=x' is not KEY=VALUE"],
    [['local', 'a.js', '--env-file', '/nowhere/.env'], '--env-file /nowhere/.env cannot be read'],
    [['local', 'a.js', '--runtime', 'nodejs18.x'], "--runtime 'nodejs18.x' is not a runtime durable functions run on"],
    [['local', '--app', 'cdk.out'], '--app and --function go together'],
    [['local', 'a.js', '--app', 'cdk.out', '--function', 'S/F'], 'Give either a file or --app/--function, not both'],
    [['local', 'a.js', '--max-invocation-errors', '0'], '--max-invocation-errors must be a whole number of invocations between 1 and 10000'],
    [['callback'], 'cdk-durable callback needs an action'],
    [['callback', 'approve', 'abc'], "not 'approve'"],
    [['callback', 'succeed'], 'Missing the callback id'],
    [['callback', 'succeed', 'abc', '{bad'], 'The callback result is not valid JSON'],
    [['callback', 'heartbeat', 'abc', '{}'], 'Too many arguments for cdk-durable callback heartbeat'],
    [['callback', 'fail', 'abc', '--endpoint', 'localhost'], "--endpoint 'localhost' is not a URL"],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCliArguments(argv)).toThrow(UsageError);
    expect(() => parseCliArguments(argv)).toThrow(message);
  });

  it('asks for help with no arguments, help, -h or --help', () => {
    for (const argv of [[], ['help'], ['-h']]) {
      expect(parseCliArguments(argv)).toEqual({ command: 'help' });
    }
    expect(parseCliArguments(['local', 'x.js', '--help'])).toEqual({ command: 'help', topic: 'local' });
    expect(parseCliArguments(['help', 'callback'])).toEqual({ command: 'help', topic: 'callback' });
  });
});

describe('cdk-durable local', () => {
  it('runs a plain TypeScript workflow bundled like the construct and prints status, result and the timeline; exit 0', async () => {
    const out = capture();
    const code = await runCli(['local', ORDERS_TS, '--input', '{"orderId":"42"}', '--execution-name', 'order-42', '--env', 'GREETING=hello'], out);
    expect(out.stderr).toContain('order 42 done (hello)');
    expect(code).toBe(0);
    expect(out.stderr).toMatch(/^Local durable-execution service: http:\/\/127\.0\.0\.1:\d+ {2}\(function orders, bundle .*index\.js\)$/m);
    expect(out.stdout).toMatch(/^Execution: arn:aws:lambda:us-east-1:123456789012:function:orders:1\/durable-execution\/order-42\/\S+$/m);
    expect(out.stdout).toContain('Status:    SUCCEEDED');
    expect(out.stdout).toContain('"reserved": "reserved-42"');
    const timeline = out.stdout.slice(out.stdout.indexOf('Timeline:'), out.stdout.indexOf('Metrics:'));
    expect(timeline).toMatch(/EXECUTION "order-42"\s+SUCCEEDED\s+2h 0m 3\ds/);
    expect(timeline).toMatch(/STEP\/Step "reserve"\s+SUCCEEDED\s+attempts 1/);
    expect(timeline).toMatch(/WAIT\/Wait "cool-off"\s+SUCCEEDED\s+2h 0m/);
    expect(timeline).toMatch(/STEP\/Step "charge"\s+SUCCEEDED\s+attempts 2\s+30(\.\d)?s/);
    expect(timeline).toContain('3 invocations');
    expect(timeline).not.toContain('failed');
  });

  it('prints the error and exits 1 when the execution fails', async () => {
    const out = capture();
    const code = await runCli(['local', ORDERS_TS, '--input', '{"orderId":"7","fail":true}'], out);
    expect(code).toBe(1);
    expect(out.stdout).toContain('Status:    FAILED');
    expect(out.stdout).toContain('Error:     StepError: card declined for 7');
    expect(out.stdout).toMatch(/STEP\/Step "charge"\s+FAILED\s+attempts 2/);
  });

  it('passes variables from --env-file and --env (which wins) to the handler, and nothing else of this process', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-env-'));
    fs.writeFileSync(path.join(dir, '.env'), 'GREETING=from-file\n');
    process.env.CLI_TEST_SECRET = 'must-not-leak';
    try {
      const fromFile = capture();
      expect(await runCli(['local', ORDERS_TS, '--input', '{"orderId":"1"}', '--env-file', path.join(dir, '.env')], fromFile)).toBe(0);
      expect(fromFile.stderr).toContain('order 1 done (from-file)');
      const overridden = capture();
      expect(await runCli(['local', ORDERS_TS, '--input', '{"orderId":"2"}', '--env-file', path.join(dir, '.env'), '--env', 'GREETING=from-flag'], overridden)).toBe(0);
      expect(overridden.stderr).toContain('order 2 done (from-flag)');
    } finally {
      delete process.env.CLI_TEST_SECRET;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs a built JavaScript bundle as it is with --bundled, with a chosen export, in fresh processes', async () => {
    const out = capture();
    const code = await runCli(['local', WORKFLOWS_JS, '--bundled', '--handler', 'flaky', '--fresh-process'], out);
    expect(code).toBe(0);
    expect(out.stdout).toContain('"attempt": 3');
  });

  it('surfaces a failing invocation at once with its stack and stops after --max-invocation-errors in a row', async () => {
    const out = capture();
    const code = await runCli(['local', MISBEHAVING_JS, '--bundled', '--handler', 'throws', '--max-invocation-errors', '2'], out);
    expect(code).toBe(1);
    expect(out.stderr).toMatch(/^Invocation 1 failed: PaymentDeclined: card expired\n {4}at .*misbehaving\.js:\d+/m);
    expect(out.stderr).toContain('Stopping the execution: 2 failed invocations in a row.');
    expect(out.stdout).toContain('Status:    STOPPED');
    expect(out.stdout).toContain('Error:     PaymentDeclined: card expired (the handler failed 2 invocations in a row');
    expect(out.stdout).toContain('2 invocations (2 failed)');
  });

  it('prints each open callback with its id and the command answering it from another terminal', async () => {
    const out = capture();
    const done = runCli(['local', APPROVAL_TS, '--input', '{"orderId":"9"}', '--no-prompt'], out);
    const [, callbackId] = await out.waitFor(/Callback "approval" is waiting for an answer\. Callback id:\n {2}(\S+)\n/);
    const [, endpoint] = await out.waitFor(/^Local durable-execution service: (\S+)/m);
    expect(out.stderr).toContain(`npx cdk-durable callback succeed ${callbackId} '{"approved":true}' --endpoint ${endpoint}`);
    const other = capture();
    expect(await runCli(['callback', 'succeed', callbackId, '{"approved":true}', '--endpoint', endpoint], other)).toBe(0);
    expect(other.stdout).toBe(`succeed: sent to ${callbackId}\n`);
    expect(await done).toBe(0);
    expect(out.stdout).toContain('"approved": true');
    expect(out.stdout).toMatch(/CALLBACK\/Callback\s+SUCCEEDED/);
  });

  it('answers callbacks from the interactive prompt', async () => {
    const out = capture();
    const input = new PassThrough();
    const done = runCli(['local', APPROVAL_TS, '--input', '{"orderId":"10"}', '--interactive'], out, { input });
    await out.waitFor(/Callback "approval" is waiting/);
    input.write('list\n');
    await out.waitFor(/^ {2}\S+ {2}"approval"$/m);
    input.write('heartbeat approval\n');
    await out.waitFor(/heartbeat: sent to/);
    input.write('succeed {"approved":false}\n');
    expect(await done).toBe(0);
    expect(out.stdout).toContain('"approved": false');
  });

  it('fails a callback from another terminal with a message', async () => {
    const out = capture();
    const done = runCli(['local', APPROVAL_TS, '--input', '{"orderId":"11"}', '--no-prompt'], out);
    const [, callbackId] = await out.waitFor(/Callback id:\n {2}(\S+)\n/);
    const [, endpoint] = await out.waitFor(/^Local durable-execution service: (\S+)/m);
    expect(await runCli(['callback', 'fail', callbackId, 'not in stock', '--endpoint', endpoint], capture())).toBe(0);
    expect(await done).toBe(1);
    expect(out.stdout).toContain('Error:     CallbackError: not in stock');
    const unknown = capture();
    expect(await runCli(['callback', 'heartbeat', callbackId, '--endpoint', endpoint], unknown)).toBe(1);
    expect(unknown.stderr).toMatch(/^error: \w+: /);
  });

  it('stops the service and removes its temporary folder on SIGINT, exit 130', async () => {
    const out = capture();
    const stop = signals();
    const done = runCli(['local', APPROVAL_TS, '--input', '{"orderId":"12"}', '--no-prompt'], out, { onStopSignal: stop.onStopSignal });
    await out.waitFor(/Callback id:/);
    const [, bundle] = await out.waitFor(/bundle (\S+index\.js)\)/);
    const workDir = path.dirname(path.dirname(bundle));
    expect(path.basename(workDir)).toMatch(/^cdk-durable-local-/);
    expect(fs.existsSync(workDir)).toBe(true);
    stop.fire('SIGINT');
    expect(await done).toBe(130);
    expect(out.stderr).toContain('SIGINT: stopping the local service and removing its temporary files');
    expect(fs.existsSync(workDir)).toBe(false);
  });

  it('runs a function of a synthesized cloud assembly by construct path', async () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-cdk-out-'));
    try {
      const app = new App({ outdir });
      const stack = new Stack(app, 'Shop');
      new DurableFunction(stack, 'Orders', { entry: ORDERS_TS, executionTimeout: Duration.hours(3), environment: { GREETING: 'from-the-stack' } });
      app.synth();
      const out = capture();
      expect(await runCli(['local', '--app', outdir, '--function', 'Shop/Orders', '--input', '{"orderId":"5"}'], out)).toBe(0);
      expect(out.stderr).toContain('order 5 done (from-the-stack)');
      expect(out.stdout).toMatch(/function:Orders:1\/durable-execution/);

      const missing = capture();
      expect(await runCli(['local', '--app', outdir, '--function', 'Shop/Nope'], missing)).toBe(1);
      expect(missing.stderr).toContain("No Lambda function at construct path 'Shop/Nope'");
      expect(missing.stderr).toContain('  Shop/Orders');
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 120_000);

  it('reports usage errors, a missing file and a missing export with exit 1', async () => {
    const usage = capture();
    expect(await runCli(['local'], usage)).toBe(1);
    expect(usage.stderr).toContain('error: Missing the file to run');
    expect(usage.stderr).toContain('Usage: cdk-durable local');

    const missing = capture();
    expect(await runCli(['local', '/nowhere/orders.js'], missing)).toBe(1);
    expect(missing.stderr).toContain('error: /nowhere/orders.js does not exist');

    const noExport = capture();
    expect(await runCli(['local', WORKFLOWS_JS, '--bundled', '--handler', 'nothingHere'], noExport)).toBe(1);
    expect(noExport.stdout).toContain('Status:    STOPPED');
    expect(noExport.stdout).toContain('Error:     Runtime.HandlerNotFound: Handler nothingHere is undefined or not exported');

    const entryWithoutExport = capture();
    expect(await runCli(['local', ORDERS_TS, '--handler', 'main'], entryWithoutExport)).toBe(1);
    expect(entryWithoutExport.stderr).toMatch(/error: Could not bundle .*orders\.ts: .*does not export "main" \(its exports: handler\)/);
  });

  it('prints help with exit 0', async () => {
    const out = capture();
    expect(await runCli(['--help'], out)).toBe(0);
    expect(out.stdout).toContain('--fresh-process');
    expect(out.stdout).toContain('cdk-durable callback <succeed|fail|heartbeat>');
    const local = capture();
    expect(await runCli(['local', '--help'], local)).toBe(0);
    expect(local.stdout).toContain('--env <KEY=VALUE>');
    expect(local.stdout).not.toContain('Commands:');
  });
});

describe('cdk-durable as a command', () => {
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

  it('runs with npx ts-node --transpile-only local/cli/index.ts in the repo', async () => {
    const { stdout } = await run('npx', ['ts-node', '--transpile-only', 'local/cli/index.ts', 'local', WORKFLOWS_JS, '--bundled', '--handler', 'threeSteps', '--input', '{"orderId":"n"}'], {
      cwd: REPO,
      env,
    });
    expect(stdout).toContain('Status:    SUCCEEDED');
    expect(stdout).toContain('"one-n"');
  }, 120_000);

  it('runs as compiled JavaScript and exits 1 for a failed execution', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-durable-cli-'));
    try {
      await run(
        'npx',
        ['tsc', 'local/cli/index.ts', '--outDir', outDir, '--rootDir', '.', '--module', 'commonjs', '--target', 'es2022', '--moduleResolution', 'node', '--esModuleInterop', '--skipLibCheck', '--types', 'node', '--strict'],
        { cwd: REPO, env },
      );
      const cli = path.join(outDir, 'local/cli/index.js');
      // The compiled files live outside the repo, so point Node at its dependencies.
      const nodeEnv = { ...env, NODE_PATH: path.join(REPO, 'node_modules') };
      const ok = await run(process.execPath, [cli, 'local', WORKFLOWS_JS, '--bundled', '--handler', 'echo', '--input', '{"hello":"world"}'], { env: nodeEnv });
      expect(ok.stdout).toContain('"hello": "world"');
      await expect(run(process.execPath, [cli, 'local', WORKFLOWS_JS, '--bundled', '--handler', 'fails', '--input', '{"orderId":"z"}'], { env: nodeEnv })).rejects.toMatchObject({
        code: 1,
        stdout: expect.stringContaining('Error:     OutOfStock: no stock for z'),
      });
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  }, 180_000);
});
