import { createHash } from 'node:crypto';
import type { CheckpointDurableExecutionCommand } from '@aws-sdk/client-lambda';

/** Characters of the fallback ClientToken: 12 base64url characters carry 72 bits. */
export const CLIENT_TOKEN_LENGTH = 12;

/** Name of the build step {@link withoutClientToken} adds (the in-process test client looks for it). */
export const OMIT_CLIENT_TOKEN_STEP = 'cdkDurableOmitClientToken';

/**
 * Makes a CheckpointDurableExecution call go out without a `ClientToken`.
 *
 * The ClientToken is optional (protocol.md §3.1). It only matters when the SDK retries a call
 * whose response was lost after the service applied it: with a token the service answers the
 * retry with the stored response; without one the retry re-sends a consumed CheckpointToken, the
 * service answers "Invalid checkpoint token", and the runtime ends the invocation with an error
 * (§3.3), after which the service invokes the function again and it replays from what was
 * checkpointed, the lost call included. Nothing is lost or applied twice either way; the rare
 * lost response costs one re-invocation instead of 29 to 53 bytes on every call.
 *
 * The SDK fills a left-out ClientToken with a random UUID, so the call is built with the token
 * {@link clientTokenFor} derives and a build step takes that member out of the serialized body
 * before its length is computed. Should a future SDK serialize the member differently, the body
 * keeps the derived token, which is a valid idempotency key (see {@link clientTokenFor}).
 *
 * @example
 * const command = withoutClientToken(new CheckpointDurableExecutionCommand({ ...input, ClientToken: clientTokenFor(token) }));
 */
export function withoutClientToken(command: CheckpointDurableExecutionCommand): CheckpointDurableExecutionCommand {
  const clientToken = command.input.ClientToken;
  if (clientToken === undefined) return command;
  command.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { body?: unknown };
      if (typeof request.body === 'string' || request.body instanceof Uint8Array) request.body = stripClientToken(request.body, clientToken);
      return next(args);
    },
    // 'high' runs before the SDK's content-length step (build, normal priority) and before any signing.
    { step: 'build', priority: 'high', name: OMIT_CLIENT_TOKEN_STEP },
  );
  return command;
}

/**
 * `body` (a serialized request, as text or bytes) without its `"ClientToken":"<clientToken>"`
 * member, or unchanged when the member is not there in exactly that form. The pattern cannot
 * match inside a string value: JSON escapes the quotes of any text a payload carries. The SDK's
 * JSON serializer writes bytes; the search runs backwards, since the member comes last.
 *
 * @example
 * stripClientToken('{"CheckpointToken":"t","ClientToken":"abc"}', 'abc'); // '{"CheckpointToken":"t"}'
 */
export function stripClientToken(body: string, clientToken: string): string;
export function stripClientToken(body: Uint8Array, clientToken: string): Uint8Array;
export function stripClientToken(body: string | Uint8Array, clientToken: string): string | Uint8Array;
export function stripClientToken(body: string | Uint8Array, clientToken: string): string | Uint8Array {
  const member = `"ClientToken":${JSON.stringify(clientToken)}`;
  if (typeof body === 'string') {
    const [from, to] = memberSpan(body.lastIndexOf(member), member.length, (i) => body[i] === ',');
    return from < 0 ? body : body.slice(0, from) + body.slice(to);
  }
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const [from, to] = memberSpan(bytes.lastIndexOf(member), Buffer.byteLength(member), (i) => bytes[i] === 0x2c);
  return from < 0 ? body : Buffer.concat([bytes.subarray(0, from), bytes.subarray(to)]);
}

/** Where the member found at `at` (or -1) ends up cut, with the comma before it, else the one after it. */
function memberSpan(at: number, length: number, isComma: (index: number) => boolean): [number, number] {
  if (at < 0) return [-1, -1];
  if (isComma(at - 1)) return [at - 1, at + length];
  return [at, isComma(at + length) ? at + length + 1 : at + length];
}

/**
 * A ClientToken for the CheckpointDurableExecution call that consumes `checkpointToken`: the first
 * 12 characters of the base64url SHA-256 of that token. It is what a call carries only if
 * {@link withoutClientToken} cannot take the member out.
 *
 * It keeps both properties an idempotency key needs:
 * - Same call, same token. The SDK retries a failed attempt by re-sending the identical request,
 *   and a call is built once from the token it consumes.
 * - Different calls, different tokens. Every call consumes a different CheckpointToken, and 72
 *   bits of distinct SHA-256 digests behave as a uniform random value: by the birthday bound the
 *   chance that two of n calls within the service's 15-minute window share one is at most
 *   n(n−1)/2 / 2^72, about 10^-10 even for a million calls.
 *
 * The value is 12 characters of `[A-Za-z0-9_-]`, inside the model's 1–64 characters of `[\x21-\x7E]`.
 *
 * @example
 * clientTokenFor(event.CheckpointToken); // 12 characters, the same for every retry of this call
 */
export function clientTokenFor(checkpointToken: string): string {
  return createHash('sha256').update(checkpointToken).digest('base64url').slice(0, CLIENT_TOKEN_LENGTH);
}
