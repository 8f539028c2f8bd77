/**
 * Scenario 2, partial failure: parallel `partial` with `allCompleted()`; `boom` throws
 * "intentional partial failure", `ok1` and `ok2` succeed.
 *
 * Must hold: SUCCEEDED; successCount 2, failureCount 1; the error summary contains the message;
 * 4 ContextStarted, 3 ContextSucceeded, 1 ContextFailed named `boom` whose error message contains it.
 *
 * @example
 * const report = await assertPartialFailure(client, 'DurableParallelScenarios-partial-failure:live');
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { CheckList } from './checks';
import { countOf, errorOf, eventsOf } from './history';
import { runScenario, type ScenarioAssertion, type ScenarioReport, type ScenarioRunOptions } from './scenario';

const MESSAGE = 'intentional partial failure';

/** The partial-failure facts. */
export const partialFailure: ScenarioAssertion = {
  scenario: 'partial-failure',
  expectedStatus: 'SUCCEEDED',
  check({ execution, history }) {
    const result = asRecord(execution.result);
    const failed = eventsOf(history, 'ContextFailed');
    return new CheckList()
      .equal('successCount is 2', result.successCount, 2)
      .equal('failureCount is 1', result.failureCount, 1)
      .contains('the error summary contains the message', JSON.stringify(result.errors), MESSAGE)
      .equal('exactly 4 ContextStarted', countOf(history, 'ContextStarted'), 4)
      .equal('exactly 3 ContextSucceeded', countOf(history, 'ContextSucceeded'), 3)
      .equal('exactly 1 ContextFailed, named boom', failed.map((event) => event.Name), ['boom'])
      .contains("boom's ContextFailed error message contains the message", errorOf(failed[0])?.ErrorMessage, MESSAGE)
      .all;
  },
};

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** Runs and checks the partial-failure scenario through `functionName` (qualified). */
export function assertPartialFailure(
  client: LambdaClient,
  functionName: string,
  options?: ScenarioRunOptions,
): Promise<ScenarioReport> {
  return runScenario(client, functionName, partialFailure, options);
}
