/**
 * The six parallel scenarios: names, workflow files and how their functions are named.
 *
 * Function names are derived from the stack name (`<stack>-<scenario>`) instead of being generated
 * by CloudFormation, so anything that only holds a Lambda client (the cloud runner, the checker
 * function) can find a deployed scenario without reading the stack.
 *
 * @example
 * scenarioFunctionName('DurableParallelScenarios', 'happy-path'); // 'DurableParallelScenarios-happy-path'
 * qualifiedFunctionName('DurableParallelScenarios', 'happy-path'); // 'DurableParallelScenarios-happy-path:live'
 */
import * as path from 'node:path';

/** Every scenario, in the order of the scenario table. */
export const SCENARIO_NAMES = [
  'happy-path',
  'partial-failure',
  'failure-tolerance',
  'first-successful',
  'max-concurrency',
  'replay-determinism',
] as const;

/** One of the six scenario names. */
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** The stack name the integ app deploys the scenarios under. */
export const DEFAULT_STACK_NAME = 'DurableParallelScenarios';

/** The alias every scenario is invoked through. */
export const SCENARIO_ALIAS = 'live';

/** Lambda's limit on function names. */
const MAX_FUNCTION_NAME_LENGTH = 64;

/** Thrown for a name that is not one of the six scenarios. */
export class UnknownScenarioError extends Error {
  constructor(name: string) {
    super(`Unknown scenario "${name}". Use one of: ${SCENARIO_NAMES.join(', ')}.`);
    this.name = 'UnknownScenarioError';
  }
}

/** Thrown when a stack name or prefix would produce an invalid Lambda function name. */
export class InvalidFunctionNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidFunctionNameError';
  }
}

/**
 * Narrows a string to a scenario name.
 *
 * @example
 * parseScenarioName('happy-path'); // 'happy-path'
 * parseScenarioName('nope');       // throws UnknownScenarioError
 */
export function parseScenarioName(name: string): ScenarioName {
  const found = SCENARIO_NAMES.find((candidate) => candidate === name);
  if (!found) {
    throw new UnknownScenarioError(name);
  }
  return found;
}

/**
 * The absolute path of a scenario's workflow file.
 *
 * @example
 * scenarioEntry('max-concurrency'); // '/…/integ/scenarios/max-concurrency.ts'
 */
export function scenarioEntry(scenario: ScenarioName): string {
  return path.join(__dirname, 'scenarios', `${scenario}.ts`);
}

/**
 * The deployed function name of a scenario: `<prefix>-<scenario>`.
 *
 * @example
 * scenarioFunctionName('DurableParallelScenarios', 'replay-determinism');
 * // 'DurableParallelScenarios-replay-determinism'
 */
export function scenarioFunctionName(prefix: string, scenario: ScenarioName): string {
  const name = `${prefix}-${scenario}`;
  if (!/^[a-zA-Z0-9-_]+$/.test(prefix)) {
    throw new InvalidFunctionNameError(
      `Function name prefix "${prefix}" may only contain letters, digits, "-" and "_"; pass a stack name like "${DEFAULT_STACK_NAME}".`,
    );
  }
  if (name.length > MAX_FUNCTION_NAME_LENGTH) {
    throw new InvalidFunctionNameError(
      `Function name "${name}" is ${name.length} characters; Lambda allows ${MAX_FUNCTION_NAME_LENGTH}. Use a prefix of at most ${MAX_FUNCTION_NAME_LENGTH - scenario.length - 1} characters.`,
    );
  }
  return name;
}

/**
 * The alias-qualified function name a scenario is invoked through.
 *
 * @example
 * qualifiedFunctionName('DurableParallelScenarios', 'happy-path'); // 'DurableParallelScenarios-happy-path:live'
 */
export function qualifiedFunctionName(prefix: string, scenario: ScenarioName): string {
  return `${scenarioFunctionName(prefix, scenario)}:${SCENARIO_ALIAS}`;
}
