/**
 * Scenario 5, max concurrency: parallel `throttled`, `maxConcurrency: 2`, `allCompleted()`, six
 * branches `b0`…`b5` that each wait 2 s durably and return `Date.now()`.
 *
 * Must hold: SUCCEEDED; successCount 6; the six timestamps form three waves of two about 2 s
 * apart: at most 2 within 1.5 s of the earliest, a total span of at least 3.5 s, and — grouping
 * timestamps closer than 1 s — three groups of two whose starts are at least 1.5 s apart. The
 * history never shows more than 2 branches open at once.
 *
 * @example
 * const report = await assertMaxConcurrency(client, 'DurableParallelScenarios-max-concurrency:live');
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { CheckList, show } from './checks';
import { countOf, eventsOf, maxOpenChildren } from './history';
import { runScenario, type ScenarioAssertion, type ScenarioReport, type ScenarioRunOptions } from './scenario';

/** Timestamps closer than this belong to the same wave. */
const WAVE_GAP_MS = 1_000;

/**
 * Groups sorted timestamps into waves: a new wave starts wherever the gap to the previous
 * timestamp is at least `gapMs`.
 *
 * @example
 * waves([0, 10, 2000, 2005, 4000, 4001], 1000); // [[0, 10], [2000, 2005], [4000, 4001]]
 */
export function waves(timestamps: readonly number[], gapMs: number = WAVE_GAP_MS): number[][] {
  const sorted = [...timestamps].sort((a, b) => a - b);
  const groups: number[][] = [];
  for (const ts of sorted) {
    const current = groups[groups.length - 1];
    if (current && ts - current[current.length - 1] < gapMs) {
      current.push(ts);
    } else {
      groups.push([ts]);
    }
  }
  return groups;
}

/** The max-concurrency facts. */
export const maxConcurrency: ScenarioAssertion = {
  scenario: 'max-concurrency',
  expectedStatus: 'SUCCEEDED',
  check({ execution, history }) {
    const result = (typeof execution.result === 'object' && execution.result !== null ? execution.result : {}) as Record<
      string,
      unknown
    >;
    const raw = Array.isArray(result.timestamps) ? (result.timestamps as unknown[]) : [];
    const timestamps = raw.filter((ts): ts is number => typeof ts === 'number');
    const earliest = Math.min(...timestamps);
    const span = Math.max(...timestamps) - earliest;
    const relative = [...timestamps].sort((a, b) => a - b).map((ts) => ts - earliest);
    const groups = waves(timestamps);
    const starts = groups.map((group) => group[0]);
    const startGaps = starts.slice(1).map((start, index) => start - starts[index]);
    const parent = eventsOf(history, 'ContextStarted', { name: 'throttled', subType: 'Parallel' })[0];
    return new CheckList()
      .equal('successCount is 6', result.successCount, 6)
      .that('six numeric timestamps', raw.length === 6 && timestamps.length === 6, `got ${show(raw)}`)
      .atMost(
        'at most 2 timestamps within 1.5 s of the earliest',
        timestamps.filter((ts) => ts - earliest <= 1_500).length,
        2,
      )
      .atLeast('timestamps span at least 3.5 s', span, 3_500)
      .equal(
        'three waves of two',
        groups.map((group) => group.length),
        [2, 2, 2],
      )
      .that(
        'waves start at least 1.5 s apart',
        startGaps.length === 2 && startGaps.every((gap) => gap >= 1_500),
        `offsets from the earliest ${show(relative)}; gaps between waves ${show(startGaps)}`,
      )
      .equal('6 branch ContextSucceeded', countOf(history, 'ContextSucceeded', { subType: 'ParallelBranch' }), 6)
      .atMost('never more than 2 branches open at once', parent?.Id ? maxOpenChildren(history, parent.Id) : 99, 2)
      .all;
  },
};

/** Runs and checks the max-concurrency scenario through `functionName` (qualified). */
export function assertMaxConcurrency(
  client: LambdaClient,
  functionName: string,
  options?: ScenarioRunOptions,
): Promise<ScenarioReport> {
  return runScenario(client, functionName, maxConcurrency, options);
}
