/**
 * Running one scenario end to end and turning what was observed into a report: start the
 * execution through the alias with a DurableExecutionName, wait for it, read the whole history
 * (paged), then check the facts every scenario shares plus the scenario's own.
 *
 * @example
 * const report = await runScenario(client, 'DurableParallelScenarios-happy-path:live', happyPath);
 * if (!report.passed) console.log(formatReport(report));
 */
import { randomBytes } from 'node:crypto';
import type { ErrorObject, Event, ExecutionStatus, LambdaClient } from '@aws-sdk/client-lambda';
import type { ScenarioName } from '../catalog';
import { CheckList, type Check, show } from './checks';
import {
  observeExecution,
  startExecution,
  type ExecutionObservation,
  type ObserveOptions,
  type StartedExecution,
} from './execution';
import { eventsOf, invocationCount, operationCount, parseJson } from './history';

/** The input every scenario receives. */
export interface OrderInput {
  readonly orderId: string;
}

/** The facts one scenario adds to the common ones. */
export interface ScenarioAssertion {
  readonly scenario: ScenarioName;
  /** The status the execution must end in. */
  readonly expectedStatus: ExecutionStatus;
  /** The scenario's own checks (the rows of the scenario table). */
  check(observation: ExecutionObservation, input: OrderInput): Check[];
}

/** How to run a scenario. */
export interface ScenarioRunOptions extends ObserveOptions {
  /** The `orderId` of the input. Default `order-<random>`. */
  readonly orderId?: string;
  /** The DurableExecutionName. Default `<scenario>-<time>-<random>` (unique per run). */
  readonly executionName?: string;
}

/** Everything known about one scenario run. */
export interface ScenarioReport {
  readonly scenario: ScenarioName;
  /** The qualified function name the execution was started through. */
  readonly functionName: string;
  readonly executionName: string;
  readonly input: OrderInput;
  readonly executionArn?: string;
  readonly status?: ExecutionStatus;
  readonly result?: unknown;
  readonly error?: ErrorObject;
  /** EndTimestamp − StartTimestamp, in service (durable) time. */
  readonly durableDurationMs?: number;
  readonly checks: Check[];
  /** True when every check passed. */
  readonly passed: boolean;
  readonly history: Event[];
  readonly historyPages: number;
  readonly invocationCount: number;
  readonly operationCount: number;
}

/** The expected identity of an execution, for the common checks. */
export interface ExecutionExpectation {
  readonly input: OrderInput;
  readonly executionName: string;
}

const TERMINAL_EVENT_OF: Record<string, string> = {
  SUCCEEDED: 'ExecutionSucceeded',
  FAILED: 'ExecutionFailed',
  TIMED_OUT: 'ExecutionTimedOut',
  STOPPED: 'ExecutionStopped',
};

/**
 * A fresh, valid DurableExecutionName (1–64 of `[a-zA-Z0-9-_]`) for one run of a scenario.
 *
 * @example
 * uniqueExecutionName('happy-path'); // 'happy-path-m3k9x2a1-4f9c2b'
 */
export function uniqueExecutionName(scenario: ScenarioName): string {
  return `${scenario}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/**
 * The checks every scenario shares, followed by the scenario's own. Used by `runScenario` and by
 * the checker function that verifies executions started by the integ stack's assertions.
 *
 * @example
 * const checks = verifyExecution(happyPath, observation, { input: { orderId: 'o-1' }, executionName: 'run-1' });
 */
export function verifyExecution(
  assertion: ScenarioAssertion,
  observation: ExecutionObservation,
  expectation: ExecutionExpectation,
): Check[] {
  const { execution, history } = observation;
  const checks = new CheckList()
    .that(
      'execution finished',
      observation.finished,
      observation.finished ? `status ${execution.status}` : `still ${execution.status} when the wait gave up`,
    )
    .equal(`execution ${assertion.expectedStatus}`, execution.status, assertion.expectedStatus)
    .equal('execution carries its DurableExecutionName', execution.executionName, expectation.executionName);

  const ids = history.map((event) => event.EventId);
  const contiguous = ids.every((id, index) => id === index + 1);
  checks.that(
    'history pages join into one contiguous list from ExecutionStarted',
    contiguous && history[0]?.EventType === 'ExecutionStarted',
    `${history.length} events over ${observation.historyPages} page(s); first ${history[0]?.EventType}, ids ${contiguous ? '1..' + history.length : show(ids)}`,
  );
  const terminal = TERMINAL_EVENT_OF[assertion.expectedStatus];
  checks.equal(`history ends with ${terminal}`, history[history.length - 1]?.EventType, terminal);
  const started = eventsOf(history, 'ExecutionStarted')[0];
  const inputText = started?.ExecutionStartedDetails?.Input?.Payload;
  checks.equal('ExecutionStarted carries the input', parseJson(inputText), expectation.input);

  return checks.add(assertion.check(observation, expectation.input)).all;
}

/**
 * Builds the report of an observed execution.
 *
 * @example
 * const report = reportOf(happyPath, 'orders:live', { input, executionName }, observation);
 */
export function reportOf(
  assertion: ScenarioAssertion,
  functionName: string,
  expectation: ExecutionExpectation,
  observation: ExecutionObservation,
  extraChecks: readonly Check[] = [],
): ScenarioReport {
  const checks = [...extraChecks, ...verifyExecution(assertion, observation, expectation)];
  const { execution } = observation;
  return {
    scenario: assertion.scenario,
    functionName,
    executionName: expectation.executionName,
    input: expectation.input,
    executionArn: observation.executionArn,
    status: execution.status,
    result: execution.result,
    error: execution.error,
    durableDurationMs:
      execution.startTimestamp && execution.endTimestamp
        ? execution.endTimestamp.getTime() - execution.startTimestamp.getTime()
        : undefined,
    checks,
    passed: checks.every((check) => check.passed),
    history: observation.history,
    historyPages: observation.historyPages,
    invocationCount: invocationCount(observation.history),
    operationCount: operationCount(observation.history),
  };
}

/**
 * Starts the scenario's execution through `functionName` (qualified, e.g. `name:live`), waits for
 * it, and checks everything. Never throws for a failed check or a failed start: the report says
 * what went wrong.
 *
 * @example
 * const report = await runScenario(client, 'DurableParallelScenarios-happy-path:live', happyPath, { pollIntervalMs: 50 });
 */
export async function runScenario(
  client: LambdaClient,
  functionName: string,
  assertion: ScenarioAssertion,
  options: ScenarioRunOptions = {},
): Promise<ScenarioReport> {
  const executionName = options.executionName ?? uniqueExecutionName(assertion.scenario);
  const input: OrderInput = { orderId: options.orderId ?? `order-${randomBytes(4).toString('hex')}` };
  const expectation = { input, executionName };
  let started: StartedExecution;
  try {
    started = await startExecution(client, functionName, executionName, input);
  } catch (error) {
    return failedStart(assertion, functionName, expectation, error);
  }
  const startCheck: Check = {
    name: 'Invoke (Event) accepted the start and returned the execution ARN',
    passed: started.statusCode === 202,
    details: `status ${started.statusCode}, ARN ${started.executionArn}`,
  };
  try {
    const observation = await observeExecution(client, started.executionArn, options);
    return reportOf(assertion, functionName, expectation, observation, [startCheck]);
  } catch (error) {
    return { ...failedStart(assertion, functionName, expectation, error), executionArn: started.executionArn };
  }
}

function failedStart(
  assertion: ScenarioAssertion,
  functionName: string,
  expectation: ExecutionExpectation,
  error: unknown,
): ScenarioReport {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    scenario: assertion.scenario,
    functionName,
    executionName: expectation.executionName,
    input: expectation.input,
    checks: [{ name: 'execution could be started and read back', passed: false, details: message }],
    passed: false,
    history: [],
    historyPages: 0,
    invocationCount: 0,
    operationCount: 0,
  };
}
