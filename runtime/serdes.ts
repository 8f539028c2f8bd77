import { SerdesError } from './errors';

/** Largest payload the service stores per operation (protocol.md §7). */
export const MAX_OPERATION_PAYLOAD_BYTES = 262_144;

/**
 * Size in UTF-8 bytes of a serialised payload, as the service counts it; no payload is 0.
 *
 * @example
 * if (payloadBytes(payload) > MAX_OPERATION_PAYLOAD_BYTES) recordWithoutPayload();
 */
export function payloadBytes(payload: string | undefined): number {
  return payload === undefined ? 0 : Buffer.byteLength(payload, 'utf8');
}

/**
 * What a serdes is told about the value it handles.
 *
 * @example
 * serialize: (value, { operationId }) => store.put(`results/${operationId}`, value)
 */
export interface SerdesContext {
  /** Id of the operation whose value this is. */
  readonly operationId: string;
  /** ARN of the durable execution. */
  readonly executionArn: string;
}

/**
 * Turns an operation's value into the string stored in its checkpoint and back. `undefined` stands
 * for "no payload". May be asynchronous (e.g. to offload large values to S3 and store a pointer).
 *
 * @example
 * const dates: Serdes<Date> = {
 *   serialize: (d) => d.toISOString(),
 *   deserialize: (s) => new Date(s!),
 * };
 * await ctx.step('now', async () => new Date(), { serdes: dates });
 */
export interface Serdes<T> {
  serialize(value: T, context: SerdesContext): string | undefined | Promise<string | undefined>;
  deserialize(data: string | undefined, context: SerdesContext): T | Promise<T>;
}

/**
 * The default serdes: JSON, with JSON's rules.
 * - `undefined` is stored as no payload and read back as `undefined`; `null` as `"null"`.
 * - A `Date` comes back as its ISO string; a class instance as a plain object (its own enumerable
 *   fields; `toJSON` is honoured); `undefined`, functions and symbols inside an array come back as
 *   `null` and as object fields are left out; `NaN` and `Infinity` come back as `null`.
 * - What JSON would empty silently is refused with a {@link SerdesError}: a `Map` or `Set` (stored
 *   as `{}`) anywhere in the value. So are a `BigInt` and a cycle. Convert such values yourself, or
 *   pass a custom serdes (`{ serdes: { serialize, deserialize } }`).
 *
 * @example
 * await ctx.step('load', load, { serdes: Serdes.json() });
 */
export const Serdes = {
  json<T>(): Serdes<T> {
    return jsonSerdes as Serdes<T>;
  },
} as const;

const jsonSerdes: Serdes<unknown> = {
  serialize(value) {
    if (value === undefined) return undefined;
    const text = JSON.stringify(value, refuseLossyValues);
    // JSON.stringify returns undefined for functions and symbols; treat them like undefined.
    return text;
  },
  deserialize(data) {
    if (data === undefined) return undefined;
    return JSON.parse(data) as unknown;
  },
};

/**
 * `JSON.stringify` by the default serdes' rules: a `Map` or `Set` anywhere in the value throws a
 * `TypeError` that names it instead of being stored as `{}`.
 *
 * @example jsonWithoutLoss({ ids: [1, 2] }) // '{"ids":[1,2]}'
 */
export function jsonWithoutLoss(value: unknown): string | undefined {
  return JSON.stringify(value, refuseLossyValues);
}

/** A JSON replacer that refuses the values JSON would store as `{}` (their content lost). */
function refuseLossyValues(this: unknown, key: string, value: unknown): unknown {
  if (value instanceof Map || value instanceof Set) {
    const kind = value instanceof Map ? 'Map' : 'Set';
    const where = key === '' ? 'the value itself' : `field "${key}"`;
    const convert = kind === 'Map' ? 'Object.fromEntries(map) or [...map]' : '[...set]';
    throw new TypeError(
      `${where} is a ${kind}, which JSON stores as {} (its ${value.size} entries would be lost). ` +
        `Convert it (${convert}) and back, or pass a custom serdes that handles it`,
    );
  }
  return value;
}

/** Describes which value a serdes call was handling, for error messages. */
export interface SerdesSubject {
  /** e.g. `step "charge"` or `child context (unnamed)`. */
  readonly what: string;
  readonly context: SerdesContext;
}

/**
 * Serialises with `serdes`, turning any failure (BigInt, cycles, a throwing custom serdes) into a
 * {@link SerdesError} that names the operation and the fix.
 */
export async function serializeValue<T>(serdes: Serdes<T>, value: T, subject: SerdesSubject): Promise<string | undefined> {
  let data: string | undefined;
  try {
    data = await serdes.serialize(value, subject.context);
  } catch (error) {
    throw new SerdesError(
      `Cannot serialise the result of ${subject.what} (operation ${subject.context.operationId}): ${messageOf(error)}. ` +
        'Return JSON-serialisable data (no BigInt, no cycles) or pass a custom serdes.',
      { cause: error },
    );
  }
  if (data !== undefined && typeof data !== 'string') {
    throw new SerdesError(
      `The serdes of ${subject.what} (operation ${subject.context.operationId}) returned a ${typeof data} from serialize; it must return a string or undefined.`,
    );
  }
  return data;
}

/**
 * {@link serializeValue} without a promise turn when the serdes answers synchronously (the default
 * JSON one always does): the payload itself, or a promise only when `serdes.serialize` returned
 * one. The subject is built only when a custom serdes reads its context or an error names it.
 *
 * @example
 * const data = serializeNow(serdes, value, () => subject);
 * const payload = data instanceof Promise ? await data : data;
 */
export function serializeNow<T>(serdes: Serdes<T>, value: T, subject: () => SerdesSubject): string | undefined | Promise<string | undefined> {
  let data: string | undefined | Promise<string | undefined>;
  try {
    data = serdes === jsonSerdes ? jsonSerdes.serialize(value, NO_CONTEXT) : serdes.serialize(value, subject().context);
  } catch (error) {
    throw serializeError(subject(), error);
  }
  if (!isPromiseLike(data)) return checkedPayload(data, subject);
  return Promise.resolve(data).then(
    (resolved) => checkedPayload(resolved, subject),
    (error: unknown) => {
      throw serializeError(subject(), error);
    },
  );
}

/** The default serdes reads no context. */
const NO_CONTEXT: SerdesContext = { operationId: '', executionArn: '' };

function checkedPayload(data: unknown, subject: () => SerdesSubject): string | undefined {
  if (data !== undefined && typeof data !== 'string') {
    const { what, context } = subject();
    throw new SerdesError(
      `The serdes of ${what} (operation ${context.operationId}) returned a ${typeof data} from serialize; it must return a string or undefined.`,
    );
  }
  return data;
}

function serializeError(subject: SerdesSubject, error: unknown): SerdesError {
  return new SerdesError(
    `Cannot serialise the result of ${subject.what} (operation ${subject.context.operationId}): ${messageOf(error)}. ` +
      'Return JSON-serialisable data (no BigInt, no cycles) or pass a custom serdes.',
    { cause: error },
  );
}

/** Deserialises with `serdes`, turning any failure into a {@link SerdesError}. */
export async function deserializeValue<T>(serdes: Serdes<T>, data: string | undefined, subject: SerdesSubject): Promise<T> {
  try {
    return await serdes.deserialize(data, subject.context);
  } catch (error) {
    throw deserializeError(subject, error);
  }
}

/**
 * {@link deserializeValue} without a promise turn when the serdes answers synchronously: the value
 * itself, or a promise only when `serdes.deserialize` returned one. Replaying a finished batch
 * reads thousands of item results; a promise and an async frame per item cost more than the
 * parsing. The subject is built only when the serdes reads its context or an error names it, so
 * the default JSON serdes never builds one.
 *
 * @example
 * const value = deserializeNow(serdes, record.Result, () => subjectOf(record.Index));
 * const result = value instanceof Promise ? await value : value;
 */
export function deserializeNow<T>(serdes: Serdes<T>, data: string | undefined, subject: () => SerdesSubject): T | Promise<T> {
  let value: T | Promise<T>;
  try {
    value =
      serdes === jsonSerdes ? ((data === undefined ? undefined : JSON.parse(data)) as T) : serdes.deserialize(data, subject().context);
  } catch (error) {
    throw deserializeError(subject(), error);
  }
  if (!isPromiseLike(value)) return value;
  return Promise.resolve(value).catch((error: unknown) => {
    throw deserializeError(subject(), error);
  });
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

function deserializeError(subject: SerdesSubject, error: unknown): SerdesError {
  return new SerdesError(
    `Cannot deserialise the stored result of ${subject.what} (operation ${subject.context.operationId}): ${messageOf(error)}. ` +
      'Check that the serdes matches the one the value was stored with.',
    { cause: error },
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
