import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Event } from '@aws-sdk/client-lambda';
import { bindingsFromVariables, compareOutcome } from './compare';
import { formatReport, RequirementReport, summaryLine } from './report';
import { loadRequirements, parseRequirement, RequirementFormatError } from './requirement';
import { generateVariables, substitute, VariableGeneratorError } from './variables';
import { decideVerdict } from './verdict';

const SAMPLE = `---
# 3.1: sample
description: Sample requirement
handler: |
  Does a thing.
invocations: |
  - once
Variables:
  INPUT_1: \${GEN_STR:8}
Input: \${INPUT_1}
ExpectedResult:
  ExecutionStatus: SUCCEEDED
  Result: \${INPUT_1}
ExpectedExecutionHistory:
  - EventType: StepStarted
    EventId: 2
    Id: \${ID1}
    StepStartedDetails: {}
  - EventType: StepSucceeded
    EventId: 3
    Id: \${ID1}
    StepSucceededDetails:
      Result:
        Payload: '"\${INPUT_1}"'
ExpectedLogs:
  - match: { message: '/x/' }
    count: 1
`;

describe('parseRequirement', () => {
  test('reads id, variables, input, result and history', () => {
    const r = parseRequirement('/r/child/3-1.yaml', SAMPLE);
    expect(r.id).toBe('3.1');
    expect(r.key).toBe('3-1');
    expect(r.suite).toBe('child');
    expect(r.variables).toEqual({ INPUT_1: '${GEN_STR:8}' });
    expect(r.input).toBe('${INPUT_1}');
    expect(r.expectedResult).toMatchObject({ ExecutionStatus: 'SUCCEEDED', hasResult: true, hasError: false });
    expect(r.expectedHistory.map((e) => e.EventId)).toEqual([2, 3]);
    expect(r.expectedLogs).toHaveLength(1);
    expect(r.unknownKeys).toEqual([]);
  });

  test('an empty Result is a null result that is still compared', () => {
    const r = parseRequirement('/r/step/1-5.yaml', 'ExpectedResult:\n  ExecutionStatus: SUCCEEDED\n  Result:\n');
    expect(r.expectedResult).toMatchObject({ hasResult: true, Result: null });
    expect(r.input).toBeNull();
  });

  test('reads DefaultRetryParameters durations and both spellings of async invoke', () => {
    const r = parseRequirement('/r/step/1-13.yaml',
      'async: true\nDefaultRetryParameters:\n  MaxAttempts: 6\n  InitialDelay: 5s\n  MaxDelay: 1m\n  BackoffRate: 2\n  Jitter: FULL\n');
    expect(r.asyncInvoke).toBe(true);
    expect(r.defaultRetryParameters).toEqual({
      MaxAttempts: 6, InitialDelaySeconds: 5, MaxDelaySeconds: 60, BackoffRate: 2, Jitter: 'FULL',
    });
    expect(parseRequirement('/r/wait/2-5.yaml', 'AsyncInvoke: true\n').asyncInvoke).toBe(true);
  });

  test('keeps unknown top-level keys so they are reported as unchecked', () => {
    expect(parseRequirement('/r/step/1-1.yaml', 'NewThing: 1\n').unknownKeys).toEqual(['NewThing']);
  });

  test.each([
    ['/r/step/one.yaml', 'description: x\n', /file name/],
    ['/r/step/1-1.yaml', '- a\n', /not a mapping/],
    ['/r/step/1-1.yaml', 'a: [\n', /invalid YAML/],
    ['/r/step/1-1.yaml', 'ExpectedResult:\n  Result: 1\n', /ExecutionStatus/],
    ['/r/step/1-1.yaml', 'ExpectedExecutionHistory:\n  - EventType: X\n', /EventId/],
    ['/r/step/1-1.yaml', 'ExpectedExecutionHistory:\n  - EventId: 2\n  - EventId: 2\n', /listed twice/],
    ['/r/step/1-1.yaml', 'DefaultRetryParameters:\n  MaxAttempts: 6\n  InitialDelay: soon\n  MaxDelay: 1s\n  BackoffRate: 2\n  Jitter: FULL\n', /InitialDelay/],
  ])('rejects %s with %p', (file, text, message) => {
    expect(() => parseRequirement(file, text)).toThrow(RequirementFormatError);
    expect(() => parseRequirement(file, text)).toThrow(message);
  });
});

describe('loadRequirements', () => {
  test('loads a folder tree sorted numerically and rejects duplicate ids', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conf-load-'));
    try {
      fs.mkdirSync(path.join(dir, 'a'));
      fs.mkdirSync(path.join(dir, 'b'));
      fs.writeFileSync(path.join(dir, 'a', '1-11.yaml'), 'description: eleven\n');
      fs.writeFileSync(path.join(dir, 'a', '1-9.yaml'), 'description: nine\n');
      fs.writeFileSync(path.join(dir, 'b', '2-1.yaml'), 'description: two\n');
      fs.writeFileSync(path.join(dir, 'README.md'), '# not a requirement\n');
      expect(loadRequirements(dir).map((r) => r.id)).toEqual(['1.9', '1.11', '2.1']);
      fs.writeFileSync(path.join(dir, 'b', '1-9.yaml'), 'description: again\n');
      expect(() => loadRequirements(dir)).toThrow(/also defined/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('names a missing folder', () => {
    expect(() => loadRequirements('/does/not/exist')).toThrow(/does not exist/);
  });
});

describe('variables', () => {
  test('GEN_STR yields lowercase alphanumerics of the given length, fresh each time', () => {
    const a = generateVariables({ A: '${GEN_STR:8}', B: '${GEN_STR:32}' });
    expect(a.A).toMatch(/^[a-z0-9]{8}$/);
    expect(a.B).toMatch(/^[a-z0-9]{32}$/);
    expect(generateVariables({ B: '${GEN_STR:32}' }).B).not.toBe(a.B);
  });

  test('unknown generators and undefined variables are named', () => {
    expect(() => generateVariables({ A: '${GEN_INT:3}' })).toThrow(VariableGeneratorError);
    expect(() => substitute('${NOPE}', {})).toThrow(/NOPE/);
  });

  test('substitute replaces whole and embedded placeholders through lists and mappings', () => {
    const vars = { X: 'abc' };
    expect(substitute('${X}', vars)).toBe('abc');
    expect(substitute({ k: ['Hi ${X}!', 3, null] }, vars)).toEqual({ k: ['Hi abc!', 3, null] });
  });
});

describe('compareOutcome and verdicts', () => {
  const req = parseRequirement('/r/child/3-1.yaml', SAMPLE);
  // Events as the client hands them over; the model marks some details members required.
  const history = (payload: string): Event[] => [
    { EventId: 1, EventType: 'ExecutionStarted' },
    { EventId: 2, EventType: 'StepStarted', Id: 'id-1', StepStartedDetails: {} },
    { EventId: 3, EventType: 'StepSucceeded', Id: 'id-1', StepSucceededDetails: { Result: { Payload: payload } } } as Event,
    { EventId: 4, EventType: 'InvocationCompleted' },
  ];

  test('a matching outcome has no differences', () => {
    const b = bindingsFromVariables({ INPUT_1: 'zz' });
    const diffs = compareOutcome(req, { status: 'SUCCEEDED', resultText: '"zz"', history: history('"zz"') }, b);
    expect(diffs).toEqual([]);
    expect(b.get('ID1')).toBe('id-1');
  });

  test('reports wrong payloads, missing events, status and result', () => {
    const b = bindingsFromVariables({ INPUT_1: 'zz' });
    const diffs = compareOutcome(req, { status: 'FAILED', resultText: '"yy"', history: history('zz').slice(0, 3) }, b);
    expect(diffs.map((d) => d.path)).toEqual([
      'history[EventId=3].StepSucceededDetails.Result.Payload', 'ExecutionStatus', 'Result',
    ]);
    const missing = compareOutcome(req, { status: 'SUCCEEDED', resultText: '"zz"', history: history('"zz"').slice(0, 2) },
      bindingsFromVariables({ INPUT_1: 'zz' }));
    expect(missing.map((d) => d.path)).toEqual(['history[EventId=3]']);
  });

  test('a result that is not JSON text is a difference', () => {
    const diffs = compareOutcome(req, { status: 'SUCCEEDED', resultText: 'zz', history: history('"zz"') },
      bindingsFromVariables({ INPUT_1: 'zz' }));
    expect(diffs[0].problem).toMatch(/not JSON/);
  });

  test('verdicts: pass, partial, divergent, fail and stale declarations', () => {
    const diff = { path: 'history[EventId=7].EventType', expected: 'ContextSucceeded', actual: 'ContextFailed', problem: 'differs' };
    const decl = { path: diff.path, actual: 'ContextFailed', reason: 'tolerance exceeded rejects' };
    expect(decideVerdict([], [], []).status).toBe('PASS');
    expect(decideVerdict([], [], ['ExpectedLogs']).status).toBe('PARTIAL');
    expect(decideVerdict([diff], [decl], []).status).toBe('DIVERGENT');
    expect(decideVerdict([diff], [{ ...decl, actual: 'Other' }], []).status).toBe('FAIL');
    expect(decideVerdict([diff], [], []).failures[0]).toContain('expected "ContextSucceeded", got "ContextFailed"');
    const stale = decideVerdict([], [decl], []);
    expect(stale.status).toBe('FAIL');
    expect(stale.failures[0]).toMatch(/did not occur/);
  });

  test('the report has one headline per requirement and the closing count line', () => {
    const reports: RequirementReport[] = [
      { id: '1.1', file: 'step/1-1.yaml', description: 'one', optional: false, verdict: decideVerdict([], [], []) },
      { id: '1.7', file: 'step/1-7.yaml', description: 'logs', optional: true, verdict: decideVerdict([], [], ['ExpectedLogs']) },
      {
        id: '1.9', file: 'step/1-9.yaml', description: 'bad', optional: false,
        verdict: decideVerdict([{ path: 'Result', expected: 'a', actual: 'b', problem: 'differs' }], [], []),
      },
    ];
    const text = formatReport(reports);
    expect(text).toMatch(/^PASS {7}1\.1 {3}one \(step\/1-1\.yaml\)$/m);
    expect(text).toMatch(/^PARTIAL .*\[optional\]/m);
    expect(text).toMatch(/^ +- not checked: ExpectedLogs$/m);
    expect(text).toMatch(/^ +- Result: expected "a", got "b" \(differs\)$/m);
    expect(summaryLine(reports)).toBe('1 passed, 1 failed, 0 divergent, 1 partial');
    expect(text.trimEnd().split('\n').pop()).toBe('1 passed, 1 failed, 0 divergent, 1 partial');
  });
});
