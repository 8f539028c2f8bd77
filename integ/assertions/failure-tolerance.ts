/**
 * Scenario 3, failure tolerance: parallel `tolerance` over `ok1`, `bad1`, `ok2`, `bad2`, `ok3`
 * with `toleratedFailureCount: 1`; the workflow does not catch.
 *
 * Must hold: FAILED; the execution's error names `ParallelError` (type or message); at least 2
 * branch ContextFailed events (only `bad` branches) and a ContextFailed for the parent `tolerance`.
 *
 * @example
 * const report = await assertFailureTolerance(client, 'DurableParallelScenarios-failure-tolerance:live');
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { CheckList, show } from './checks';
import { eventsOf, namesOf } from './history';
import { runScenario, type ScenarioAssertion, type ScenarioReport, type ScenarioRunOptions } from './scenario';

const FAILING_BRANCHES = ['bad1', 'bad2'];

/** The failure-tolerance facts. */
export const failureTolerance: ScenarioAssertion = {
  scenario: 'failure-tolerance',
  expectedStatus: 'FAILED',
  check({ execution, history }) {
    const error = execution.error;
    const namesParallelError =
      error?.ErrorType === 'ParallelError' || (error?.ErrorMessage ?? '').includes('ParallelError');
    const branchFailures = eventsOf(history, 'ContextFailed', { subType: 'ParallelBranch' });
    const parentFailures = eventsOf(history, 'ContextFailed', { name: 'tolerance', subType: 'Parallel' });
    return new CheckList()
      .that('the execution error names ParallelError', namesParallelError, `error ${show(error)}`)
      .atLeast('at least 2 branch ContextFailed events', branchFailures.length, 2)
      .that(
        'only the bad branches failed',
        namesOf(branchFailures).every((name) => FAILING_BRANCHES.includes(name)),
        `failed branches ${show(namesOf(branchFailures))}`,
      )
      .equal('a ContextFailed for the parent tolerance', parentFailures.length, 1).all;
  },
};

/** Runs and checks the failure-tolerance scenario through `functionName` (qualified). */
export function assertFailureTolerance(
  client: LambdaClient,
  functionName: string,
  options?: ScenarioRunOptions,
): Promise<ScenarioReport> {
  return runScenario(client, functionName, failureTolerance, options);
}
