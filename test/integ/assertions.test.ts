/**
 * The assertion modules' own logic, on observations built by hand: the helpers compute what the
 * scenario table means, and every scenario's checks reject an execution that did not do its job.
 * (The passing side is exercised end to end in scenarios.local.test.ts.)
 */
import type { Event } from '@aws-sdk/client-lambda';
import { SCENARIO_NAMES } from '../../integ/catalog';
import {
  SCENARIO_ASSERTIONS,
  formatSummaryTable,
  maxOpenChildren,
  operationCount,
  verifyExecution,
  type ExecutionObservation,
} from '../../integ/assertions';
import { waves } from '../../integ/assertions/max-concurrency';
import { operationId } from '../../integ/assertions/replay-determinism';
import { operationId as runtimeOperationId } from '../../runtime/ids';
import { scenarioFunctionName, InvalidFunctionNameError } from '../../integ/catalog';

const at = new Date(0);

function observation(overrides: Partial<ExecutionObservation> & { history: Event[] }): ExecutionObservation {
  return {
    executionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f:1/durable-execution/n/id',
    execution: { status: 'SUCCEEDED', executionName: 'n', startTimestamp: at, endTimestamp: at },
    historyPages: 1,
    finished: true,
    ...overrides,
  };
}

describe('helpers', () => {
  test('operation ids follow the runtime\'s scheme: the call path while short, its sha256 beyond', () => {
    expect(operationId(undefined, 1)).toBe('1');
    expect(operationId(operationId(undefined, 1), 2)).toBe('1-2');
    expect(operationId('1-2-3-4-5', 16)).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(operationId('1-2-3-4-5', 16)).toBe(runtimeOperationId('1-2-3-4-5', 16));
  });

  test('waves group timestamps closer than a second', () => {
    expect(waves([4001, 0, 2000, 10, 4000, 2005])).toEqual([[0, 10], [2000, 2005], [4000, 4001]]);
    expect(waves([0, 500, 900, 1300]).map((w) => w.length)).toEqual([4]);
  });

  test('maxOpenChildren replays how many branches were open at once', () => {
    const open = (Id: string): Event => ({ EventType: 'ContextStarted', Id, ParentId: 'p' });
    const close = (Id: string): Event => ({ EventType: 'ContextSucceeded', Id, ParentId: 'p' });
    expect(maxOpenChildren([open('a'), open('b'), close('a'), open('c'), close('b'), close('c')], 'p')).toBe(2);
    expect(maxOpenChildren([open('a'), open('b'), open('c')], 'p')).toBe(3);
    expect(maxOpenChildren([open('a'), open('b')], 'other')).toBe(0);
  });

  test('operationCount counts distinct operations, not executions or invocations', () => {
    const history: Event[] = [
      { EventType: 'ExecutionStarted', Id: 'x' },
      { EventType: 'ContextStarted', Id: 'p' },
      { EventType: 'StepStarted', Id: 's' },
      { EventType: 'StepSucceeded', Id: 's' },
      { EventType: 'InvocationCompleted' },
      { EventType: 'ContextSucceeded', Id: 'p' },
      { EventType: 'ExecutionSucceeded', Id: 'x' },
    ];
    expect(operationCount(history)).toBe(2);
  });

  test('function names are validated against Lambda rules', () => {
    expect(scenarioFunctionName('Stack', 'happy-path')).toBe('Stack-happy-path');
    expect(() => scenarioFunctionName('has space', 'happy-path')).toThrow(InvalidFunctionNameError);
    expect(() => scenarioFunctionName('x'.repeat(60), 'happy-path')).toThrow(/64/);
  });
});

describe('every scenario rejects an execution that did not do its job', () => {
  test.each(SCENARIO_NAMES)('%s fails on a run that never finished and recorded nothing', (scenario) => {
    const assertion = SCENARIO_ASSERTIONS[scenario];
    const checks = verifyExecution(
      assertion,
      observation({ history: [], finished: false, execution: { status: 'RUNNING', executionName: 'n' } }),
      { input: { orderId: 'o-1' }, executionName: 'n' },
    );
    const failed = checks.filter((check) => !check.passed).map((check) => check.name);
    expect(failed).toContain('execution finished');
    expect(failed).toContain(`execution ${assertion.expectedStatus}`);
    // Beyond the common checks, the scenario's own facts fail too.
    expect(assertion.check(observation({ history: [] }), { orderId: 'o-1' }).some((check) => !check.passed)).toBe(true);
  });

  test('history pages that do not join up are reported', () => {
    const history: Event[] = [
      { EventId: 1, EventType: 'ExecutionStarted', ExecutionStartedDetails: { Input: { Payload: '{"orderId":"o-1"}' }, ExecutionTimeout: 1 } },
      { EventId: 3, EventType: 'ExecutionSucceeded' },
    ];
    const checks = verifyExecution(SCENARIO_ASSERTIONS['happy-path'], observation({ history }), {
      input: { orderId: 'o-1' },
      executionName: 'n',
    });
    const joined = checks.find((check) => check.name.startsWith('history pages join'));
    expect(joined?.passed).toBe(false);
    expect(checks.find((check) => check.name === 'ExecutionStarted carries the input')?.passed).toBe(true);
  });

  test('happy-path rejects results out of branch order', () => {
    const checks = SCENARIO_ASSERTIONS['happy-path'].check(
      observation({ history: [], execution: { status: 'SUCCEEDED', result: ['beta-o', 'alpha-o', 'gamma-o'] } }),
      { orderId: 'o' },
    );
    expect(checks.find((check) => check.name.startsWith('result lists'))?.passed).toBe(false);
  });

  test('max-concurrency rejects three branches finishing together', () => {
    const result = { successCount: 6, timestamps: [0, 0, 0, 2000, 4000, 4000] };
    const checks = SCENARIO_ASSERTIONS['max-concurrency'].check(
      observation({ history: [], execution: { status: 'SUCCEEDED', result } }),
      { orderId: 'o' },
    );
    const failed = checks.filter((check) => !check.passed).map((check) => check.name);
    expect(failed).toContain('at most 2 timestamps within 1.5 s of the earliest');
    expect(failed).toContain('three waves of two');
  });

  test('first-successful rejects an execution that waited for the slowest branch', () => {
    const result = { winnerIndex: 1, winnerName: 'fastest', completionReason: 'MIN_SUCCESSFUL_REACHED', successCount: 1, startedCount: 3 };
    const checks = SCENARIO_ASSERTIONS['first-successful'].check(
      observation({ history: [], execution: { status: 'SUCCEEDED', result, startTimestamp: new Date(0), endTimestamp: new Date(8_200) } }),
      { orderId: 'o' },
    );
    expect(checks.find((check) => check.name.startsWith('finished within'))?.passed).toBe(false);
    expect(checks.find((check) => check.name === 'the winner is fastest')?.passed).toBe(true);
  });
});

test('the summary table lists every scenario with its check count', () => {
  const table = formatSummaryTable([
    {
      scenario: 'happy-path',
      functionName: 'f:live',
      executionName: 'n',
      input: { orderId: 'o' },
      status: 'SUCCEEDED',
      checks: [
        { name: 'a', passed: true, details: '' },
        { name: 'b', passed: false, details: '' },
      ],
      passed: false,
      history: [],
      historyPages: 1,
      invocationCount: 2,
      operationCount: 4,
    },
  ]);
  expect(table.split('\n')[0]).toMatch(/^scenario\s+status\s+invocations\s+operations\s+checks/);
  expect(table.split('\n')[1]).toMatch(/^happy-path\s+SUCCEEDED\s+2\s+4\s+1\/2\s+FAIL$/);
});
