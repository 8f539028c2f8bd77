import { createHash } from 'node:crypto';

/** Characters of a hashed operation id: 12 base64url characters carry 72 bits of the SHA-256 digest. */
export const OPERATION_ID_LENGTH = 12;

/**
 * Derives the wire `Id` of an operation (protocol.md §2.7; the service takes any 1–64 characters
 * of `[a-zA-Z0-9-_]`).
 *
 * Every context numbers its operations 1, 2, 3… in call order. An operation's call path is `"<n>"`
 * at the root and `"<parent id>-<n>"` inside a child context, where the parent id is the enclosing
 * context's own wire id. The id is that path itself while it is shorter than 12 characters
 * (`"7"`, `"2990"`, `"3-41-1"`: every operation of an ordinary workflow), and otherwise the first
 * 12 characters of the base64url SHA-256 of the path, so ids stay a pure function of the call
 * path and at most 12 characters at any nesting depth.
 *
 * Why no two operations of an execution share an id:
 * - A path id (fewer than 12 characters) only ever has path-id ancestors, since a hashed parent
 *   makes every child's path at least 14 characters long. It is therefore the decimal counters of
 *   its ancestors and its own, joined by `-`; counters have no leading zero and no `-`, so the
 *   string spells exactly one call path: distinct operations, distinct path ids.
 * - A hashed id has exactly 12 characters, a path id fewer: no hashed id equals a path id.
 * - Two hashed ids come from distinct paths (a path is `"<parent id>-<n>"` and parses back from
 *   its last `-`; parent ids are distinct by induction). SHA-256 truncated to 72 bits behaves as a
 *   uniform random value, so by the birthday bound the chance that any two of n hashed ids
 *   coincide is at most n(n−1)/2 / 2^72. The service holds at most 3,000 operations per execution
 *   (protocol.md §7): for n = 3,000 that is 4.5 × 10^6 / 4.7 × 10^21 < 10^-15 per execution.
 *   Should it ever happen, the two operations would share a recorded copy, and the replay checks
 *   of type, name and subtype (NonDeterministicError) catch every such pair that differs in any
 *   of them.
 *
 * @example
 * operationId(undefined, 1); // '1'
 * operationId('1', 2); // '1-2': the second operation inside the context with id '1'
 * operationId('1-2-3-4-5', 16); // '1-2-3-4-5-16' is 12 characters, so its hash: '_y--KozQNXie'
 */
export function operationId(parentId: string | undefined, counter: number): string {
  const path = parentId === undefined ? `${counter}` : `${parentId}-${counter}`;
  if (path.length < OPERATION_ID_LENGTH) return path;
  return createHash('sha256').update(path).digest('base64url').slice(0, OPERATION_ID_LENGTH);
}
