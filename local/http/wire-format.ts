/**
 * Conversions between the `@aws-sdk/client-lambda` model shapes the service core speaks and the
 * REST-JSON wire format the SDK's serializers produce and its deserializers accept
 * (protocol.md §0).
 */
import { HttpServiceError } from './service-errors';

/**
 * Converts a model value into its JSON wire form: every `Date` becomes epoch seconds (fractions
 * kept, because the SDK rejects ISO strings in JSON bodies), and `undefined`/`null` members are
 * left out so that absent optional members stay absent.
 *
 * @example
 * toWireValue({ StartTimestamp: new Date(1733400000123), EndTimestamp: undefined });
 * // → { StartTimestamp: 1733400000.123 }
 */
export function toWireValue(value: unknown): unknown {
  if (value instanceof Date) {
    return value.getTime() / 1000;
  }
  if (Array.isArray(value)) {
    return value.filter((item) => item !== undefined && item !== null).map(toWireValue);
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined && member !== null) {
        out[key] = toWireValue(member);
      }
    }
    return out;
  }
  return value;
}

/**
 * Serializes a model value as a JSON response body (see {@link toWireValue}).
 *
 * @example
 * encodeJsonBody({ StopTimestamp: new Date(0) }); // '{"StopTimestamp":0}'
 */
export function encodeJsonBody(value: unknown): string {
  return JSON.stringify(toWireValue(value));
}

/**
 * Typed, validating access to a request's query string. Every malformed value becomes a 400
 * `InvalidParameterValueException` naming the parameter, so a bad query never reaches the core.
 *
 * @example
 * const q = new QueryReader(new URLSearchParams('MaxItems=5&ReverseOrder=true'));
 * q.integer('MaxItems', 0, 1000); // 5
 * q.boolean('ReverseOrder');      // true
 */
export class QueryReader {
  constructor(private readonly params: URLSearchParams) {}

  /** The single value of `name`, or undefined when absent. Repeating a scalar is rejected. */
  string(name: string): string | undefined {
    const values = this.params.getAll(name);
    if (values.length > 1) {
      throw invalidQuery(name, `must appear at most once, got ${values.length} values`);
    }
    return values[0];
  }

  /** Every value of a repeated key (`Statuses=A&Statuses=B`), or undefined when absent. */
  list(name: string): string[] | undefined {
    const values = this.params.getAll(name);
    return values.length === 0 ? undefined : values;
  }

  /** A decimal integer within `[min, max]`. */
  integer(name: string, min: number, max: number): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) {
      return undefined;
    }
    if (!/^-?\d+$/.test(raw)) {
      throw invalidQuery(name, `must be a decimal integer, got '${raw}'`);
    }
    const value = Number(raw);
    if (value < min || value > max) {
      throw invalidQuery(name, `must be between ${min} and ${max}, got ${value}`);
    }
    return value;
  }

  /** `true` or `false` (case-insensitive, as the SDK writes them). */
  boolean(name: string): boolean | undefined {
    const raw = this.string(name);
    if (raw === undefined) {
      return undefined;
    }
    const lower = raw.toLowerCase();
    if (lower !== 'true' && lower !== 'false') {
      throw invalidQuery(name, `must be 'true' or 'false', got '${raw}'`);
    }
    return lower === 'true';
  }

  /** An ISO-8601 timestamp (the SDK's query format) or, leniently, epoch seconds. */
  timestamp(name: string): Date | undefined {
    const raw = this.string(name);
    if (raw === undefined) {
      return undefined;
    }
    const millis = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) * 1000 : Date.parse(raw);
    if (!Number.isFinite(millis)) {
      throw invalidQuery(name, `must be an ISO-8601 timestamp such as 2024-12-05T12:00:00.123Z, got '${raw}'`);
    }
    return new Date(millis);
  }
}

function invalidQuery(name: string, problem: string): HttpServiceError {
  return new HttpServiceError('InvalidParameterValueException', `Query parameter ${name} ${problem}.`);
}
