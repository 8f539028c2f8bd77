/**
 * Named pass/fail checks with a human-readable explanation each.
 *
 * A report lists every check, passed or not, so a failing run says exactly which fact of the
 * scenario table did not hold and what was observed instead.
 *
 * @example
 * const checks = new CheckList()
 *   .equal('successCount is 2', result.successCount, 2)
 *   .atLeast('at least 2 invocations', invocations, 2);
 * checks.all.every((c) => c.passed);
 */
import { isDeepStrictEqual } from 'node:util';

/** One verified fact. */
export interface Check {
  /** The fact, phrased as what must hold ("execution SUCCEEDED"). */
  readonly name: string;
  readonly passed: boolean;
  /** What was observed, and on failure what was expected. */
  readonly details: string;
}

/**
 * Renders a value compactly for check details.
 *
 * @example
 * show(['a', 1]); // '["a",1]'
 */
export function show(value: unknown): string {
  if (value === undefined) {
    return 'undefined';
  }
  const text = JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/** An ordered collection of checks, built fluently. */
export class CheckList {
  private readonly items: Check[] = [];

  /** Every check recorded so far, in order. */
  get all(): Check[] {
    return [...this.items];
  }

  /** Records a check whose outcome was computed by the caller. */
  that(name: string, passed: boolean, details: string): this {
    this.items.push({ name, passed, details });
    return this;
  }

  /** Deep, strict equality (arrays in order, no type coercion). */
  equal(name: string, actual: unknown, expected: unknown): this {
    const passed = isDeepStrictEqual(actual, expected);
    return this.that(name, passed, passed ? `got ${show(actual)}` : `expected ${show(expected)}, got ${show(actual)}`);
  }

  /** `actual >= min`. */
  atLeast(name: string, actual: number, min: number): this {
    return this.that(name, actual >= min, `got ${actual}, need at least ${min}`);
  }

  /** `actual <= max`. */
  atMost(name: string, actual: number, max: number): this {
    return this.that(name, actual <= max, `got ${actual}, allowed at most ${max}`);
  }

  /** `actual < limit`. */
  below(name: string, actual: number, limit: number): this {
    return this.that(name, actual < limit, `got ${actual}, must be below ${limit}`);
  }

  /** `text` contains `needle`. */
  contains(name: string, text: string | undefined, needle: string): this {
    const passed = text !== undefined && text.includes(needle);
    return this.that(name, passed, passed ? `found ${show(needle)}` : `${show(needle)} not found in ${show(text)}`);
  }

  /** Appends checks computed elsewhere. */
  add(checks: readonly Check[]): this {
    this.items.push(...checks);
    return this;
  }
}
