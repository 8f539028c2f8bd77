/**
 * Callback ids: base64 of (execution id, operation id), so that a callback API call finds its
 * callback without any other index (protocol.md §6.6). Valid per §2.1: base64 alphabet, ≤ 1024 chars.
 */
import { fromBase64, isBase64, toBase64 } from './base64';

const PREFIX = 'cb1';

/** Where a callback lives. */
export interface CallbackAddress {
  readonly executionId: string;
  readonly operationId: string;
}

/**
 * Encodes a callback id.
 * @example encodeCallbackId({ executionId: '6f1c…', operationId: 'ab12' })
 */
export function encodeCallbackId(address: CallbackAddress): string {
  return toBase64(`${PREFIX}:${address.executionId}:${address.operationId}`);
}

/**
 * Decodes a callback id, or returns undefined when it was not made by {@link encodeCallbackId}.
 * @example decodeCallbackId(id)?.operationId
 */
export function decodeCallbackId(callbackId: string): CallbackAddress | undefined {
  if (typeof callbackId !== 'string' || callbackId.length === 0 || callbackId.length > 1024 || !isBase64(callbackId)) {
    return undefined;
  }
  const text = fromBase64(callbackId);
  const parts = text.split(':');
  if (parts.length !== 3 || parts[0] !== PREFIX || !parts[1] || !parts[2]) {
    return undefined;
  }
  const address = { executionId: parts[1], operationId: parts[2] };
  // Base64 decoding is lenient; only the canonical encoding names the callback.
  return encodeCallbackId(address) === callbackId ? address : undefined;
}
