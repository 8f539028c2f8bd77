/**
 * The cloud runner's command line, and the runner itself pointed (through
 * `AWS_ENDPOINT_URL_LAMBDA`) at a local service that hosts the scenarios under their deployed names.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SCENARIO_NAMES } from '../../integ/catalog';
import { synthesizeScenarios } from '../../integ/local-backend/assembly';
import { startLocalScenarioService } from '../../integ/local-backend/run-locally';
import { UsageError, parseAwsRunArguments } from '../../integ/run-against-aws';

const ROOT = path.resolve(__dirname, '..', '..');

describe('command line', () => {
  test('derives function names from the stack name by default', () => {
    expect(parseAwsRunArguments(['--region', 'eu-west-1'], {})).toEqual({
      region: 'eu-west-1',
      prefix: 'DurableParallelScenarios',
      scenarios: [...SCENARIO_NAMES],
      timeoutMs: 300_000,
      pollIntervalMs: 2_000,
      printAll: false,
    });
  });

  test('takes the stack, a prefix, scenarios, timing and the region from the environment', () => {
    const parsed = parseAwsRunArguments(
      ['--function-prefix', 'Mine', '--scenario', 'happy-path', '--scenario', 'max-concurrency', '--timeout', '60', '--poll-interval', '0.5', '--history'],
      { AWS_REGION: 'us-east-2' },
    );
    expect(parsed).toEqual({
      region: 'us-east-2',
      prefix: 'Mine',
      scenarios: ['happy-path', 'max-concurrency'],
      timeoutMs: 60_000,
      pollIntervalMs: 500,
      printAll: true,
    });
    expect(parseAwsRunArguments(['--help'], {})).toBe('help');
  });

  test.each([
    [['--stack', 'S'], /No region/],
    [['--region', 'r', '--scenario', 'nope'], /Unknown scenario "nope"/],
    [['--region', 'r', '--timeout', '1.5'], /--timeout must be a whole number/],
    [['--region', 'r', '--poll-interval', '0'], /--poll-interval must be a number of seconds > 0/],
    [['--region', 'r', '--stack', 'S', '--function-prefix', 'P'], /either --stack or --function-prefix/],
    [['--region', 'r', '--bogus'], /bogus/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseAwsRunArguments(argv, {})).toThrow(UsageError);
    expect(() => parseAwsRunArguments(argv, {})).toThrow(message);
  });
});

test('the runner passes every scenario against an endpoint that hosts the stack', async () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-against-'));
  const synthesized = synthesizeScenarios(outdir);
  const service = await startLocalScenarioService(SCENARIO_NAMES.map((scenario) => synthesized.bundles[scenario]));
  try {
    const env = {
      ...process.env,
      AWS_ENDPOINT_URL_LAMBDA: service.endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    };
    const args = ['--transpile-only', 'integ/run-against-aws.ts', '--region', 'us-east-1', '--stack', 'DurableParallelScenarios', '--poll-interval', '0.02'];
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(path.join(ROOT, 'node_modules', '.bin', 'ts-node'), args, { cwd: ROOT, env, timeout: 120_000 }, (error, out, err) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: `${out}\n${err}` }),
      );
    });
    if (code !== 0) {
      throw new Error(`run-against-aws exited ${code}:\n${stdout}`);
    }
    for (const scenario of SCENARIO_NAMES) {
      expect(stdout).toMatch(new RegExp(`^${scenario}\\s+(SUCCEEDED|FAILED)\\s.*PASS$`, 'm'));
    }
  } finally {
    await service.stop();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}, 180_000);
