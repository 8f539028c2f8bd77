/**
 * The six parallel scenarios end to end on the local durable-execution service: the integ app is
 * synthesized, each scenario's bundle is taken from the cloud assembly (the bytes a deployment
 * would upload), registered on the service, and checked by its assertion module through a
 * `LambdaClient` pointed at the service. A failing scenario prints its report and full history.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SCENARIO_NAMES, type ScenarioName } from '../../integ/catalog';
import { formatReport, type ScenarioReport } from '../../integ/assertions';
import { synthesizeScenarios, type SynthesizedScenarios } from '../../integ/local-backend/assembly';
import {
  runScenarioLocally,
  startLocalScenarioService,
  type LocalScenarioService,
} from '../../integ/local-backend/run-locally';
import type { CheckerResponse } from '../../integ/cloud/checker-handler';

let outdir: string;
let synthesized: SynthesizedScenarios;

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'scenarios-local-'));
  synthesized = synthesizeScenarios(outdir);
}, 120_000);

afterAll(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
});

/** Fails the test with the whole report (checks and history) unless every check passed. */
function expectPassed(report: ScenarioReport): void {
  if (!report.passed) {
    throw new Error(`Scenario ${report.scenario} failed:\n${formatReport(report, { withHistory: true })}`);
  }
}

/** Runs the deployed checker's bundle in its own Node process against the local service. */
function runChecker(service: LocalScenarioService, report: ScenarioReport): Promise<CheckerResponse> {
  const request = {
    scenario: report.scenario,
    executionArn: report.executionArn,
    executionName: report.executionName,
    orderId: report.input.orderId,
  };
  const script =
    `require(${JSON.stringify(synthesized.checkerBundleFile)}).handler(${JSON.stringify(request)})` +
    '.then((r) => process.stdout.write(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });';
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL_LAMBDA: service.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script], { env, timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as CheckerResponse),
    );
  });
}

test('every scenario bundle is a file asset of the synthesized assembly', () => {
  for (const scenario of SCENARIO_NAMES) {
    const bundle = synthesized.bundles[scenario];
    expect(path.dirname(bundle.assetDir)).toBe(synthesized.assemblyDir);
    expect(path.basename(bundle.assetDir)).toMatch(/^asset\.[0-9a-f]{64}$/);
    expect(fs.statSync(bundle.bundleFile).size).toBeGreaterThan(0);
    expect(bundle.functionName).toBe(`DurableParallelScenarios-${scenario}`);
  }
  expect(new Set(SCENARIO_NAMES.map((scenario) => synthesized.bundles[scenario].assetDir)).size).toBe(SCENARIO_NAMES.length);
});

describe('on the virtual clock', () => {
  let service: LocalScenarioService;
  const reports = new Map<ScenarioName, ScenarioReport>();

  beforeAll(async () => {
    service = await startLocalScenarioService(SCENARIO_NAMES.map((scenario) => synthesized.bundles[scenario]));
  });

  afterAll(async () => {
    await service?.stop();
  });

  test.each(SCENARIO_NAMES)('%s holds every fact of the scenario table', async (scenario) => {
    const report = await runScenarioLocally(service, scenario);
    reports.set(scenario, report);
    expectPassed(report);
    // The history was read over several pages, and the run took more than zero invocations and operations.
    expect(report.historyPages).toBeGreaterThan(1);
    expect(report.invocationCount).toBeGreaterThan(0);
    expect(report.operationCount).toBeGreaterThan(0);
  });

  test('the deployed checker function, run from its bundle, passes the same executions', async () => {
    expect(reports.size).toBe(SCENARIO_NAMES.length);
    for (const report of reports.values()) {
      const response = await runChecker(service, report);
      expect({ scenario: response.scenario, passed: response.passed, failedChecks: response.failedChecks }).toEqual({
        scenario: report.scenario,
        passed: true,
        failedChecks: [],
      });
      expect(response.checksTotal).toBe(report.checks.length - 1); // all but the start check, which only the runner sees
    }
  });
});

describe('with a fresh process per invocation', () => {
  test('replay-determinism holds when nothing survives in memory between invocations', async () => {
    const service = await startLocalScenarioService([synthesized.bundles['replay-determinism']], {
      freshProcessPerInvocation: true,
    });
    try {
      const report = await runScenarioLocally(service, 'replay-determinism');
      expectPassed(report);
    } finally {
      await service.stop();
    }
  });
});

describe('on the real clock', () => {
  test('first-successful holds with real waits', async () => {
    const service = await startLocalScenarioService([synthesized.bundles['first-successful']], { clock: 'real' });
    try {
      const report = await runScenarioLocally(service, 'first-successful');
      expectPassed(report);
    } finally {
      await service.stop();
    }
  });
});
