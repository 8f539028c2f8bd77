/**
 * The handler output contract (protocol.md §1.3): what a returned value means to the service.
 */
import type { ErrorObject } from '@aws-sdk/client-lambda';
import { MAX_INVOCATION_RESPONSE_BYTES, utf8Bytes } from './limits';
import { errorObjectProblem } from './validation';
import { deepCopy } from './clone';
import type { ExecutionRecord, InvocationRecord } from './records';

/** A handler output, classified. */
export type ParsedInvocationOutput =
  | { readonly kind: 'SUCCEEDED'; readonly result?: string }
  | { readonly kind: 'FAILED'; readonly error: ErrorObject }
  | { readonly kind: 'PENDING' }
  /** Not a valid output: the invocation counts as failed (an invocation error). */
  | { readonly kind: 'INVALID'; readonly error: ErrorObject };

/** `ErrorType` of the invocation error recorded for an output that breaks §1.3. */
export const INVALID_OUTPUT_ERROR_TYPE = 'InvalidDurableExecutionOutput';

function invalid(message: string): ParsedInvocationOutput {
  return { kind: 'INVALID', error: { ErrorType: INVALID_OUTPUT_ERROR_TYPE, ErrorMessage: message } };
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    const text = JSON.stringify(value);
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return String(value);
  }
}

/**
 * Classifies the value a handler returned. The value is the parsed JSON response (an object), as a
 * host gets it after decoding the Lambda response; anything else is INVALID.
 *
 * @example parseInvocationOutput({ Status: 'SUCCEEDED', Result: '42' }) // { kind: 'SUCCEEDED', result: '42' }
 */
export function parseInvocationOutput(output: unknown): ParsedInvocationOutput {
  const expected = 'expected {Status: "SUCCEEDED", Result?: string}, {Status: "FAILED", Error: ErrorObject} or {Status: "PENDING"}';
  if (output === null || typeof output !== 'object' || Array.isArray(output)) {
    return invalid(`The handler returned ${describe(output)}; ${expected}. Is the handler wrapped as a durable function?`);
  }
  let size: number;
  try {
    size = utf8Bytes(JSON.stringify(output));
  } catch (e) {
    return invalid(`The handler output cannot be serialized to JSON (${(e as Error).message}).`);
  }
  if (size > MAX_INVOCATION_RESPONSE_BYTES) {
    return invalid(`Response payload size (${size} bytes) exceeded maximum allowed payload size (${MAX_INVOCATION_RESPONSE_BYTES} bytes).`);
  }
  const o = output as Record<string, unknown>;
  switch (o.Status) {
    case 'SUCCEEDED': {
      const result = o.Result;
      if (typeof result === 'string') return { kind: 'SUCCEEDED', result };
      if (result === undefined) return { kind: 'SUCCEEDED' };
      return invalid(`The handler returned SUCCEEDED with a non-string Result (${describe(result)}); Result must be JSON text.`);
    }
    case 'FAILED': {
      const problem = o.Error === undefined ? 'Error is required' : errorObjectProblem(o.Error);
      if (problem) {
        return invalid(`The handler returned FAILED with an invalid Error: ${problem}.`);
      }
      return { kind: 'FAILED', error: deepCopy(o.Error as ErrorObject) };
    }
    case 'PENDING':
      return { kind: 'PENDING' };
    default:
      return invalid(`The handler returned ${describe(output)}; ${expected}.`);
  }
}

/**
 * Whether a PENDING output is one the invocation could rightly return. It is judged against what
 * the invocation saw, its state as of its last checkpoint response: a wait that fired or a callback
 * that completed after that point was invisible to it, so PENDING was correct for the state it had
 * (and the service re-invokes at once, protocol.md §4.3). Only when nothing changed since and
 * nothing is pending is PENDING a broken output.
 *
 * @example pendingIsLegitimate(exec, inv, hasPendingOperation(exec))
 */
export function pendingIsLegitimate(exec: ExecutionRecord, inv: InvocationRecord, pendingNow: boolean): boolean {
  if (exec.pendingClose || pendingNow) return true;
  return exec.changeSeq > inv.lastDeliveredSeq;
}
