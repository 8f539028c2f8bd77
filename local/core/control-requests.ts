/**
 * What Pause, Resume and Delete share (protocol.md §9.1, §9.2): finding the execution with the
 * emulator's messages, checking `Reason` and `ClientToken`, and answering a repeated request.
 */
import { parseExecutionArn } from './arns';
import type { CoreState } from './core-state';
import { invalidParameter, notFound } from './errors';
import { CLIENT_TOKEN_TTL_MS } from './limits';
import type { ControlRequestEntry, ExecutionRecord } from './records';
import { isClientTokenShape } from './tokens';

/** Longest `Reason` of a Pause or Resume (§9.1). */
export const MAX_CONTROL_REASON_LENGTH = 1024;

/** The emulator's messages for the control APIs (§9.1), so tests and callers can match them. */
export const ControlMessages = {
  invalidArn: 'Invalid durable execution ARN.',
  notFound: 'Durable execution not found.',
  reasonTooLong: `Reason must be at most ${MAX_CONTROL_REASON_LENGTH} characters.`,
  clientTokenReused: 'ClientToken was already used with different parameters.',
  cannotPause: (status: string) => `Cannot pause an execution in status ${status}.`,
  cannotResume: (status: string) => `Cannot resume an execution in status ${status}.`,
  cannotDelete: (status: string) =>
    `Cannot delete an execution in status ${status}; it must be SUCCEEDED, FAILED, TIMED_OUT or STOPPED.`,
} as const;

/** Which control API a ClientToken was given to: a token is scoped to one API (§9.2). */
export type ControlApi = 'PauseDurableExecution' | 'ResumeDurableExecution';

/**
 * The execution a control call names.
 * @throws CoreServiceError 400 for a malformed ARN, 404 for an unknown, deleted or expired one.
 */
export function lookupForControl(state: CoreState, arn: unknown): ExecutionRecord {
  if (typeof arn !== 'string' || !parseExecutionArn(arn)) {
    throw invalidParameter(ControlMessages.invalidArn);
  }
  const exec = state.executions.live(arn);
  if (!exec) throw notFound(ControlMessages.notFound);
  return exec;
}

/** The request's `Reason`, checked (a string of at most 1024 characters). */
export function checkReason(reason: unknown): string | undefined {
  if (reason === undefined) return undefined;
  if (typeof reason !== 'string') throw invalidParameter('Reason must be a string.');
  if (reason.length > MAX_CONTROL_REASON_LENGTH) throw invalidParameter(ControlMessages.reasonTooLong);
  return reason;
}

/** The request's `ClientToken`, checked like the checkpoint's (emulator rule, §9.1). */
export function checkControlClientToken(clientToken: unknown): string | undefined {
  if (clientToken === undefined) return undefined;
  if (typeof clientToken !== 'string' || !isClientTokenShape(clientToken)) {
    throw invalidParameter('Invalid ClientToken: use 1-64 printable ASCII characters without spaces.');
  }
  return clientToken;
}

/** The parameters a repeat must match. */
export interface ControlParameters {
  readonly reason?: string;
  readonly timeoutPaused?: boolean;
}

/**
 * True when this request repeats an accepted one with the same ClientToken and parameters within
 * 15 minutes: it is answered as accepted and changes nothing (§9.2).
 * @throws CoreServiceError 400 when the token was used with other parameters.
 */
export function isRepeat(exec: ExecutionRecord, api: ControlApi, clientToken: string | undefined, params: ControlParameters, now: number): boolean {
  if (clientToken === undefined || !exec.controlRequests) return false;
  const entry = exec.controlRequests.get(controlKey(api, clientToken));
  if (!entry || entry.expiresAt <= now) return false;
  if (entry.reason !== params.reason || entry.timeoutPaused !== params.timeoutPaused) {
    throw invalidParameter(ControlMessages.clientTokenReused);
  }
  return true;
}

/** Keeps an accepted request for 15 minutes so that its retries are answered, not applied again. */
export function rememberControlRequest(
  exec: ExecutionRecord,
  api: ControlApi,
  clientToken: string | undefined,
  params: ControlParameters,
  now: number,
): void {
  if (clientToken === undefined) return;
  const requests = exec.controlRequests ?? new Map<string, ControlRequestEntry>();
  exec.controlRequests = requests;
  for (const [key, entry] of requests) {
    if (entry.expiresAt <= now) requests.delete(key);
  }
  requests.set(controlKey(api, clientToken), { ...params, expiresAt: now + CLIENT_TOKEN_TTL_MS });
}

function controlKey(api: ControlApi, clientToken: string): string {
  return `${api}\u0000${clientToken}`;
}
