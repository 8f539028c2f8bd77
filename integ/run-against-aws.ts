/**
 * Runs the scenario assertion modules against the integ stack deployed in a real account — the
 * same checks the local run makes, through the real Lambda API.
 *
 * The scenario functions have deterministic names, `<stack name>-<scenario>`, so only a Lambda
 * client is needed (no CloudFormation lookups). Credentials come from the usual AWS SDK chain
 * (environment, profile, SSO, instance role); `AWS_ENDPOINT_URL_LAMBDA` points it at another
 * endpoint, such as a local durable-execution service.
 *
 * @example
 * // npx ts-node --transpile-only integ/run-against-aws.ts --region eu-west-1 --stack DurableParallelScenarios
 * // npx ts-node --transpile-only integ/run-against-aws.ts --region eu-west-1 --function-prefix MyPrefix --scenario happy-path
 */
import { parseArgs } from 'node:util';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SCENARIO_ASSERTIONS, formatReport, formatSummaryTable, runScenario, type ScenarioReport } from './assertions';
import { DEFAULT_STACK_NAME, SCENARIO_NAMES, parseScenarioName, qualifiedFunctionName, type ScenarioName } from './catalog';
import { exitWith } from '../local/exit-code';

const USAGE = `Usage: ts-node --transpile-only integ/run-against-aws.ts --region <region> [options]

  --region <region>          AWS region the stack is deployed in (or AWS_REGION)
  --stack <name>             stack name; functions are <name>-<scenario> (default ${DEFAULT_STACK_NAME})
  --function-prefix <prefix> use <prefix>-<scenario> as function names instead of the stack name
  --scenario <name>          run only this scenario (repeatable; default all six)
  --timeout <seconds>        how long to wait for each execution (default 300)
  --poll-interval <seconds>  pause between GetDurableExecution polls (default 2)
  --history                  print every report with its history, not only failing ones
  --help                     show this text

Exit code 0 when every check passed, 1 when one failed, 2 on a usage error.`;

/** Parsed command line. */
export interface AwsRunArguments {
  readonly region: string;
  readonly prefix: string;
  readonly scenarios: readonly ScenarioName[];
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  readonly printAll: boolean;
}

/** Thrown for a bad command line; the message says what to change. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Parses the command line.
 *
 * @example
 * parseAwsRunArguments(['--region', 'eu-west-1']).prefix; // 'DurableParallelScenarios'
 */
export function parseAwsRunArguments(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): AwsRunArguments | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        region: { type: 'string' },
        stack: { type: 'string' },
        'function-prefix': { type: 'string' },
        scenario: { type: 'string', multiple: true },
        timeout: { type: 'string' },
        'poll-interval': { type: 'string' },
        history: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    return 'help';
  }
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new UsageError('No region: pass --region <region> (the region the stack is deployed in) or set AWS_REGION.');
  }
  if (values.stack !== undefined && values['function-prefix'] !== undefined) {
    throw new UsageError('Pass either --stack or --function-prefix, not both.');
  }
  const timeoutSeconds = values.timeout === undefined ? 300 : Number(values.timeout);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) {
    throw new UsageError(`--timeout must be a whole number of seconds >= 1, got "${values.timeout}".`);
  }
  const pollSeconds = values['poll-interval'] === undefined ? 2 : Number(values['poll-interval']);
  if (!Number.isFinite(pollSeconds) || pollSeconds <= 0) {
    throw new UsageError(`--poll-interval must be a number of seconds > 0, got "${values['poll-interval']}".`);
  }
  let scenarios: ScenarioName[];
  try {
    scenarios = values.scenario === undefined ? [...SCENARIO_NAMES] : values.scenario.map(parseScenarioName);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return {
    region,
    prefix: values['function-prefix'] ?? values.stack ?? DEFAULT_STACK_NAME,
    scenarios,
    timeoutMs: timeoutSeconds * 1_000,
    pollIntervalMs: pollSeconds * 1_000,
    printAll: values.history ?? false,
  };
}

/** Runs the chosen scenarios one after another against the deployed functions. */
export async function runAgainstAws(args: AwsRunArguments, log: (line: string) => void): Promise<ScenarioReport[]> {
  const client = new LambdaClient({ region: args.region });
  const reports: ScenarioReport[] = [];
  try {
    for (const scenario of args.scenarios) {
      const functionName = qualifiedFunctionName(args.prefix, scenario);
      log(`Running ${scenario} on ${functionName} in ${args.region} ...`);
      reports.push(
        await runScenario(client, functionName, SCENARIO_ASSERTIONS[scenario], {
          timeoutMs: args.timeoutMs,
          pollIntervalMs: args.pollIntervalMs,
        }),
      );
    }
  } finally {
    client.destroy();
  }
  return reports;
}

async function main(): Promise<number> {
  let args: AwsRunArguments | 'help';
  try {
    args = parseAwsRunArguments(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }
  const reports = await runAgainstAws(args, (line) => console.log(line));
  console.log(`\n${formatSummaryTable(reports)}\n`);
  for (const report of reports) {
    if (args.printAll || !report.passed) {
      console.log(`${formatReport(report, { withHistory: true })}\n`);
    }
  }
  return reports.every((report) => report.passed) ? 0 : 1;
}

if (require.main === module) {
  void exitWith(main());
}
