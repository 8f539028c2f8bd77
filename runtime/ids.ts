import { createHash } from 'node:crypto';

/**
 * Derives the wire `Id` of an operation (protocol.md §2.7).
 *
 * Every context numbers its operations 1, 2, 3… in call order; the id is the lowercase hex SHA-256 of
 * `"<n>"` at the root and of `"<parent id>-<n>"` inside a child context, where the parent id is the
 * enclosing context's own (already hashed) id. Hashing keeps ids within the service's 64-character
 * limit at any nesting depth while staying a pure function of the call path.
 *
 * @example
 * operationId(undefined, 1); // '6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b'
 * operationId(operationId(undefined, 1), 1); // first operation inside that child context
 */
export function operationId(parentId: string | undefined, counter: number): string {
  const raw = parentId === undefined ? `${counter}` : `${parentId}-${counter}`;
  return createHash('sha256').update(raw).digest('hex');
}
