/**
 * Loading of conformance requirement files (the YAML format described in the requirements
 * folder's README) into typed, validated values.
 *
 * Example:
 * ```ts
 * const reqs = loadRequirements('test/conformance/data');
 * reqs[0].id; // '1.1'
 * ```
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';

/** A requirement file is malformed: names the file, the problem and how to fix it. */
export class RequirementFormatError extends Error {
  override readonly name = 'RequirementFormatError';
  constructor(readonly file: string, problem: string, fix: string) {
    super(`${file}: ${problem}. ${fix}`);
  }
}

/** What the execution is expected to end with. */
export interface ExpectedResult {
  readonly ExecutionStatus: string;
  /** True when the file lists `Result` (even as `null`): only then is the result compared. */
  readonly hasResult: boolean;
  readonly Result?: unknown;
  readonly hasError: boolean;
  readonly Error?: unknown;
}

/** One expected history event: a key-subset pattern that carries its `EventId`. */
export interface ExpectedEvent {
  readonly EventId: number;
  readonly [field: string]: unknown;
}

/** The retry parameters a requirement states for the runtime's default retry strategy. */
export interface DefaultRetryParameters {
  readonly MaxAttempts: number;
  readonly InitialDelaySeconds: number;
  readonly MaxDelaySeconds: number;
  readonly BackoffRate: number;
  readonly Jitter: string;
}

/**
 * What the external system does to a callback while the execution runs (`CallbackActions`): each
 * action waits until its callback has started (and for the previous action on the same callback
 * name), then `delaySeconds` more, then sends it.
 */
export interface CallbackAction {
  /** The callback's `Name` (may reference variables), or `'*'` for the first open callback. */
  readonly callbackName: string;
  readonly operation: 'success' | 'failure' | 'heartbeat';
  /** The success result (sent as JSON) or the failure's error object; absent sends none. */
  readonly payload?: unknown;
  readonly delaySeconds: number;
}

/** One parsed requirement file. */
export interface Requirement {
  /** The requirement id from the file name: `1-11.yaml` → `'1.11'`. */
  readonly id: string;
  /** The file's base name without extension (`'1-11'`), also the handler's module name. */
  readonly key: string;
  readonly file: string;
  /** The folder the file lives in (`step`, `wait`, …). */
  readonly suite: string;
  readonly description: string;
  readonly handlerProse: string;
  readonly invocationsProse: string;
  /** Variable name → generator template (`${GEN_STR:8}`). */
  readonly variables: Readonly<Record<string, string>>;
  /** The input template (may reference variables); `null` means no input. */
  readonly input: unknown;
  readonly expectedResult?: ExpectedResult;
  readonly expectedHistory: readonly ExpectedEvent[];
  /** Expected log lines, when the file lists any (the runner cannot check these). */
  readonly expectedLogs?: readonly unknown[];
  /** Start the execution asynchronously (`AsyncInvoke: true`, also spelled `async: true`). */
  readonly asyncInvoke: boolean;
  /** The requirement covers an optional capability. */
  readonly optional: boolean;
  readonly defaultRetryParameters?: DefaultRetryParameters;
  /** What the external system does to the execution's callbacks. */
  readonly callbackActions: readonly CallbackAction[];
  /** Top-level keys this loader does not know; the runner cannot check them. */
  readonly unknownKeys: readonly string[];
}

const KNOWN_KEYS = new Set([
  'description', 'handler', 'invocations', 'Variables', 'Input', 'ExpectedResult',
  'ExpectedExecutionHistory', 'ExpectedLogs', 'AsyncInvoke', 'async', 'optional',
  'DefaultRetryParameters', 'CallbackActions',
]);

/** Matches the requirement file names, `<suite>-<n>.yaml`. */
const FILE_NAME = /^(\d+)-(\d+)\.ya?ml$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses durations written as `5s`, `2m`, `1h` or a bare number of seconds. */
function parseDurationSeconds(file: string, field: string, v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  const m = typeof v === 'string' ? /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(v.trim()) : null;
  if (!m) {
    throw new RequirementFormatError(file, `DefaultRetryParameters.${field} is ${JSON.stringify(v)}`,
      'Write a duration such as 5s, 2m or 1h');
  }
  const unit = m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1;
  return Number(m[1]) * unit;
}

function parseRetryParameters(file: string, v: unknown): DefaultRetryParameters {
  if (!isRecord(v)) {
    throw new RequirementFormatError(file, 'DefaultRetryParameters is not a mapping',
      'Give MaxAttempts, InitialDelay, MaxDelay, BackoffRate and Jitter');
  }
  const num = (k: string): number => {
    if (typeof v[k] !== 'number') {
      throw new RequirementFormatError(file, `DefaultRetryParameters.${k} is ${JSON.stringify(v[k])}`, 'Give a number');
    }
    return v[k] as number;
  };
  if (typeof v.Jitter !== 'string') {
    throw new RequirementFormatError(file, 'DefaultRetryParameters.Jitter is missing', 'Give FULL, HALF or NONE');
  }
  return {
    MaxAttempts: num('MaxAttempts'),
    InitialDelaySeconds: parseDurationSeconds(file, 'InitialDelay', v.InitialDelay),
    MaxDelaySeconds: parseDurationSeconds(file, 'MaxDelay', v.MaxDelay),
    BackoffRate: num('BackoffRate'),
    Jitter: v.Jitter,
  };
}

function parseCallbackActions(file: string, v: unknown): CallbackAction[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    throw new RequirementFormatError(file, 'CallbackActions is not a list', 'Give a list of { CallbackName, Operation, Payload?, Delay? }');
  }
  return v.map((a, i) => {
    const where = `CallbackActions[${i}]`;
    if (!isRecord(a) || typeof a.CallbackName !== 'string') {
      throw new RequirementFormatError(file, `${where} has no CallbackName`, "Give the callback's name or '*'");
    }
    if (a.Operation !== 'success' && a.Operation !== 'failure' && a.Operation !== 'heartbeat') {
      throw new RequirementFormatError(file, `${where}.Operation is ${JSON.stringify(a.Operation)}`, 'Give success, failure or heartbeat');
    }
    const delay = a.Delay ?? 0;
    if (typeof delay !== 'number' || !(delay >= 0)) {
      throw new RequirementFormatError(file, `${where}.Delay is ${JSON.stringify(a.Delay)}`, 'Give a number of seconds >= 0');
    }
    return {
      callbackName: a.CallbackName,
      operation: a.Operation,
      ...('Payload' in a && a.Payload !== null ? { payload: a.Payload } : {}),
      delaySeconds: delay,
    };
  });
}

function parseExpectedResult(file: string, v: unknown): ExpectedResult {
  if (!isRecord(v) || typeof v.ExecutionStatus !== 'string') {
    throw new RequirementFormatError(file, 'ExpectedResult has no ExecutionStatus',
      'Give ExpectedResult.ExecutionStatus (SUCCEEDED, FAILED, …)');
  }
  return {
    ExecutionStatus: v.ExecutionStatus,
    hasResult: 'Result' in v,
    Result: v.Result,
    hasError: 'Error' in v,
    Error: v.Error,
  };
}

function parseHistory(file: string, v: unknown): ExpectedEvent[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    throw new RequirementFormatError(file, 'ExpectedExecutionHistory is not a list', 'Give a list of events');
  }
  const seen = new Set<number>();
  return v.map((ev, i) => {
    if (!isRecord(ev) || typeof ev.EventId !== 'number' || !Number.isInteger(ev.EventId) || ev.EventId < 1) {
      throw new RequirementFormatError(file, `ExpectedExecutionHistory[${i}] has no integer EventId >= 1`,
        'Give every expected event its EventId (1 = ExecutionStarted)');
    }
    if (seen.has(ev.EventId)) {
      throw new RequirementFormatError(file, `EventId ${ev.EventId} is listed twice`, 'Give each event a distinct EventId');
    }
    seen.add(ev.EventId);
    return ev as ExpectedEvent;
  });
}

function parseVariables(file: string, v: unknown): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isRecord(v)) {
    throw new RequirementFormatError(file, 'Variables is not a mapping', 'Give NAME: ${GEN_STR:n} entries');
  }
  const out: Record<string, string> = {};
  for (const [k, t] of Object.entries(v)) {
    if (typeof t !== 'string') {
      throw new RequirementFormatError(file, `Variables.${k} is not a string`, 'Give a generator such as ${GEN_STR:8}');
    }
    out[k] = t;
  }
  return out;
}

/**
 * Parses one requirement from its YAML text. `file` names it in errors and gives its id.
 *
 * Example: `parseRequirement('/x/step/1-1.yaml', fs.readFileSync(...,'utf8')).id === '1.1'`.
 */
export function parseRequirement(file: string, text: string): Requirement {
  const base = path.basename(file);
  const m = FILE_NAME.exec(base);
  if (!m) {
    throw new RequirementFormatError(file, 'the file name is not <suite>-<n>.yaml', 'Rename it, e.g. 1-21.yaml');
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new RequirementFormatError(file, `invalid YAML (${(e as Error).message})`, 'Fix the YAML syntax');
  }
  if (!isRecord(doc)) {
    throw new RequirementFormatError(file, 'the document is not a mapping', 'Write the requirement as a YAML mapping');
  }
  const str = (k: string): string => (typeof doc[k] === 'string' ? (doc[k] as string) : '');
  return {
    id: `${m[1]}.${m[2]}`,
    key: `${m[1]}-${m[2]}`,
    file,
    suite: path.basename(path.dirname(file)),
    // The vendored data keeps recorded facts only; a file without prose is named by suite and id.
    description: str('description').trim() || `${path.basename(path.dirname(file))} ${m[1]}.${m[2]}`,
    handlerProse: str('handler'),
    invocationsProse: str('invocations'),
    variables: parseVariables(file, doc.Variables),
    input: doc.Input === undefined ? null : doc.Input,
    expectedResult: doc.ExpectedResult === undefined ? undefined : parseExpectedResult(file, doc.ExpectedResult),
    expectedHistory: parseHistory(file, doc.ExpectedExecutionHistory),
    expectedLogs: Array.isArray(doc.ExpectedLogs) ? doc.ExpectedLogs : undefined,
    asyncInvoke: doc.AsyncInvoke === true || doc.async === true,
    optional: doc.optional === true,
    defaultRetryParameters: doc.DefaultRetryParameters === undefined
      ? undefined : parseRetryParameters(file, doc.DefaultRetryParameters),
    callbackActions: parseCallbackActions(file, doc.CallbackActions),
    unknownKeys: Object.keys(doc).filter((k) => !KNOWN_KEYS.has(k)),
  };
}

/** Orders ids numerically: 1.9 before 1.11, suite 2 after suite 1. */
export function compareIds(a: string, b: string): number {
  const [a1, a2] = a.split('.').map(Number);
  const [b1, b2] = b.split('.').map(Number);
  return a1 - b1 || a2 - b2;
}

/**
 * Loads every requirement file under `dir` (recursively), sorted by id.
 *
 * Example: `loadRequirements(defaultRequirementsDir()).map((r) => r.id)`.
 */
export function loadRequirements(dir: string): Requirement[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new RequirementFormatError(dir, 'the requirements directory does not exist',
      'Pass the folder that holds the conformance YAML files (or set CONFORMANCE_DIR)');
  }
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(entry.name)) files.push(p);
    }
  };
  walk(dir);
  const reqs = files.map((f) => parseRequirement(f, fs.readFileSync(f, 'utf8')));
  const byId = new Map<string, string>();
  for (const r of reqs) {
    const other = byId.get(r.id);
    if (other) {
      throw new RequirementFormatError(r.file, `requirement ${r.id} is also defined in ${other}`, 'Keep one file per id');
    }
    byId.set(r.id, r.file);
  }
  return reqs.sort((a, b) => compareIds(a.id, b.id));
}

/** The repository root (this file lives in `<root>/test/conformance`). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * Where the requirements live unless told otherwise: `$CONFORMANCE_DIR`, else the data vendored
 * in the repository (`test/conformance/data`, refreshed with `refresh-data.ts`).
 */
export function defaultRequirementsDir(): string {
  const fromEnv = process.env.CONFORMANCE_DIR;
  return fromEnv ? path.resolve(fromEnv) : path.join(REPO_ROOT, 'test', 'conformance', 'data');
}
