/**
 * The assertion modules of the six parallel scenarios, by scenario name.
 *
 * @example
 * import { LambdaClient } from '@aws-sdk/client-lambda';
 * const client = new LambdaClient({ endpoint: svc.endpoint, region: 'us-east-1' });
 * const report = await runScenario(client, 'DurableParallelScenarios-happy-path:live', SCENARIO_ASSERTIONS['happy-path']);
 */
import type { ScenarioName } from '../catalog';
import { failureTolerance } from './failure-tolerance';
import { firstSuccessful } from './first-successful';
import { happyPath } from './happy-path';
import { maxConcurrency } from './max-concurrency';
import { partialFailure } from './partial-failure';
import { replayDeterminism } from './replay-determinism';
import type { ScenarioAssertion } from './scenario';

/** Every scenario's assertion, by name. */
export const SCENARIO_ASSERTIONS: Readonly<Record<ScenarioName, ScenarioAssertion>> = {
  'happy-path': happyPath,
  'partial-failure': partialFailure,
  'failure-tolerance': failureTolerance,
  'first-successful': firstSuccessful,
  'max-concurrency': maxConcurrency,
  'replay-determinism': replayDeterminism,
};

export { assertFailureTolerance } from './failure-tolerance';
export { assertFirstSuccessful } from './first-successful';
export { assertHappyPath } from './happy-path';
export { assertMaxConcurrency } from './max-concurrency';
export { assertPartialFailure } from './partial-failure';
export { assertReplayDeterminism } from './replay-determinism';
export { CheckList, type Check } from './checks';
export * from './execution';
export * from './format';
export * from './history';
export * from './scenario';
