/**
 * The conformance matching rules (requirements README, "Matching rules"):
 *
 * - `'*'` accepts any value that is present;
 * - `{}` means "don't care" (any value, also an absent one);
 * - `${NAME}` binds NAME to the actual value the first time and requires equality afterwards; inside
 *   a longer string (`'"${INPUT_1}"'`) a bound name stands for its value and an unbound one captures
 *   the text at its place;
 * - `${/regex/}` requires a string matching the regex (searched, not anchored, unless the regex
 *   anchors itself). Numbers and booleans are matched by their JSON text, because the recorded
 *   files apply regexes to numeric fields such as `NextAttemptDelaySeconds`;
 * - objects: only the expected keys are compared; lists: same length, element by element;
 * - anything else: literal equality.
 *
 * Example:
 * ```ts
 * const bindings: Bindings = new Map();
 * const diffs: Difference[] = [];
 * matchValue({ Id: '${ID1}', Duration: 2 }, { Id: 'abc', Duration: 2, Extra: 1 }, 'event', bindings, diffs);
 * // diffs is empty, bindings.get('ID1') === 'abc'
 * ```
 */

/** Values bound to placeholder names during one requirement's comparison. */
export type Bindings = Map<string, unknown>;

/** One field where the actual value does not satisfy the expected pattern. */
export interface Difference {
  /** Where, e.g. `history[EventId=5].EventType` or `Result[1]`. */
  readonly path: string;
  /** The expected pattern, as written in the file. */
  readonly expected: unknown;
  /** The actual value (`undefined` when absent). */
  readonly actual: unknown;
  /** Why it does not match, in words. */
  readonly problem: string;
}

const WHOLE_NAME = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const WHOLE_REGEX = /^\$\{\/([\s\S]*)\/\}$/;
const EMBEDDED_NAME = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** Structural equality of JSON-like values (Dates by instant). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** A short, single-line rendering of a value for reports (`absent` for undefined). */
export function describeValue(v: unknown, max = 160): string {
  if (v === undefined) return 'absent';
  if (v instanceof Date) return v.toISOString();
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The text a regex is applied to: strings as they are, numbers and booleans as JSON text. */
function regexSubject(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function matchTemplate(expected: string, actual: unknown, path: string, bindings: Bindings, out: Difference[]): void {
  const names: string[] = [];
  let source = '';
  let last = 0;
  for (const m of expected.matchAll(EMBEDDED_NAME)) {
    source += escapeRegex(expected.slice(last, m.index));
    const name = m[1];
    if (bindings.has(name)) {
      source += escapeRegex(String(bindings.get(name)));
    } else if (names.includes(name)) {
      source += `\\k<${name}>`;
    } else {
      names.push(name);
      source += `(?<${name}>[\\s\\S]*?)`;
    }
    last = (m.index ?? 0) + m[0].length;
  }
  source += escapeRegex(expected.slice(last));
  if (typeof actual !== 'string') {
    out.push({ path, expected, actual, problem: actual === undefined ? 'missing' : 'expected a string' });
    return;
  }
  const match = new RegExp(`^${source}$`).exec(actual);
  if (!match) {
    out.push({ path, expected, actual, problem: 'string differs' });
    return;
  }
  for (const name of names) bindings.set(name, match.groups?.[name]);
}

/**
 * Matches `actual` against the expected pattern, appending every difference to `out` and binding
 * placeholders in `bindings`.
 */
export function matchValue(expected: unknown, actual: unknown, path: string, bindings: Bindings, out: Difference[]): void {
  if (expected === '*') {
    if (actual === undefined) out.push({ path, expected, actual, problem: 'missing' });
    return;
  }
  if (isPlainObject(expected) && Object.keys(expected).length === 0) return;
  if (typeof expected === 'string') {
    const re = WHOLE_REGEX.exec(expected);
    if (re) {
      let regex: RegExp;
      try {
        regex = new RegExp(re[1]);
      } catch (e) {
        out.push({ path, expected, actual, problem: `invalid regex in the requirement (${(e as Error).message})` });
        return;
      }
      const subject = regexSubject(actual);
      if (subject === undefined) {
        out.push({ path, expected, actual, problem: actual === undefined ? 'missing' : 'expected a string' });
      } else if (!regex.test(subject)) {
        out.push({ path, expected, actual, problem: 'does not match the regex' });
      }
      return;
    }
    const name = WHOLE_NAME.exec(expected);
    if (name) {
      if (actual === undefined) {
        out.push({ path, expected, actual, problem: 'missing' });
      } else if (!bindings.has(name[1])) {
        bindings.set(name[1], actual);
      } else if (!deepEqual(bindings.get(name[1]), actual)) {
        out.push({
          path, expected, actual,
          problem: `\${${name[1]}} is bound to ${describeValue(bindings.get(name[1]))}`,
        });
      }
      return;
    }
    if (expected.includes('${')) {
      matchTemplate(expected, actual, path, bindings, out);
      return;
    }
    if (actual !== expected) {
      out.push({ path, expected, actual, problem: actual === undefined ? 'missing' : 'differs' });
    }
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      out.push({ path, expected, actual, problem: actual === undefined ? 'missing' : 'expected a list' });
      return;
    }
    if (actual.length !== expected.length) {
      out.push({ path, expected, actual, problem: `expected ${expected.length} elements, got ${actual.length}` });
      return;
    }
    expected.forEach((e, i) => matchValue(e, actual[i], `${path}[${i}]`, bindings, out));
    return;
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) {
      out.push({ path, expected, actual, problem: actual === undefined ? 'missing' : 'expected an object' });
      return;
    }
    for (const [k, e] of Object.entries(expected)) {
      matchValue(e, actual[k], path ? `${path}.${k}` : k, bindings, out);
    }
    return;
  }
  if (actual !== expected) {
    out.push({ path, expected, actual, problem: actual === undefined && expected !== undefined ? 'missing' : 'differs' });
  }
}
