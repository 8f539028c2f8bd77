/**
 * The six integ scenarios as the replay gate sees them: each is run on the local service from the
 * bundle the construct put in the synthesized integ app, its history is exported through the
 * durable-execution API into the saved-history format, and replayed against that same current
 * bundle — every one must replay as compatible, without running a step function, reaching every
 * recorded operation it is expected to reach (the first-successful scenario leaves branches
 * unfinished, and those are not).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SCENARIO_NAMES } from '../../../integ/catalog';
import { synthesizeScenarios, type SynthesizedScenarios } from '../../../integ/local-backend/assembly';
import { runScenarioLocally, startLocalScenarioService } from '../../../integ/local-backend/run-locally';
import { formatReplayReports, replayHistories } from '../../../local/replay';
import { exportHistory } from '../../../local/replay/export-history';

jest.setTimeout(300_000);

let outdir: string;
let synthesized: SynthesizedScenarios;

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-scenarios-'));
  synthesized = synthesizeScenarios(path.join(outdir, 'cdk.out'));
}, 120_000);

afterAll(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
});

test('every scenario history replays as compatible against the current bundle', async () => {
  const histories = new Map<string, string>();
  const service = await startLocalScenarioService(SCENARIO_NAMES.map((name) => synthesized.bundles[name]));
  try {
    for (const scenario of SCENARIO_NAMES) {
      const report = await runScenarioLocally(service, scenario);
      expect(report.executionArn).toBeDefined();
      const file = path.join(outdir, `${scenario}.json`);
      fs.writeFileSync(file, await exportHistory(service.client, report.executionArn as string, { virtualClock: true }));
      histories.set(scenario, file);
    }
  } finally {
    await service.stop();
  }
  for (const scenario of SCENARIO_NAMES) {
    const bundle = synthesized.bundles[scenario];
    const reports = await replayHistories({ bundle: bundle.bundleFile, handler: bundle.handlerExport, histories: [histories.get(scenario) as string] });
    if (reports[0].verdict !== 'compatible') throw new Error(`${scenario}:\n${formatReplayReports(reports)}`);
    expect(reports[0].recordedOperations).toBeGreaterThan(3);
    // The runtime reported what it reached: every recorded operation was reached or answered from the recording.
    expect(reports[0].warnings).toEqual([]);
  }
});
