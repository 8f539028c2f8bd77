/**
 * Checkpoint tokens: opaque base64 strings, one chain per invocation (protocol.md §3.1).
 */
import { isBase64, toBase64 } from './base64';
import { INVALID_CHECKPOINT_TOKEN, invalidParameter } from './errors';
import { CheckpointMessages } from './validation';

const CLIENT_TOKEN_RE = /^[\x21-\x7E]{1,64}$/;

/**
 * A new checkpoint token. It embeds the execution id and the invocation and token sequence numbers
 * only to make it unique and readable in logs; the service never parses it back.
 *
 * @example newCheckpointToken(execId, 2, 5, randomUUID())
 */
export function newCheckpointToken(executionId: string, invocationSeq: number, tokenSeq: number, nonce: string): string {
  return toBase64(`ct1:${executionId}:${invocationSeq}:${tokenSeq}:${nonce}`);
}

/** True when the string has the shape of a checkpoint token (§2.1: 1-2048 chars of the base64 alphabet). */
export function isCheckpointTokenShape(token: string): boolean {
  return token.length >= 1 && token.length <= 2048 && isBase64(token);
}

/** True when the string is a valid ClientToken (§2.1: 1-64 chars of `[\x21-\x7E]`). */
export function isClientTokenShape(token: string): boolean {
  return CLIENT_TOKEN_RE.test(token);
}

/**
 * The `CheckpointToken` parameter of a data-plane call, checked for presence and shape.
 * @throws CoreServiceError 400 "Checkpoint token is required" or "Invalid checkpoint token".
 * @example const token = requireCheckpointToken(req.CheckpointToken);
 */
export function requireCheckpointToken(token: unknown): string {
  if (token === undefined || token === null || token === '') {
    throw invalidParameter(CheckpointMessages.tokenRequired);
  }
  if (typeof token !== 'string' || !isCheckpointTokenShape(token)) {
    throw invalidParameter(INVALID_CHECKPOINT_TOKEN);
  }
  return token;
}
