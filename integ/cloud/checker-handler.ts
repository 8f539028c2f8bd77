/**
 * The checker function's code: given an execution that the integ stack's assertions started,
 * it reads the execution back and runs the scenario's assertion module on it, so a deployed test
 * checks exactly the facts the local run checks.
 *
 * @example
 * // invoked by integ-tests with:
 * // {"scenario": "happy-path", "executionArn": "arn:aws:lambda:…", "executionName": "happy-path-…", "orderId": "integ-happy-path"}
 * // returns {"scenario": "happy-path", "passed": true, "checksPassed": 14, "checksTotal": 14, …}
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { parseScenarioName } from '../catalog';
import { SCENARIO_ASSERTIONS } from '../assertions';
import type { Check } from '../assertions/checks';
import { observeExecution } from '../assertions/execution';
import { invocationCount, operationCount } from '../assertions/history';
import { verifyExecution } from '../assertions/scenario';

/** What the checker is invoked with. */
export interface CheckerRequest {
  readonly scenario: string;
  readonly executionArn: string;
  readonly executionName: string;
  readonly orderId: string;
}

/** What the checker returns; `passed` is what the deployed assertion expects to be true. */
export interface CheckerResponse {
  readonly scenario: string;
  readonly passed: boolean;
  readonly status?: string;
  readonly checksPassed: number;
  readonly checksTotal: number;
  readonly invocationCount: number;
  readonly operationCount: number;
  readonly failedChecks: Check[];
}

/** Thrown for a request that lacks a field or names no known scenario. */
export class InvalidCheckerRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCheckerRequestError';
  }
}

const client = new LambdaClient({});

/** Lambda entry point. */
export async function handler(request: Partial<CheckerRequest>): Promise<CheckerResponse> {
  for (const field of ['scenario', 'executionArn', 'executionName', 'orderId'] as const) {
    if (typeof request?.[field] !== 'string' || request[field] === '') {
      throw new InvalidCheckerRequestError(
        `The checker needs a non-empty string "${field}"; invoke it with {scenario, executionArn, executionName, orderId}.`,
      );
    }
  }
  const { scenario, executionArn, executionName, orderId } = request as CheckerRequest;
  const assertion = SCENARIO_ASSERTIONS[parseScenarioName(scenario)];
  // The deployed assertions only invoke the checker once the status is terminal, so a short wait suffices.
  const observation = await observeExecution(client, executionArn, { timeoutMs: 30_000, pollIntervalMs: 2_000 });
  const checks = verifyExecution(assertion, observation, { input: { orderId }, executionName });
  const failedChecks = checks.filter((check) => !check.passed);
  return {
    scenario,
    passed: failedChecks.length === 0,
    status: observation.execution.status,
    checksPassed: checks.length - failedChecks.length,
    checksTotal: checks.length,
    invocationCount: invocationCount(observation.history),
    operationCount: operationCount(observation.history),
    failedChecks,
  };
}
