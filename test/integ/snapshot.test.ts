/**
 * The committed integ snapshot matches what the integ app synthesizes now, checked offline the
 * way CI does it (no credentials, no deployment): `integ-runner --language typescript --directory integ`.
 * A second run against a deliberately altered copy of the snapshot proves a drift is reported.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const INTEG_RUNNER = path.join(ROOT, 'node_modules', '.bin', 'integ-runner');
const SNAPSHOT = path.join(ROOT, 'integ', 'integ.parallel-scenarios.ts.snapshot');
const SCENARIO_TEMPLATE = 'DurableParallelScenarios.template.json';
// Synthesis type-checks and bundles seven functions; on a busy two-core machine that takes minutes.
const RUN_TIMEOUT_MS = 420_000;

interface RunResult {
  readonly code: number;
  readonly output: string;
}

function integRunner(args: readonly string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      INTEG_RUNNER,
      ['--language', 'typescript', ...args],
      { cwd, timeout: RUN_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: '0', ...extraEnv } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

describe('integ snapshot (offline)', () => {
  test(
    'integ-runner finds the committed snapshot unchanged',
    async () => {
      expect(fs.existsSync(path.join(SNAPSHOT, SCENARIO_TEMPLATE))).toBe(true);
      const run = await integRunner(['--directory', 'integ'], ROOT);
      if (run.code !== 0) {
        throw new Error(
          `integ-runner reported a snapshot difference (exit ${run.code}). Any change to the bundled runtime changes the ` +
            `scenario functions' Version logical ids, so runtime and construct changes need a refreshed snapshot:\n` +
            `  npx integ-runner --language typescript --directory integ --update-on-failed --dry-run\n\n${run.output}`,
        );
      }
      expect(run.output).toMatch(/UNCHANGED\s+integ\.parallel-scenarios/);
    },
    RUN_TIMEOUT_MS + 10_000,
  );

  test(
    'integ-runner reports a drift between the app and the snapshot',
    async () => {
      // A copy of the test whose snapshot says one scenario function has more memory than the app gives it.
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-drift-'));
      try {
        // `node -r ts-node/register` resolves ts-node from the test directory.
        fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
        fs.writeFileSync(
          path.join(dir, 'tsconfig.json'),
          JSON.stringify({ extends: path.join(ROOT, 'tsconfig.json'), include: ['*.ts'] }),
        );
        fs.writeFileSync(
          path.join(dir, 'integ.parallel-scenarios.ts'),
          `import ${JSON.stringify(path.join(ROOT, 'integ', 'integ.parallel-scenarios'))};\n`,
        );
        const copy = path.join(dir, 'integ.parallel-scenarios.ts.snapshot');
        fs.cpSync(SNAPSHOT, copy, { recursive: true });
        const templateFile = path.join(copy, SCENARIO_TEMPLATE);
        const template = JSON.parse(fs.readFileSync(templateFile, 'utf8')) as {
          Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
        };
        const happyPath = Object.values(template.Resources).find(
          (resource) => resource.Type === 'AWS::Lambda::Function' && resource.Properties.FunctionName === 'DurableParallelScenarios-happy-path',
        );
        expect(happyPath).toBeDefined();
        happyPath!.Properties.MemorySize = 4096;
        fs.writeFileSync(templateFile, JSON.stringify(template, null, 1));

        // Type-checking was done by the first test; transpiling only keeps this one quicker.
        const run = await integRunner(['--directory', dir], dir, { TS_NODE_TRANSPILE_ONLY: 'true' });
        expect(run.code).not.toBe(0);
        expect(run.output).toMatch(/CHANGED\s+integ\.parallel-scenarios/);
        expect(run.output).toContain('MemorySize');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    RUN_TIMEOUT_MS + 10_000,
  );
});
