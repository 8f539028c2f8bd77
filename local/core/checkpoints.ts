/**
 * `CheckpointDurableExecution` (protocol.md §3.1, §4.1): applies a validated request to the
 * execution and answers with the operations the invocation has not seen yet and its next token.
 * A request repeated with the same ClientToken gets the first answer again.
 */
import type { CheckpointDurableExecutionRequest, CheckpointDurableExecutionResponse } from '@aws-sdk/client-lambda';
import { cancelChainedTarget, startChainedInvoke } from './chained-invokes';
import { deepCopy } from './clone';
import type { CoreState } from './core-state';
import { invalidParameter } from './errors';
import { executionForToken, invocationForToken, issueNextToken } from './invocations';
import { CLIENT_TOKEN_TTL_MS } from './limits';
import { applyUpdate, type ApplyEnvironment } from './operation-state';
import { settlePauseAtCheckpoint } from './pausing';
import type { ExecutionRecord } from './records';
import { changedSince } from './state-view';
import { isClientTokenShape, requireCheckpointToken } from './tokens';
import { planCheckpoint } from './validation';

/**
 * Applies one checkpoint. Validation of the whole request comes first, so a rejected request
 * changes nothing and leaves its token usable.
 *
 * @throws CoreServiceError 400 for a bad token, ClientToken or update (§4.1 messages).
 * @example
 * const res = checkpoint(state, { DurableExecutionArn: arn, CheckpointToken: token, Updates: [update] });
 * token = res.CheckpointToken;
 */
export function checkpoint(state: CoreState, req: CheckpointDurableExecutionRequest): CheckpointDurableExecutionResponse {
  const token = requireCheckpointToken(req.CheckpointToken);
  const exec = executionForToken(state, req.DurableExecutionArn);
  const now = state.clock.now();
  const clientToken = checkClientToken(req.ClientToken);
  // A replay is answered even though its token was consumed by the first delivery.
  const replay = clientToken === undefined ? undefined : exec.clientTokens.get(clientToken);
  if (replay && replay.expiresAt > now) {
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
    rememberResponse(exec, clientToken, response, now);
  }
  state.wakes.notify(exec.arn, 'checkpoint');
  return response;
}

function checkClientToken(clientToken: unknown): string | undefined {
  if (clientToken === undefined) return undefined;
  if (typeof clientToken !== 'string' || !isClientTokenShape(clientToken)) {
    throw invalidParameter('Invalid ClientToken: use 1-64 printable ASCII characters without spaces.');
  }
  return clientToken;
}

function rememberResponse(exec: ExecutionRecord, clientToken: string, response: CheckpointDurableExecutionResponse, now: number): void {
  for (const [key, entry] of exec.clientTokens) {
    if (entry.expiresAt <= now) exec.clientTokens.delete(key);
  }
  exec.clientTokens.set(clientToken, { response: deepCopy(response), expiresAt: now + CLIENT_TOKEN_TTL_MS });
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
