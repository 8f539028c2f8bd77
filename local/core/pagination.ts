/**
 * Page sizes and markers of the paginated reads (state, history, list).
 */
import { fromBase64, isBase64, toBase64 } from './base64';
import { invalidParameter } from './errors';
import { DEFAULT_PAGE_ITEMS, MAX_PAGE_ITEMS } from './limits';

/**
 * The page size for a `MaxItems` request parameter: absent or 0 means the default (100).
 * @throws CoreServiceError 400 outside 0–1000.
 * @example pageSize(undefined) // 100
 */
export function pageSize(maxItems: number | undefined): number {
  if (maxItems === undefined || maxItems === 0) {
    return DEFAULT_PAGE_ITEMS;
  }
  if (!Number.isInteger(maxItems) || maxItems < 0 || maxItems > MAX_PAGE_ITEMS) {
    throw invalidParameter(`MaxItems must be an integer from 0 to ${MAX_PAGE_ITEMS}; got ${String(maxItems)}.`);
  }
  return maxItems;
}

/**
 * An opaque marker holding a position in some ordered collection, tagged with what it pages
 * so that a marker from one API is not accepted by another.
 * @example encodeMarker('state', 100)
 */
export function encodeMarker(kind: string, position: number): string {
  return toBase64(`${kind}:${position}`);
}

/**
 * True when the request carries a marker: absent and empty both mean "from the start".
 * @example markerGiven(req.Marker) ? decodeMarker('list', req.Marker) : undefined
 */
export function markerGiven(marker: string | undefined): marker is string {
  return marker !== undefined && marker !== '';
}

/**
 * Reads back a marker made by {@link encodeMarker} for the same `kind`.
 * @throws CoreServiceError 400 for anything else.
 */
export function decodeMarker(kind: string, marker: string): number {
  const text = isBase64(marker) ? fromBase64(marker) : '';
  const m = /^([a-z]+):(\d{1,15})$/.exec(text);
  if (!m || m[1] !== kind || encodeMarker(kind, Number(m[2])) !== marker) {
    throw invalidParameter(`Invalid Marker "${marker}": pass the NextMarker of a previous ${kind} page unchanged.`);
  }
  return Number(m[2]);
}

/**
 * Reads a history marker: the EventId to continue from, as a decimal string (emulator rule, §6.3).
 * @throws CoreServiceError 400 when it is not a positive integer.
 */
export function decodeEventIdMarker(marker: string): number {
  if (!/^[1-9]\d{0,14}$/.test(marker)) {
    throw invalidParameter(`Invalid Marker "${marker}": pass the NextMarker of a previous history page unchanged.`);
  }
  return Number(marker);
}
