/**
 * `cdk-durable local`: argument parsing, the printed report and exit codes, in process and as
 * real commands (ts-node in the repo, and compiled JavaScript).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CliOutput, parseCliArguments, runCli, UsageError } from '../../local/cli';

const REPO = path.join(__dirname, '../..');
const ORDERS_TS = path.join(__dirname, '../fixtures/local/cli/orders.ts');
const WORKFLOWS_JS = path.join(__dirname, '../fixtures/local/handlers/workflows.js');
const run = promisify(execFile);

function capture(): CliOutput & { stdout: string; stderr: string } {
  const out = {
    stdout: '',
    stderr: '',
    write(stream: 'stdout' | 'stderr', text: string) {
      out[stream] += text;
    },
  };
  return out;
}

describe('parseCliArguments', () => {
  it('parses every option', () => {
    expect(
      parseCliArguments([
        'local',
        'src/orders.ts',
        '--input',
        '{"orderId":"42"}',
        '--handler=main',
        '--real-time',
        '--fresh-process',
        '--execution-name',
        'order-42',
        '--execution-timeout',
        '600',
      ]),
    ).toEqual({
      command: 'local',
      file: 'src/orders.ts',
      input: '{"orderId":"42"}',
      handler: 'main',
      realTime: true,
      freshProcess: true,
      executionName: 'order-42',
      executionTimeout: 600,
      timeout: undefined,
      verbose: false,
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
  ])('rejects %j', (argv, message) => {
    expect(() => parseCliArguments(argv)).toThrow(UsageError);
    expect(() => parseCliArguments(argv)).toThrow(message);
  });

  it('asks for help with no arguments, help, -h or --help', () => {
    for (const argv of [[], ['help'], ['-h'], ['local', 'x.js', '--help']]) {
      expect(parseCliArguments(argv)).toEqual({ command: 'help' });
    }
  });
});

describe('runCli', () => {
  it('runs a TypeScript entry and prints status, result and the timeline; exit 0', async () => {
    const out = capture();
    const code = await runCli(['local', ORDERS_TS, '--input', '{"orderId":"42"}', '--execution-name', 'order-42'], out);
    expect(out.stderr).toContain('order 42 done');
    expect(code).toBe(0);
    expect(out.stdout).toMatch(/^Execution: arn:aws:lambda:us-east-1:123456789012:function:orders:1\/durable-execution\/order-42\/\S+$/m);
    expect(out.stdout).toContain('Status:    SUCCEEDED');
    expect(out.stdout).toContain('"reserved": "reserved-42"');
    const timeline = out.stdout.slice(out.stdout.indexOf('Timeline:'));
    expect(timeline).toMatch(/EXECUTION "order-42"\s+SUCCEEDED\s+2h 0m 3\ds/);
    expect(timeline).toMatch(/STEP\/Step "reserve"\s+SUCCEEDED\s+attempts 1/);
    expect(timeline).toMatch(/WAIT\/Wait\s+SUCCEEDED\s+2h 0m/);
    expect(timeline).toMatch(/STEP\/Step "charge"\s+SUCCEEDED\s+attempts 2\s+30(\.\d)?s/);
    expect(timeline).toContain('3 invocations');
  });

  it('prints the error and exits 1 when the execution fails', async () => {
    const out = capture();
    const code = await runCli(['local', ORDERS_TS, '--input', '{"orderId":"7","fail":true}'], out);
    expect(code).toBe(1);
    expect(out.stdout).toContain('Status:    FAILED');
    expect(out.stdout).toContain('Error:     CardDeclined: card declined for 7');
    expect(out.stdout).toMatch(/STEP\/Step "charge"\s+FAILED\s+attempts 2/);
  });

  it('runs a JavaScript bundle with a chosen export in fresh processes', async () => {
    const out = capture();
    const code = await runCli(['local', WORKFLOWS_JS, '--handler', 'flaky', '--fresh-process'], out);
    expect(code).toBe(0);
    expect(out.stdout).toContain('"attempt": 3');
  });

  it('reports usage errors, a missing file and a missing export with exit 1', async () => {
    const usage = capture();
    expect(await runCli(['local'], usage)).toBe(1);
    expect(usage.stderr).toContain('error: Missing the file to run');
    expect(usage.stderr).toContain('Usage: cdk-durable local');

    const missing = capture();
    expect(await runCli(['local', '/nowhere/orders.js'], missing)).toBe(1);
    expect(missing.stderr).toContain('error: /nowhere/orders.js does not exist');

    const noExport = capture();
    expect(await runCli(['local', WORKFLOWS_JS, '--handler', 'nothingHere'], noExport)).toBe(1);
    expect(noExport.stdout).toContain('Status:    STOPPED');
    expect(noExport.stdout).toContain('Error:     Runtime.HandlerNotFound: Handler nothingHere is undefined or not exported');
  });

  it('prints help with exit 0', async () => {
    const out = capture();
    expect(await runCli(['--help'], out)).toBe(0);
    expect(out.stdout).toContain('--fresh-process');
  });
});

describe('cdk-durable as a command', () => {
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

  it('runs with npx ts-node local/cli.ts in the repo', async () => {
    const { stdout } = await run('npx', ['ts-node', 'local/cli.ts', 'local', WORKFLOWS_JS, '--handler', 'threeSteps', '--input', '{"orderId":"n"}'], {
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
        ['tsc', 'local/cli.ts', '--outDir', outDir, '--rootDir', '.', '--module', 'commonjs', '--target', 'es2022', '--moduleResolution', 'node', '--esModuleInterop', '--skipLibCheck', '--types', 'node', '--strict'],
        { cwd: REPO, env },
      );
      const cli = path.join(outDir, 'local/cli.js');
      // The compiled files live outside the repo, so point Node at its dependencies.
      const nodeEnv = { ...env, NODE_PATH: path.join(REPO, 'node_modules') };
      const ok = await run(process.execPath, [cli, 'local', WORKFLOWS_JS, '--handler', 'echo', '--input', '{"hello":"world"}'], { env: nodeEnv });
      expect(ok.stdout).toContain('"hello": "world"');
      await expect(run(process.execPath, [cli, 'local', WORKFLOWS_JS, '--handler', 'fails', '--input', '{"orderId":"z"}'], { env: nodeEnv })).rejects.toMatchObject({
        code: 1,
        stdout: expect.stringContaining('Error:     OutOfStock: no stock for z'),
      });
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  }, 180_000);
});
