/**
 * The integ app of the parallel scenarios: the stack under test, the assertion stack and the
 * `IntegTest` that ties them together. `integ.parallel-scenarios.ts` synthesizes it for the integ
 * runner and `cdk synth`; the local end-to-end run synthesizes it in-process to take each
 * scenario's bundle from the cloud assembly.
 *
 * @example
 * const app = new App({ outdir: 'cdk.out' });
 * const built = buildParallelScenariosApp(app);
 * app.synth();
 * built.scenarios.functionName('happy-path'); // 'DurableParallelScenarios-happy-path'
 */
import { Stack, type App } from 'aws-cdk-lib';
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { DEFAULT_STACK_NAME } from './catalog';
import { addDeployedScenarioAssertions, type DeployedScenarioAssertions } from './cloud/deployed-assertions';
import { ParallelScenariosStack } from './stacks/parallel-scenarios-stack';

/** The stacks and test of the integ app. */
export interface ParallelScenariosApp {
  readonly scenarios: ParallelScenariosStack;
  readonly assertionStack: Stack;
  readonly test: IntegTest;
  readonly deployedAssertions: DeployedScenarioAssertions;
}

/** Options of {@link buildParallelScenariosApp}. */
export interface ParallelScenariosAppOptions {
  /** The name of the stack under test; the function names derive from it. Default `DurableParallelScenarios`. */
  readonly stackName?: string;
}

/** Adds the scenario stack, the assertion stack and the IntegTest to `app`. */
export function buildParallelScenariosApp(app: App, options: ParallelScenariosAppOptions = {}): ParallelScenariosApp {
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  const scenarios = new ParallelScenariosStack(app, stackName);
  const assertionStack = new Stack(app, `${stackName}Assertions`);
  const test = new IntegTest(app, 'ParallelScenarios', {
    testCases: [scenarios],
    assertionStack,
    // Deploying the previous snapshot first would need its bundles; the snapshot is compared offline instead.
    stackUpdateWorkflow: false,
  });
  const deployedAssertions = addDeployedScenarioAssertions(test.assertions, assertionStack, scenarios);
  return { scenarios, assertionStack, test, deployedAssertions };
}
