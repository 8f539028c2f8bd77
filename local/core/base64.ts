/**
 * The base64 text that callback ids, checkpoint tokens and page markers are made of (protocol.md
 * §2.1 allows only the base64 alphabet for ids and tokens).
 */

const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * True when the text uses only the base64 alphabet with at most two `=` of padding.
 * @example isBase64('Y2IxOmE6Yg==') // true
 */
export function isBase64(text: string): boolean {
  return BASE64_RE.test(text);
}

/**
 * The base64 encoding of a text's UTF-8 bytes.
 * @example toBase64('state:100') // 'c3RhdGU6MTAw'
 */
export function toBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/**
 * The text whose UTF-8 bytes a base64 string encodes. Decoding is lenient, so callers that need
 * one canonical form compare `toBase64` of the result with the input.
 * @example fromBase64('c3RhdGU6MTAw') // 'state:100'
 */
export function fromBase64(text: string): string {
  return Buffer.from(text, 'base64').toString('utf8');
}
