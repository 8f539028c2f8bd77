/**
 * Scenario 1, happy path: parallel `fanout` over `alpha`, `beta`, `gamma`, all succeed.
 *
 * Must hold: SUCCEEDED; the result lists the three values in branch order; exactly 4
 * ContextStarted and 4 ContextSucceeded (parent + 3 branches) named fanout, alpha, beta, gamma;
 * no ContextFailed.
 *
 * @example
 * const report = await assertHappyPath(client, 'DurableParallelScenarios-happy-path:live');
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { CheckList } from './checks';
import { countOf, eventsOf, namesOf } from './history';
import { runScenario, type ScenarioAssertion, type ScenarioReport, type ScenarioRunOptions } from './scenario';

const CONTEXT_NAMES = ['alpha', 'beta', 'fanout', 'gamma'];

/** The happy-path facts. */
export const happyPath: ScenarioAssertion = {
  scenario: 'happy-path',
  expectedStatus: 'SUCCEEDED',
  check({ execution, history }, input) {
    const started = eventsOf(history, 'ContextStarted');
    const succeeded = eventsOf(history, 'ContextSucceeded');
    const parent = eventsOf(history, 'ContextStarted', { name: 'fanout', subType: 'Parallel' })[0];
    const branches = eventsOf(history, 'ContextStarted', { subType: 'ParallelBranch' });
    return new CheckList()
      .equal('result lists the branch values in branch order', execution.result, [
        `alpha-${input.orderId}`,
        `beta-${input.orderId}`,
        `gamma-${input.orderId}`,
      ])
      .equal('exactly 4 ContextStarted (parent + 3 branches)', started.length, 4)
      .equal('exactly 4 ContextSucceeded (parent + 3 branches)', succeeded.length, 4)
      .equal('ContextStarted names are fanout, alpha, beta, gamma', namesOf(started).sort(), CONTEXT_NAMES)
      .equal('ContextSucceeded names are fanout, alpha, beta, gamma', namesOf(succeeded).sort(), CONTEXT_NAMES)
      .equal('no ContextFailed', countOf(history, 'ContextFailed'), 0)
      .that(
        'the three branches are children of fanout',
        parent?.Id !== undefined && branches.length === 3 && branches.every((b) => b.ParentId === parent.Id),
        `fanout id ${parent?.Id}; branch parents ${branches.map((b) => b.ParentId).join(', ')}`,
      ).all;
  },
};

/** Runs and checks the happy-path scenario through `functionName` (qualified, e.g. `name:live`). */
export function assertHappyPath(
  client: LambdaClient,
  functionName: string,
  options?: ScenarioRunOptions,
): Promise<ScenarioReport> {
  return runScenario(client, functionName, happyPath, options);
}
