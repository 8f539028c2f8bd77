/**
 * `CheckpointDurableExecution` (protocol.md §3.1, §4.1): applies a validated request to the
 * execution and answers with the operations the invocation has not seen yet and its next token.
 * A request repeated with the same ClientToken gets the first answer again; the same ClientToken
 * on a different request is refused, so an update is never dropped silently.
 */
import type { CheckpointDurableExecutionRequest, CheckpointDurableExecutionResponse } from '@aws-sdk/client-lambda';
import { cancelChainedTarget, startChainedInvoke } from './chained-invokes';
import { deepCopy } from './clone';
import { executionNow } from './execution-clock';
import type { CoreState } from './core-state';
import { INVALID_CHECKPOINT_TOKEN, invalidParameter } from './errors';
import { executionForToken, invocationForToken, issueNextToken } from './invocations';
import { CLIENT_TOKEN_TTL_MS } from './limits';
import { applyUpdate, type ApplyEnvironment } from './operation-state';
import { settlePauseAtCheckpoint } from './pausing';
import type { ExecutionRecord, RememberedRequest } from './records';
import { changedSince } from './state-view';
import { isClientTokenShape, requireCheckpointToken } from './tokens';
import { planCheckpoint } from './validation';

/**
 * Applies one checkpoint. Validation of the whole request comes first, so a rejected request
 * changes nothing and leaves its token usable. The response given for a ClientToken is also kept
 * for its replays: serialize it or copy it before changing it.
 *
 * @throws CoreServiceError 400 for a bad token, ClientToken or update (§4.1 messages).
 * @example
 * const res = checkpoint(state, { DurableExecutionArn: arn, CheckpointToken: token, Updates: [update] });
 * token = res.CheckpointToken;
 */
export function checkpoint(state: CoreState, req: CheckpointDurableExecutionRequest): CheckpointDurableExecutionResponse {
  const token = requireCheckpointToken(req.CheckpointToken);
  const exec = executionForToken(state, req.DurableExecutionArn);
  const now = executionNow(state, exec);
  const clientToken = checkClientToken(req.ClientToken);
  // The token is checked before any replay: only a token this execution issued may fetch a stored answer.
  if (!exec.tokens.has(token)) throw invalidParameter(INVALID_CHECKPOINT_TOKEN);
  // Native JSON text, not the key-order-free form: comparing that form is needed only on a replay.
  const request = clientToken === undefined ? undefined : { token, updates: JSON.stringify(req.Updates ?? []) };
  // A replay is answered even though its token was consumed by the first delivery.
  const replay = clientToken === undefined ? undefined : exec.clientTokens.get(clientToken);
  if (replay && replay.expiresAt > now) {
    if (!sameRequest(replay.request, request as RememberedRequest)) {
      throw invalidParameter(
        `ClientToken "${clientToken}" was already used with different parameters (another CheckpointToken or other Updates) ` +
          'within the last 15 minutes. Reuse a ClientToken only to retry the identical request; give every new checkpoint a new ClientToken (or leave it out).',
      );
    }
    return deepCopy(replay.response);
  }
  const inv = invocationForToken(exec, token, 'checkpoint');
  const plan = planCheckpoint(req.Updates, {
    operation: (id) => exec.operationsById.get(id)?.op,
    operationCount: exec.operations.length,
    dataBytes: exec.dataBytes,
  });
  (inv.tokens.get(token) as { consumed: boolean }).consumed = true;
  const env = applyEnvironment(state, now);
  for (const planned of plan.updates) {
    applyUpdate(exec, planned, env);
  }
  exec.dataBytes += plan.dataBytes;
  const response: CheckpointDurableExecutionResponse = {
    NewExecutionState: { Operations: changedSince(exec, inv.lastDeliveredSeq) },
  };
  inv.lastDeliveredSeq = exec.changeSeq;
  // Once the handler decided the execution's end, or a pause took effect here (§9.4), it has
  // nothing left to checkpoint.
  if (!exec.pendingClose && !settlePauseAtCheckpoint(state, exec, inv)) {
    response.CheckpointToken = issueNextToken(state, exec, inv);
  }
  if (clientToken !== undefined) {
    rememberResponse(exec, clientToken, response, now, request as RememberedRequest);
  }
  state.wakes.notify(exec.arn, 'checkpoint');
  return response;
}

/** What makes two checkpoint requests the same request: their token and updates, key order aside. */
function sameRequest(first: RememberedRequest, repeat: RememberedRequest): boolean {
  if (first.token !== repeat.token) return false;
  return first.updates === repeat.updates || canonicalJson(JSON.parse(first.updates)) === canonicalJson(JSON.parse(repeat.updates));
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Date) return JSON.stringify(value.getTime());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

function checkClientToken(clientToken: unknown): string | undefined {
  if (clientToken === undefined) return undefined;
  if (typeof clientToken !== 'string' || !isClientTokenShape(clientToken)) {
    throw invalidParameter('Invalid ClientToken: use 1-64 printable ASCII characters without spaces.');
  }
  return clientToken;
}

function rememberResponse(exec: ExecutionRecord, clientToken: string, response: CheckpointDurableExecutionResponse, now: number, request: RememberedRequest): void {
  for (const [key, entry] of exec.clientTokens) {
    if (entry.expiresAt <= now) exec.clientTokens.delete(key);
  }
  // Kept as given (the caller serializes or copies it): every operation in it is already a copy.
  exec.clientTokens.set(clientToken, { response, expiresAt: now + CLIENT_TOKEN_TTL_MS, request });
}

/** What applying updates may do beyond the execution itself: arm timers, start or stop other executions. */
function applyEnvironment(state: CoreState, now: number): ApplyEnvironment {
  return {
    now,
    timers: state.timers,
    startChainedInvoke: (exec, rec, u) => startChainedInvoke(state, exec, rec, u),
    cancelChainedTarget: (arn) => cancelChainedTarget(state, arn),
  };
}
