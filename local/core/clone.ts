/**
 * Deep copies of model values (plain objects, arrays, Dates, byte arrays).
 *
 * `structuredClone` is not used: in environments with several JavaScript realms (jest's VM
 * contexts) it returns Dates of another realm, which then fail `instanceof Date` in the caller.
 */

/**
 * A deep copy of a JSON-like value in the caller's realm.
 * @example const copy = deepCopy(operation); // copy.StartTimestamp instanceof Date
 */
export function deepCopy<T>(value: T): T {
  return copy(value) as T;
}

function copy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    return value;
  }
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i]);
    return out;
  }
  // getTime first: the realm-independent tag check costs more, and model objects have no getTime.
  if (value instanceof Date || (typeof (value as Date).getTime === 'function' && Object.prototype.toString.call(value) === '[object Date]')) {
    return new Date((value as Date).getTime());
  }
  if (ArrayBuffer.isView(value)) {
    const bytes = value as unknown as Uint8Array;
    return new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    const v = source[key];
    if (v !== undefined) out[key] = copy(v);
  }
  return out;
}
