import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { recordedJson } from './callback-actions';
import { DATA_DIR, factsOnly, PROSE_KEYS, refreshData } from './refresh-data';
import { defaultRequirementsDir, loadRequirements, parseRequirement, RequirementFormatError } from './requirement';

const UPSTREAM = `---
# 5.1: sample
description: Sample
handler: |
  Does a thing.
invocations: |
  - once
AsyncInvoke: true
Input: \${INPUT_1}
Variables:
  INPUT_1: \${GEN_STR:8}
CallbackActions:
  - CallbackName: '*'
    Operation: success
    Payload: { status: approved }
    Delay: 1
ExpectedResult:
  ExecutionStatus: SUCCEEDED
ExpectedExecutionHistory:
  - EventType: ChainedInvokeStarted
    EventId: 2
    Id: \${ID1}
    ChainedInvokeStartedDetails:
      Input:
        Payload: '"\${INPUT_1}"'
`;

describe('the vendored conformance data', () => {
  test('is where the runner looks by default, inside the repository', () => {
    expect(defaultRequirementsDir()).toBe(DATA_DIR);
    expect(path.relative(path.resolve(__dirname, '..', '..'), DATA_DIR)).toBe(path.join('test', 'conformance', 'data'));
  });

  test('holds the 76 requirements (43 + 33) with the upstream LICENSE and NOTICE, and no prose', () => {
    const requirements = loadRequirements(DATA_DIR);
    expect(requirements).toHaveLength(76);
    expect(new Set(requirements.map((r) => r.suite))).toEqual(
      new Set(['step', 'wait', 'child', 'parallel', 'map', 'callback', 'wait_for_callback', 'invoke', 'wait_for_condition']),
    );
    for (const r of requirements) {
      expect(r.unknownKeys).toEqual([]);
      const doc = parseYaml(fs.readFileSync(r.file, 'utf8')) as Record<string, unknown>;
      expect(Object.keys(doc).filter((k) => PROSE_KEYS.has(k))).toEqual([]);
    }
    expect(fs.readFileSync(path.join(DATA_DIR, 'LICENSE'), 'utf8')).toContain('Apache License');
    expect(fs.existsSync(path.join(DATA_DIR, 'NOTICE'))).toBe(true);
  });
});

describe('refresh-data', () => {
  let source: string;
  let target: string;
  beforeEach(() => {
    source = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-src-'));
    target = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-dst-'));
  });
  afterEach(() => {
    fs.rmSync(source, { recursive: true, force: true });
    fs.rmSync(target, { recursive: true, force: true });
  });

  test('factsOnly drops the prose and keeps every recorded fact as it was', () => {
    const kept = parseYaml(factsOnly('invoke/5-1.yaml', UPSTREAM)) as Record<string, unknown>;
    const original = parseYaml(UPSTREAM) as Record<string, unknown>;
    for (const key of PROSE_KEYS) delete original[key];
    expect(kept).toEqual(original);
  });

  test('replaces the YAML files of the data folder and copies LICENSE and NOTICE', () => {
    fs.mkdirSync(path.join(source, 'invoke'));
    fs.writeFileSync(path.join(source, 'invoke', '5-1.yaml'), UPSTREAM);
    fs.writeFileSync(path.join(source, 'LICENSE'), 'license text');
    fs.writeFileSync(path.join(source, 'NOTICE'), 'notice text');
    fs.mkdirSync(path.join(target, 'stale'));
    fs.writeFileSync(path.join(target, 'stale', '1-1.yaml'), 'Input: 1');
    expect(refreshData([source], target)).toBe(1);
    expect(fs.readdirSync(target).sort()).toEqual(['LICENSE', 'NOTICE', 'invoke']);
    const r = parseRequirement(path.join(target, 'invoke', '5-1.yaml'), fs.readFileSync(path.join(target, 'invoke', '5-1.yaml'), 'utf8'));
    expect(r).toMatchObject({ id: '5.1', suite: 'invoke', description: 'invoke 5.1', asyncInvoke: true, unknownKeys: [] });
    expect(r.callbackActions).toEqual([{ callbackName: '*', operation: 'success', payload: { status: 'approved' }, delaySeconds: 1 }]);
  });

  test('refuses a missing folder and an id given twice', () => {
    expect(() => refreshData([path.join(source, 'nope')], target)).toThrow(/is not a folder/);
    fs.mkdirSync(path.join(source, 'a'));
    fs.mkdirSync(path.join(source, 'b'));
    fs.writeFileSync(path.join(source, 'a', '5-1.yaml'), UPSTREAM);
    fs.writeFileSync(path.join(source, 'b', '5-1.yaml'), UPSTREAM);
    expect(() => refreshData([source], target)).toThrow(/5-1.yaml is in both/);
  });
});

describe('CallbackActions', () => {
  test('a malformed action names the problem', () => {
    expect(() => parseRequirement('/r/callback/4-1.yaml', 'CallbackActions:\n  - CallbackName: x\n    Operation: approve\n')).toThrow(RequirementFormatError);
    expect(() => parseRequirement('/r/callback/4-1.yaml', 'CallbackActions:\n  - Operation: success\n')).toThrow(/has no CallbackName/);
  });

  test('payloads are sent as the recorded external system wrote them', () => {
    expect(recordedJson({ status: 'approved', n: [1, 2] })).toBe('{"status": "approved", "n": [1, 2]}');
    expect(recordedJson('abc')).toBe('"abc"');
  });
});
