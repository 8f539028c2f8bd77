/**
 * Scenario 4, first successful: parallel `race` with `firstSuccessful()` over `slowest` (8 s),
 * `fastest` (1 s), `mid1` (5 s) and `mid2` (6 s) durable waits.
 *
 * Must hold: SUCCEEDED; the winner is `fastest` (index 1); reason MIN_SUCCESSFUL_REACHED;
 * successCount 1; startedCount 3; the execution finishes long before the 8 s wait would — checked
 * as under 5 s of service time (before even the second-shortest wait could end) and, independent
 * of timing, by only the `fastest` branch's wait having elapsed; ContextSucceeded for `race` and
 * for `fastest`.
 *
 * @example
 * const report = await assertFirstSuccessful(client, 'DurableParallelScenarios-first-successful:live');
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { CheckList, show } from './checks';
import { countOf, eventsOf } from './history';
import { runScenario, type ScenarioAssertion, type ScenarioReport, type ScenarioRunOptions } from './scenario';

/** Service-time bound on the execution: the second-shortest branch waits 5 s. */
export const FIRST_SUCCESSFUL_MAX_DURATION_MS = 5_000;

/** The first-successful facts. */
export const firstSuccessful: ScenarioAssertion = {
  scenario: 'first-successful',
  expectedStatus: 'SUCCEEDED',
  check({ execution, history }) {
    const result = typeof execution.result === 'object' && execution.result !== null ? execution.result : {};
    const { winnerIndex, winnerName, completionReason, successCount, startedCount } = result as Record<string, unknown>;
    const duration =
      execution.startTimestamp && execution.endTimestamp
        ? execution.endTimestamp.getTime() - execution.startTimestamp.getTime()
        : Number.POSITIVE_INFINITY;
    const fastest = eventsOf(history, 'ContextStarted', { name: 'fastest', subType: 'ParallelBranch' })[0];
    const waitsDone = eventsOf(history, 'WaitSucceeded');
    return new CheckList()
      .equal('the winner is fastest', winnerName, 'fastest')
      .equal('the winner has index 1', winnerIndex, 1)
      .equal('completion reason MIN_SUCCESSFUL_REACHED', completionReason, 'MIN_SUCCESSFUL_REACHED')
      .equal('successCount is 1', successCount, 1)
      .equal('startedCount is 3', startedCount, 3)
      .below(
        `finished within ${FIRST_SUCCESSFUL_MAX_DURATION_MS} ms of service time (long before the 8 s wait)`,
        duration,
        FIRST_SUCCESSFUL_MAX_DURATION_MS,
      )
      .that(
        "only fastest's wait elapsed",
        fastest?.Id !== undefined && waitsDone.length === 1 && waitsDone[0].ParentId === fastest.Id,
        `${waitsDone.length} WaitSucceeded under ${show(waitsDone.map((w) => w.ParentId?.slice(0, 8)))}; fastest is ${fastest?.Id?.slice(0, 8)}`,
      )
      .equal('ContextSucceeded for race', countOf(history, 'ContextSucceeded', { name: 'race', subType: 'Parallel' }), 1)
      .equal(
        'ContextSucceeded for fastest',
        countOf(history, 'ContextSucceeded', { name: 'fastest', subType: 'ParallelBranch' }),
        1,
      ).all;
  },
};

/** Runs and checks the first-successful scenario through `functionName` (qualified). */
export function assertFirstSuccessful(
  client: LambdaClient,
  functionName: string,
  options?: ScenarioRunOptions,
): Promise<ScenarioReport> {
  return runScenario(client, functionName, firstSuccessful, options);
}
