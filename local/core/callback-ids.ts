/**
 * Callback ids: base64 of (execution id, operation id), so that a callback API call finds its
 * callback without any other index (protocol.md §6.6). Valid per §2.1: base64 alphabet, ≤ 1024 chars.
 */

const PREFIX = 'cb1';
const CALLBACK_ID_RE = /^[A-Za-z0-9+/]+={0,2}$/;

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
  return Buffer.from(`${PREFIX}:${address.executionId}:${address.operationId}`, 'utf8').toString('base64');
}

/**
 * Decodes a callback id, or returns undefined when it was not made by {@link encodeCallbackId}.
 * @example decodeCallbackId(id)?.operationId
 */
export function decodeCallbackId(callbackId: string): CallbackAddress | undefined {
  if (typeof callbackId !== 'string' || callbackId.length === 0 || callbackId.length > 1024 || !CALLBACK_ID_RE.test(callbackId)) {
    return undefined;
  }
  const text = Buffer.from(callbackId, 'base64').toString('utf8');
  const parts = text.split(':');
  if (parts.length !== 3 || parts[0] !== PREFIX || !parts[1] || !parts[2]) {
    return undefined;
  }
  const address = { executionId: parts[1], operationId: parts[2] };
  // Base64 decoding is lenient; only the canonical encoding names the callback.
  return encodeCallbackId(address) === callbackId ? address : undefined;
}
