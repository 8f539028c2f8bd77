/**
 * The conformance requirements as jest tests: one test per requirement file, all run on one local
 * durable-execution service before the tests. Each test's name carries the verdict the
 * requirement must get — PASS, DIVERGENT (declared in divergences.ts) or PARTIAL (holds keys the
 * runner cannot check) — and fails on any other verdict. The full report and its closing
 * `N passed, N failed, …` line are printed after the run.
 *
 * The requirements folder is `$CONFORMANCE_DIR`, else the data vendored in `test/conformance/data`.
 */
import { declaredDivergences } from './divergences';
import { formatReport, RequirementReport } from './report';
import { defaultRequirementsDir, loadRequirements, Requirement } from './requirement';
import { runConformance, uncheckedExpectations } from './runner';
import type { VerdictStatus } from './verdict';

const dir = defaultRequirementsDir();
const requirements = loadRequirements(dir);
let reports: ReadonlyMap<string, RequirementReport> = new Map();

beforeAll(async () => {
  const list = await runConformance({ dir });
  reports = new Map(list.map((r) => [r.id, r]));
  process.stdout.write(`\nConformance (${dir}):\n${formatReport(list)}`);
}, 600_000);

test('the requirements folder holds requirements', () => {
  expect(requirements.length).toBeGreaterThan(0);
});

/** The verdict a requirement must get: known before the run from its declarations and keys. */
function requiredStatus(r: Requirement): VerdictStatus {
  if (declaredDivergences(r.id).length > 0) return 'DIVERGENT';
  if (uncheckedExpectations(r).length > 0) return 'PARTIAL';
  return 'PASS';
}

const cases = requirements.map((r) => [r.id, requiredStatus(r), r.description] as const);

test.each(cases)('%s %s: %s', (id, required) => {
  const report = reports.get(id);
  if (!report) throw new Error(`requirement ${id} was not run`);
  const { status, failures } = report.verdict;
  if (status === 'FAIL') {
    throw new Error(`${id} FAIL\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  }
  expect(status).toBe(required);
});
