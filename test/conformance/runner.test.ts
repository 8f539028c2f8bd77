import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runConformance } from './runner';

/**
 * The runner end to end on a small, hand-made requirements folder: a requirement that matches, one
 * whose expectation is deliberately wrong, and one without a handler.
 */
describe('runConformance', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-runner-'));
    fs.mkdirSync(path.join(dir, 'step'));
    const step = (result: string): string => `description: greeting
Variables:
  INPUT_1: \${GEN_STR:6}
Input: \${INPUT_1}
ExpectedResult:
  ExecutionStatus: SUCCEEDED
  Result: ${result}
ExpectedExecutionHistory:
  - EventType: StepStarted
    SubType: Step
    EventId: 2
    Id: \${ID1}
    StepStartedDetails: {}
  - EventType: StepSucceeded
    SubType: Step
    EventId: 3
    Id: \${ID1}
    StepSucceededDetails:
      Result:
        Payload: '"${result}"'
`;
    // 1-1 and 1-3 have handlers: 1-1 greets its input, 1-3 returns "first_second".
    fs.writeFileSync(path.join(dir, 'step', '1-1.yaml'), step('Hello, ${INPUT_1}!'));
    fs.writeFileSync(path.join(dir, 'step', '1-3.yaml'), step('first_third'));
    fs.writeFileSync(path.join(dir, 'step', '1-999.yaml'), step('x'));
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('passes a match, fails a wrong expectation and a missing handler', async () => {
    const reports = await runConformance({ dir });
    const byId = new Map(reports.map((r) => [r.id, r]));
    expect(reports.map((r) => r.id)).toEqual(['1.1', '1.3', '1.999']);
    expect(byId.get('1.1')?.verdict).toMatchObject({ status: 'PASS', failures: [] });
    expect(byId.get('1.3')?.verdict.status).toBe('FAIL');
    expect(byId.get('1.3')?.verdict.failures).toEqual([
      // EventId 3 closes the first of 1-3's two steps.
      'history[EventId=3].StepSucceededDetails.Result.Payload: expected "\\"first_third\\"", got "\\"first\\"" (differs)',
      'Result: expected "first_third", got "first_second" (differs)',
    ]);
    expect(byId.get('1.999')?.verdict.failures[0]).toMatch(/^no handler: add test\/conformance\/handlers\/1-999\.ts/);
    expect(byId.get('1.1')?.file).toBe(path.join('step', '1-1.yaml'));
  }, 120_000);
});
