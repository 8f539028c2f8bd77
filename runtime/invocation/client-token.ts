import { createHash } from 'node:crypto';

/** Characters of a checkpoint call's ClientToken: 12 base64url characters carry 72 bits. */
export const CLIENT_TOKEN_LENGTH = 12;

/**
 * The `ClientToken` of the CheckpointDurableExecution call that consumes `checkpointToken`: the
 * first 12 characters of the base64url SHA-256 of that token.
 *
 * The ClientToken is the call's idempotency key (protocol.md §3.1): the service answers a request
 * that repeats a ClientToken within 15 minutes with the stored response of the first one instead
 * of applying it again. Left out, the AWS SDK fills it with a random 36-character UUID; this
 * derivation sends 24 bytes fewer per call and keeps both properties the key needs:
 * - Same call, same token. The SDK retries a failed attempt by re-sending the identical request,
 *   and a call is built once from the token it consumes, so every attempt carries the same
 *   ClientToken and a retry after a lost response gets the stored answer, not "Invalid checkpoint
 *   token".
 * - Different calls, different tokens. Every call consumes a different CheckpointToken: each one
 *   is accepted once and the next call must use the fresh one the service returned. Distinct
 *   inputs give distinct SHA-256 digests, and 72 bits of them behave as a uniform random value,
 *   so by the birthday bound the chance that two of n calls share a ClientToken is at most
 *   n(n−1)/2 / 2^72. Only calls within 15 minutes of each other can be confused (the service
 *   forgets a token after that), and calls are sequential round trips, so even a million calls
 *   in that window give 5 × 10^11 / 4.7 × 10^21 ≈ 10^-10; a full-size execution of 3,000
 *   operations makes a few thousand calls, about 10^-15. That holds whether the service scopes the
 *   key to the execution (as documented for the emulator) or wider, since CheckpointTokens of
 *   different executions differ too.
 *
 * The value is 12 characters of `[A-Za-z0-9_-]`, inside the model's 1–64 characters of `[\x21-\x7E]`.
 *
 * @example
 * clientTokenFor(event.CheckpointToken); // 12 characters, the same for every retry of this call
 */
export function clientTokenFor(checkpointToken: string): string {
  return createHash('sha256').update(checkpointToken).digest('base64url').slice(0, CLIENT_TOKEN_LENGTH);
}
