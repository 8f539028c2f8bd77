/**
 * The stack under test: one `DurableFunction` per parallel scenario, each with a deterministic
 * name (`<stack name>-<scenario>`) and its `live` alias, plus one output per scenario holding the
 * alias-qualified name to invoke.
 *
 * @example
 * const app = new App();
 * const stack = new ParallelScenariosStack(app, 'DurableParallelScenarios');
 * stack.functionName('happy-path');          // 'DurableParallelScenarios-happy-path'
 * stack.qualifiedFunctionName('happy-path'); // 'DurableParallelScenarios-happy-path:live'
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DurableFunction } from '../../lib';
import {
  SCENARIO_ALIAS,
  SCENARIO_NAMES,
  qualifiedFunctionName,
  scenarioEntry,
  scenarioFunctionName,
  type ScenarioName,
} from '../catalog';

/** Total durable time any scenario may take; the longest needs about 8 s. */
const EXECUTION_TIMEOUT = Duration.minutes(15);
/** One invocation replays and runs a handful of operations; this leaves room for a cold start. */
const INVOCATION_TIMEOUT = Duration.seconds(30);
/** Finished executions are only read right after the test, so the shortest retention will do. */
const RETENTION_PERIOD = Duration.days(1);

/**
 * `happy-path` → `HappyPath`, for construct ids and output names.
 *
 * @example
 * pascalCase('first-successful'); // 'FirstSuccessful'
 */
export function pascalCase(scenario: ScenarioName): string {
  return scenario
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The six scenario functions. */
export class ParallelScenariosStack extends Stack {
  /** Each scenario's function, by scenario name. */
  public readonly functions: Readonly<Record<ScenarioName, DurableFunction>>;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const functions: Partial<Record<ScenarioName, DurableFunction>> = {};
    for (const scenario of SCENARIO_NAMES) {
      const fn = new DurableFunction(this, pascalCase(scenario), {
        entry: scenarioEntry(scenario),
        functionName: this.functionName(scenario),
        description: `Durable parallel scenario: ${scenario}`,
        timeout: INVOCATION_TIMEOUT,
        executionTimeout: EXECUTION_TIMEOUT,
        retentionPeriod: RETENTION_PERIOD,
        aliasName: SCENARIO_ALIAS,
      });
      new CfnOutput(this, `${pascalCase(scenario)}Function`, {
        description: `Invoke the ${scenario} scenario through this alias-qualified name`,
        value: `${fn.functionName}:${fn.alias.aliasName}`,
      });
      functions[scenario] = fn;
    }
    this.functions = functions as Record<ScenarioName, DurableFunction>;
  }

  /** The deployed (unqualified) function name of a scenario. */
  public functionName(scenario: ScenarioName): string {
    return scenarioFunctionName(this.stackName, scenario);
  }

  /** The alias-qualified name a scenario is invoked through. */
  public qualifiedFunctionName(scenario: ScenarioName): string {
    return qualifiedFunctionName(this.stackName, scenario);
  }
}
