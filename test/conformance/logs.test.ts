import { checkExpectedLogs, LogCapture, LogExpectationError } from './logs';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:f:1/durable-execution/n/id';

function record(message: string, arn = ARN): string {
  return JSON.stringify({ level: 'INFO', message, executionArn: arn, operationId: 'x' });
}

describe('LogCapture', () => {
  test('joins lines split across chunks and groups records by execution', () => {
    const capture = new LogCapture();
    const text = `${record('one')}\nnot json\n${record('two', 'other-arn')}\n${record('three')}\n`;
    capture.sink('stdout', text.slice(0, 17));
    capture.sink('stdout', text.slice(17, 60));
    capture.sink('stdout', text.slice(60));
    capture.sink('stderr', '{"broken": \n[1,2]\n{"message":"no arn"}\n');
    expect(capture.recordsOf(ARN).map((r) => r.message)).toEqual(['one', 'three']);
    expect(capture.recordsOf('other-arn').map((r) => r.message)).toEqual(['two']);
    expect(capture.recordsOf('unknown')).toEqual([]);
  });
});

describe('checkExpectedLogs', () => {
  const records = [
    { message: 'Greeting step started for: ab.c', executionArn: ARN },
    { message: 'Greeting step completed with: Hello, ab.c!', executionArn: ARN },
  ];

  test('counts records whose fields match regex patterns, variables taken literally', () => {
    const vars = { INPUT_1: 'ab.c' };
    expect(checkExpectedLogs([
      { match: { message: '/Greeting step started for: ${INPUT_1}/' }, count: 1 },
      { match: { message: '/${INPUT_1}/' }, count: 2 },
      { match: { message: '/\\[ERROR\\]/' }, count: 0 },
    ], records, vars)).toEqual([]);
    // "ab.c" must not match "abXc": the variable is not a regex.
    expect(checkExpectedLogs([{ match: { message: '/${INPUT_1}/' }, count: 2 }],
      [{ message: 'abXc' }, { message: 'abXc' }], vars)).toHaveLength(1);
  });

  test('reports a wrong count with the matching messages', () => {
    const diffs = checkExpectedLogs([{ match: { message: '/Greeting/' }, count: 1 }], records, {});
    expect(diffs).toHaveLength(1);
    expect(diffs[0].path).toBe('ExpectedLogs[0]');
    expect(diffs[0].problem).toMatch(/^2 matching log records/);
  });

  test('a message regex sees the level as Lambda text logs show it', () => {
    const withError = [...records, { level: 'ERROR', message: 'it broke', executionArn: ARN }];
    expect(checkExpectedLogs([{ match: { message: '/\\[ERROR\\]/' }, count: 1 }], withError, {})).toEqual([]);
    expect(checkExpectedLogs([{ match: { message: '/^\\[ERROR\\]\\tit broke$/' }, count: 1 }], withError, {})).toEqual([]);
  });

  test('non-regex patterns compare literally', () => {
    expect(checkExpectedLogs([{ match: { message: 'Greeting step started for: ab.c' }, count: 1 }], records, {})).toEqual([]);
  });

  test('a malformed expectation is named', () => {
    expect(() => checkExpectedLogs([{ match: { message: '/x/' } }], records, {})).toThrow(LogExpectationError);
    expect(() => checkExpectedLogs([{ count: 1 }], records, {})).toThrow(/ExpectedLogs\[0\]/);
  });
});
