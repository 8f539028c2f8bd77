/**
 * The deployed test of each scenario, as integ-tests assertions in the assertion stack:
 *
 * 1. start an execution through the scenario's `live` alias with a DurableExecutionName
 *    (`Lambda.invoke`, `InvocationType: 'Event'`, so the 2-minute limit of the assertion provider
 *    never applies to the execution itself);
 * 2. poll `Lambda.getDurableExecution` with `waitForAssertions` until the status is the expected
 *    terminal one;
 * 3. invoke the checker function, which reads the execution and its full history back and runs
 *    the scenario's assertion module, the very code the local run uses; its reply must say
 *    `passed: true`, and the reply lists every check that failed.
 *
 * Execution names end with the assertion stack's own id, so every deployment of the test starts
 * fresh executions even though the function names never change.
 *
 * @example
 * const integ = new IntegTest(app, 'ParallelScenarios', { testCases: [stack], assertionStack });
 * addDeployedScenarioAssertions(integ.assertions, assertionStack, stack);
 */
import { ArnFormat, Aws, Duration, Fn, Stack } from 'aws-cdk-lib';
import { ExpectedResult, Match, type IApiCall, type IDeployAssert } from '@aws-cdk/integ-tests-alpha';
import { SCENARIO_NAMES, type ScenarioName } from '../catalog';
import { SCENARIO_ASSERTIONS } from '../assertions';
import type { ParallelScenariosStack } from '../stacks/parallel-scenarios-stack';
import { ScenarioCheckerFunction } from './checker-function';

/** How long the deployed test waits for one execution to end. */
const EXECUTION_WAIT = Duration.minutes(5);
/** Pause between two getDurableExecution polls. */
const POLL_INTERVAL = Duration.seconds(5);

/** The three chained assertion calls of one scenario. */
export interface DeployedScenarioAssertion {
  readonly start: IApiCall;
  readonly waitForEnd: IApiCall;
  readonly check: IApiCall;
}

/** What {@link addDeployedScenarioAssertions} added. */
export interface DeployedScenarioAssertions {
  /** The function that runs the assertion modules on the deployed executions. */
  readonly checker: ScenarioCheckerFunction;
  readonly scenarios: Record<ScenarioName, DeployedScenarioAssertion>;
}

/**
 * The orderId the deployed test starts a scenario with.
 *
 * @example
 * deployedOrderId('happy-path'); // 'integ-happy-path'
 */
export function deployedOrderId(scenario: ScenarioName): string {
  return `integ-${scenario}`;
}

/**
 * Adds the start → wait → check chain for every scenario of `scenarios` to `assertions`, with the
 * checker function in `assertionStack`.
 */
export function addDeployedScenarioAssertions(
  assertions: IDeployAssert,
  assertionStack: Stack,
  scenarios: ParallelScenariosStack,
): DeployedScenarioAssertions {
  // The deterministic names are plain strings, so the assertion stack needs an explicit order.
  assertionStack.addDependency(scenarios);
  const checker = new ScenarioCheckerFunction(assertionStack, 'ScenarioChecker', {
    functionNames: SCENARIO_NAMES.map((scenario) => scenarios.functionName(scenario)),
  });
  // The stack id's UUID part: unique per deployment, and a valid DurableExecutionName fragment.
  const deploymentId = Fn.select(2, Fn.split('/', Aws.STACK_ID));

  const chains: Partial<Record<ScenarioName, DeployedScenarioAssertion>> = {};
  for (const scenario of SCENARIO_NAMES) {
    const functionName = scenarios.qualifiedFunctionName(scenario);
    const executionName = Fn.join('-', [scenario, deploymentId]);
    const orderId = deployedOrderId(scenario);

    const start = assertions.awsApiCall('Lambda', 'invoke', {
      FunctionName: functionName,
      InvocationType: 'Event',
      DurableExecutionName: executionName,
      Payload: JSON.stringify({ orderId }),
    });
    // The call is named `invoke` but the IAM action is `lambda:InvokeFunction`, on the alias.
    start.provider.addToRolePolicy({
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction'],
      Resource: [
        assertionStack.formatArn({
          service: 'lambda',
          resource: 'function',
          resourceName: functionName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    });
    const executionArn = start.getAttString('DurableExecutionArn');

    const waitForEnd = assertions
      .awsApiCall('Lambda', 'getDurableExecution', { DurableExecutionArn: executionArn })
      .expect(ExpectedResult.objectLike({ Status: SCENARIO_ASSERTIONS[scenario].expectedStatus }))
      .waitForAssertions({ totalTimeout: EXECUTION_WAIT, interval: POLL_INTERVAL, backoffRate: 1 });

    const check = assertions
      .invokeFunction({
        functionName: checker.function.functionName,
        // Plain JSON.stringify on purpose: the tokens (ARN, name) stay embedded in one string that
        // the provider encodes once more; Stack.toJsonString would resolve to an unescaped Fn::Join.
        payload: JSON.stringify({ scenario, executionArn, executionName, orderId }),
      })
      .expect(ExpectedResult.objectLike({ Payload: Match.serializedJson({ scenario, passed: true }) }));

    start.next(waitForEnd).next(check);
    chains[scenario] = { start, waitForEnd, check };
  }
  return { checker, scenarios: chains as Record<ScenarioName, DeployedScenarioAssertion> };
}
