import { formatSoakReport, runSoak, seededRandom } from '../../bench/soak/run-soak';

describe('soak: many executions under injected faults (fixed seed)', () => {
  it('loses, corrupts and duplicates no effect, and no invocation fails without a fault to explain it', async () => {
    const report = await runSoak({ executions: 60, seed: 7, mapSize: 50, faultRate: 0.6, crashRate: 0.3 });
    const summary = formatSoakReport(report);
    expect(report.executions).toBe(60);
    // Hundreds of faults, of every kind, and some of them did end invocations.
    expect(report.totalFaults).toBeGreaterThanOrEqual(200);
    for (const [kind, count] of Object.entries(report.faults)) {
      expect([kind, count > 0]).toEqual([kind, true]);
    }
    expect(report.failedInvocations).toBeGreaterThan(0);
    expect({ lost: report.lost, wrong: report.wrong, duplicated: report.duplicated, spurious: report.spuriousFailedInvocations, problems: report.problems }).toEqual({
      lost: 0,
      wrong: 0,
      duplicated: 0,
      spurious: 0,
      problems: [],
    });
    expect(summary).toMatch(/spurious failed invocations\s+0/);
  }, 120_000);

  it('draws the same faults from the same seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(first);
    expect(Array.from({ length: 5 }, seededRandom(43))).not.toEqual(first);
  });
});
