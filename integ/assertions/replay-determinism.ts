/**
 * Scenario 6, replay determinism: parallel `fanout` over `a`, `b`, `c`; each runs step
 * `generate` (a fresh random UUID), then waits `boundary` (2 s), then returns the UUID.
 *
 * Must hold: SUCCEEDED; the parallel is the first root operation (id "1") and the branch ids are
 * derived from it with indexes 1, 2, 3 ("<parent>-<n>"); exactly 3 StepSucceeded
 * named `generate` and no `generate` step started twice; 3 WaitSucceeded; at least 2
 * InvocationCompleted (it suspended and resumed); the returned UUIDs equal the step results in
 * the history, branch by branch.
 *
 * @example
 * const report = await assertReplayDeterminism(client, 'DurableParallelScenarios-replay-determinism:live');
 */
import { createHash } from 'node:crypto';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { CheckList, show } from './checks';
import { countOf, eventsOf, resultPayload } from './history';
import { runScenario, type ScenarioAssertion, type ScenarioReport, type ScenarioRunOptions } from './scenario';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BRANCHES = ['a', 'b', 'c'];

/**
 * An operation id under this project's scheme (runtime/ids.ts): the call path (`"<n>"` at the
 * root, `"<parentId>-<n>"` inside a context) while it is shorter than 12 characters, otherwise the
 * first 12 base64url characters of its sha256.
 *
 * @example
 * operationId(undefined, 1); // '1'
 */
export function operationId(parentId: string | undefined, counter: number): string {
  const path = parentId === undefined ? String(counter) : `${parentId}-${counter}`;
  return path.length < 12 ? path : createHash('sha256').update(path).digest('base64url').slice(0, 12);
}

/** The replay-determinism facts. */
export const replayDeterminism: ScenarioAssertion = {
  scenario: 'replay-determinism',
  expectedStatus: 'SUCCEEDED',
  check({ execution, history }) {
    const returned = Array.isArray(execution.result) ? (execution.result as unknown[]) : [];
    const parallelId = operationId(undefined, 1);
    const parent = eventsOf(history, 'ContextStarted', { name: 'fanout', subType: 'Parallel' })[0];
    const branchStarts = eventsOf(history, 'ContextStarted', { subType: 'ParallelBranch' });
    const branchIds = BRANCHES.map((name) => branchStarts.find((event) => event.Name === name)?.Id);
    const expectedIds = BRANCHES.map((_, index) => operationId(parallelId, index + 1));
    const generated = eventsOf(history, 'StepSucceeded', { name: 'generate' });
    const stepResults = branchIds.map((id) =>
      id === undefined ? undefined : resultPayload(eventsOf(history, 'StepSucceeded', { name: 'generate', parentId: id })[0]),
    );
    return new CheckList()
      .equal('the parallel fanout is the first root operation', parent?.Id, parallelId)
      .equal('branch ids are derived from the parallel id with indexes 1, 2, 3', branchIds, expectedIds)
      .equal('exactly 3 StepSucceeded named generate', generated.length, 3)
      .atMost('no generate step started twice', countOf(history, 'StepStarted', { name: 'generate' }), 3)
      .equal('exactly 3 WaitSucceeded', countOf(history, 'WaitSucceeded'), 3)
      .atLeast('at least 2 InvocationCompleted (suspended and resumed)', countOf(history, 'InvocationCompleted'), 2)
      .that(
        'three distinct UUIDs returned',
        returned.length === 3 && returned.every((id) => typeof id === 'string' && UUID.test(id)) && new Set(returned).size === 3,
        `got ${show(returned)}`,
      )
      .equal('the returned UUIDs equal the step results in the history, branch by branch', returned, stepResults).all;
  },
};

/** Runs and checks the replay-determinism scenario through `functionName` (qualified). */
export function assertReplayDeterminism(
  client: LambdaClient,
  functionName: string,
  options?: ScenarioRunOptions,
): Promise<ScenarioReport> {
  return runScenario(client, functionName, replayDeterminism, options);
}
