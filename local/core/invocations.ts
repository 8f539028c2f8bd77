/**
 * The invocation lifecycle (protocol.md §1.3, §4.3): beginning one with its first token and
 * initial state, ending one by applying the handler's output, backing off after invocation
 * errors, and deciding which running invocation a presented token speaks for.
 */
import type { ErrorObject } from '@aws-sdk/client-lambda';
import type { CheckpointTokenInfo, InvocationOutcome, InvocationStart } from './api';
import type { CoreState } from './core-state';
import { INVALID_CHECKPOINT_TOKEN, invalidParameter } from './errors';
import { finishAsDecided, finishExecution } from './executions';
import { INVALID_OUTPUT_ERROR_TYPE, parseInvocationOutput, type ParsedInvocationOutput } from './invocation-output';
import { INVOCATION_RETRY_BASE_MS, INVOCATION_RETRY_MAX_MS } from './limits';
import { hasPendingOperation } from './operation-state';
import { closeInvocation, isOpen, runningInvocation, statusLabel, type ExecutionRecord, type InvocationRecord } from './records';
import { endCutShortInvocation, settlePauseAtInvocationEnd } from './pausing';
import { clearNeedsInvocation, markNeedsInvocation } from './scheduling';
import { statePage } from './state-view';
import { newCheckpointToken } from './tokens';

/**
 * Begins the next invocation of an open execution. Its first token supersedes every older one,
 * since only the newest invocation's tokens are accepted.
 *
 * @throws CoreServiceError 400 when the execution is not open or an invocation is still running.
 * @example const { event } = beginInvocation(state, arn); // hand `event` to the handler
 */
export function beginInvocation(state: CoreState, executionArn: string): InvocationStart {
  const exec = state.executions.lookup(executionArn);
  if (!isOpen(exec)) {
    throw invalidParameter(`Execution ${exec.arn} is ${statusLabel(exec)}; only a RUNNING execution is invoked.`);
  }
  const running = runningInvocation(exec);
  if (running) {
    throw invalidParameter(
      `Invocation ${running.requestId} of ${exec.arn} is still running; end it with endInvocation (an error outcome replaces a timed-out one) before starting another.`,
    );
  }
  const inv = newInvocation(state, exec);
  clearNeedsInvocation(state, exec);
  return {
    invocationId: inv.id,
    requestId: inv.requestId,
    event: {
      DurableExecutionArn: exec.arn,
      CheckpointToken: inv.activeToken,
      InitialExecutionState: statePage(exec, 0, state.initialStatePageSize),
    },
  };
}

function newInvocation(state: CoreState, exec: ExecutionRecord): InvocationRecord {
  const seq = exec.invocations.length + 1;
  const token = newCheckpointToken(exec.id, seq, 1, state.newId());
  const inv: InvocationRecord = {
    id: state.newId(),
    seq,
    requestId: state.newId(),
    startedAt: state.clock.now(),
    tokens: new Map([[token, { consumed: false }]]),
    activeToken: token,
    lastDeliveredSeq: exec.changeSeq,
    serviceChangeSeen: false,
    running: true,
    closedByService: false,
  };
  exec.invocations.push(inv);
  exec.tokens.set(token, inv);
  return inv;
}

/**
 * Ends an invocation with its host's outcome: writes `InvocationCompleted`, then ends the
 * execution, waits, re-invokes at once (§4.3) or backs off after an invocation error (§1.3).
 *
 * @throws CoreServiceError 400 for an unknown invocation or one that already ended on its own.
 * @example endInvocation(state, arn, invocationId, { kind: 'returned', output: { Status: 'PENDING' } })
 */
export function endInvocation(state: CoreState, executionArn: string, invocationId: string, outcome: InvocationOutcome): void {
  const exec = state.executions.lookup(executionArn);
  const inv = exec.invocations.find((i) => i.id === invocationId);
  if (!inv) {
    throw invalidParameter(`Unknown invocation ${invocationId} for ${exec.arn}: pass the invocationId beginInvocation returned.`);
  }
  if (!inv.running) {
    if (inv.closedByService) {
      // The execution was stopped or timed out while it ran; its end is already recorded.
      return;
    }
    throw invalidParameter(`Invocation ${invocationId} of ${exec.arn} has already ended.`);
  }
  const now = state.clock.now();
  const { parsed, error } = classifyOutcome(exec, outcome);
  closeInvocation(exec, inv, now, error, false);
  state.wakes.notify(exec.arn, 'invocation-ended');
  if (inv.cutShortByPause) {
    endCutShortInvocation(state, exec);
    return;
  }
  if (finishAsDecided(state, exec)) {
    return;
  }
  if (parsed?.kind === 'SUCCEEDED') {
    finishExecution(state, exec, 'SUCCEEDED', { result: parsed.result });
  } else if (parsed?.kind === 'FAILED') {
    finishExecution(state, exec, 'FAILED', { error: parsed.error });
  } else if (parsed?.kind === 'PENDING') {
    exec.consecutiveInvocationErrors = 0;
    if (inv.serviceChangeSeen) {
      // Emulator rule (§4.3): the handler may have suspended on stale state; replay is idempotent.
      markNeedsInvocation(state, exec);
    }
  } else {
    backOff(state, exec, now);
  }
  settlePauseAtInvocationEnd(state, exec);
}

/**
 * What an outcome means: the parsed output of a handler that returned, and the error to record
 * in `InvocationCompleted` (an invocation error, or a FAILED output).
 */
function classifyOutcome(exec: ExecutionRecord, outcome: InvocationOutcome): { parsed?: ParsedInvocationOutput; error?: ErrorObject } {
  // Hosts are other processes or user code: the outcome is checked, not trusted.
  if (outcome?.kind === 'error') {
    return { error: sanitizeErrorObject(outcome.error) };
  }
  if (outcome?.kind !== 'returned') {
    return {
      error: { ErrorType: 'InvalidInvocationOutcome', ErrorMessage: 'The host reported an outcome that is neither {kind: "returned"} nor {kind: "error"}.' },
    };
  }
  let parsed = parseInvocationOutput(outcome.output);
  if (parsed.kind === 'PENDING' && !exec.pendingClose && !hasPendingOperation(exec)) {
    parsed = {
      kind: 'INVALID',
      error: { ErrorType: INVALID_OUTPUT_ERROR_TYPE, ErrorMessage: 'Cannot return PENDING status with no pending operations' },
    };
  }
  return parsed.kind === 'INVALID' || parsed.kind === 'FAILED' ? { parsed, error: parsed.error } : { parsed };
}

/** After an invocation error the execution is invoked again, with exponential backoff (§1.3). */
function backOff(state: CoreState, exec: ExecutionRecord, now: number): void {
  exec.consecutiveInvocationErrors++;
  const delay = Math.min(INVOCATION_RETRY_BASE_MS * 2 ** (exec.consecutiveInvocationErrors - 1), INVOCATION_RETRY_MAX_MS);
  state.timers.arm('invocation-retry', exec.arn, '', now + delay);
}

/** The error of an invocation-error outcome, made safe to store even when a host passed junk. */
function sanitizeErrorObject(error: unknown): ErrorObject {
  if (error && typeof error === 'object' && !Array.isArray(error)) {
    const e = error as Record<string, unknown>;
    const out: ErrorObject = {};
    if (typeof e.ErrorType === 'string') out.ErrorType = e.ErrorType;
    if (typeof e.ErrorMessage === 'string') out.ErrorMessage = e.ErrorMessage;
    if (typeof e.ErrorData === 'string') out.ErrorData = e.ErrorData;
    if (Array.isArray(e.StackTrace) && e.StackTrace.every((l) => typeof l === 'string')) out.StackTrace = [...(e.StackTrace as string[])];
    return out;
  }
  return { ErrorMessage: String(error) };
}

/**
 * The execution a data-plane call names. An unknown one makes the token invalid: the data-plane
 * APIs model no 404.
 */
export function executionForToken(state: CoreState, arn: string | undefined): ExecutionRecord {
  const exec = typeof arn === 'string' ? state.executions.live(arn) : undefined;
  if (!exec) throw invalidParameter(INVALID_CHECKPOINT_TOKEN);
  return exec;
}

/**
 * The running invocation a token belongs to. A checkpoint needs the newest unconsumed token;
 * GetState accepts any token of the running invocation (emulator rule, §3.2).
 * @throws CoreServiceError 400 "Invalid checkpoint token" otherwise.
 */
export function invocationForToken(exec: ExecutionRecord, token: string, use: 'checkpoint' | 'state'): InvocationRecord {
  const inv = exec.tokens.get(token);
  if (!inv || inv !== runningInvocation(exec) || !isOpen(exec) || inv.cutShortByPause) {
    throw invalidParameter(INVALID_CHECKPOINT_TOKEN);
  }
  if (use === 'checkpoint' && (token !== inv.activeToken || inv.tokens.get(token)?.consumed)) {
    throw invalidParameter(INVALID_CHECKPOINT_TOKEN);
  }
  return inv;
}

/** Issues the invocation's next token, which from now on is the only one a checkpoint may use. */
export function issueNextToken(state: CoreState, exec: ExecutionRecord, inv: InvocationRecord): string {
  const token = newCheckpointToken(exec.id, inv.seq, inv.tokens.size + 1, state.newId());
  inv.tokens.set(token, { consumed: false });
  inv.activeToken = token;
  exec.tokens.set(token, inv);
  return token;
}

/** Which invocation a token was issued to, or undefined when this execution never issued it. */
export function describeCheckpointToken(state: CoreState, executionArn: string, checkpointToken: string): CheckpointTokenInfo | undefined {
  const exec = state.executions.get(executionArn);
  const inv = exec?.tokens.get(checkpointToken);
  if (!exec || !inv) return undefined;
  return {
    executionArn: exec.arn,
    invocationId: inv.id,
    requestId: inv.requestId,
    invocationNumber: inv.seq,
    current: inv.running && (exec.status === 'RUNNING' || exec.status === 'PAUSING') && !inv.cutShortByPause,
  };
}
