/**
 * Log capture and the `ExpectedLogs` check.
 *
 * The runtime's logger writes one JSON record per line, stamped with the execution ARN, so the
 * handlers' output of one shared service can be split by execution — the "execution-correlated
 * durable logger output" the requirements validate.
 *
 * An expectation is `{ match: { <field>: <pattern> }, count: n }`: exactly `n` records of the
 * execution have every listed field matching. A pattern written `/…/` is a regex (searched); any
 * other value must be equal. `${NAME}` inside a pattern stands for the variable's value, taken
 * literally. A `message` regex is searched in the line as Lambda's text log format shows it,
 * `[LEVEL]\t<message>`, because the requirements use it to count lines by level (`/\[ERROR\]/`).
 *
 * Example:
 * ```ts
 * const capture = new LogCapture();
 * // LocalDurableService.start({ handlerOutput: capture.sink })
 * checkExpectedLogs(expectations, capture.recordsOf(arn), vars); // Difference[]
 * ```
 */
import type { Difference } from './matcher';

/** One structured log record as written by the runtime (only the fields the check needs are typed). */
export type CapturedRecord = Readonly<Record<string, unknown>> & { readonly executionArn?: string };

/** Collects handler output and keeps the JSON records, grouped by execution ARN. */
export class LogCapture {
  private readonly partial = { stdout: '', stderr: '' };
  private readonly byExecution = new Map<string, CapturedRecord[]>();

  /** The output sink to hand to the service (`handlerOutput`). */
  readonly sink = (stream: 'stdout' | 'stderr', text: string): void => {
    const lines = (this.partial[stream] + text).split('\n');
    this.partial[stream] = lines.pop() ?? '';
    for (const line of lines) this.take(line);
  };

  /** Every record written for the execution, in output order. */
  recordsOf(executionArn: string): readonly CapturedRecord[] {
    return this.byExecution.get(executionArn) ?? [];
  }

  private take(line: string): void {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) return;
    let record: unknown;
    try {
      record = JSON.parse(trimmed);
    } catch {
      return;
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) return;
    const arn = (record as CapturedRecord).executionArn;
    if (typeof arn !== 'string') return;
    const list = this.byExecution.get(arn) ?? [];
    list.push(record as CapturedRecord);
    this.byExecution.set(arn, list);
  }
}

/** A log expectation is malformed. */
export class LogExpectationError extends Error {
  override readonly name = 'LogExpectationError';
}

interface LogExpectation {
  readonly match: Readonly<Record<string, unknown>>;
  readonly count: number;
}

function parseExpectation(raw: unknown, index: number): LogExpectation {
  const r = raw as { match?: unknown; count?: unknown };
  if (typeof raw !== 'object' || raw === null || typeof r.match !== 'object' || r.match === null
    || typeof r.count !== 'number' || !Number.isInteger(r.count) || r.count < 0) {
    throw new LogExpectationError(`ExpectedLogs[${index}] must be { match: { field: pattern }, count: <integer >= 0> }`);
  }
  return { match: r.match as Record<string, unknown>, count: r.count };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Builds the predicate of one field pattern, substituting variables literally. */
function fieldPredicate(field: string, pattern: unknown, vars: Readonly<Record<string, string>>): (rec: CapturedRecord) => boolean {
  if (typeof pattern === 'string' && pattern.length >= 2 && pattern.startsWith('/') && pattern.endsWith('/')) {
    const source = pattern.slice(1, -1).replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, name: string) =>
      name in vars ? escapeRegex(vars[name]) : m);
    const regex = new RegExp(source);
    return (rec) => {
      const value = field === 'message' ? textLine(rec) : rec[field];
      return typeof value === 'string' && regex.test(value);
    };
  }
  const literal = typeof pattern === 'string'
    ? pattern.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, name: string) => (name in vars ? vars[name] : m))
    : pattern;
  return (rec) => rec[field] === literal;
}

/** The record as Lambda's text log format prints it: `[LEVEL]\t<message>`. */
function textLine(rec: CapturedRecord): string | undefined {
  if (typeof rec.message !== 'string') return undefined;
  return typeof rec.level === 'string' ? `[${rec.level}]\t${rec.message}` : rec.message;
}

/** Every expectation whose count of matching records differs from the expected count. */
export function checkExpectedLogs(
  expectations: readonly unknown[],
  records: readonly CapturedRecord[],
  vars: Readonly<Record<string, string>>,
): Difference[] {
  const out: Difference[] = [];
  expectations.forEach((raw, index) => {
    const exp = parseExpectation(raw, index);
    const predicates = Object.entries(exp.match).map(([field, p]) => fieldPredicate(field, p, vars));
    const matching = records.filter((rec) => predicates.every((test) => test(rec)));
    if (matching.length !== exp.count) {
      out.push({
        path: `ExpectedLogs[${index}]`,
        expected: exp,
        actual: matching.map((r) => r.message),
        problem: `${matching.length} matching log records of this execution, expected ${exp.count} (${records.length} records in all)`,
      });
    }
  });
  return out;
}
