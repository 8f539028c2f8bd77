/**
 * Chained invokes (CHAINED_INVOKE operations): a target that is a durable function of this
 * service runs as its own execution, whose end completes the operation (executions.ts); any
 * other target waits in a queue for a host to perform it and report back.
 */
import type { OperationUpdate } from '@aws-sdk/client-lambda';
import type { ChainedInvokeOutcome, ChainedInvokeRequest } from './api';
import type { CoreState } from './core-state';
import { CoreServiceError, invalidParameter, notFound } from './errors';
import { finishExecution, startExecution } from './executions';
import { finishChainedInvoke, type ChainedStart } from './operation-state';
import { awaitsResult, isActive, type ExecutionRecord, type OperationRecord } from './records';
import { serviceChanged } from './scheduling';
import { assertErrorObject } from './validation';

/**
 * Starts the target of a CHAINED_INVOKE START update. Called while the update is applied, so a
 * failure to start becomes the operation's failure instead of the checkpoint's.
 */
export function startChainedInvoke(state: CoreState, exec: ExecutionRecord, rec: OperationRecord, u: OperationUpdate): ChainedStart {
  const options = u.ChainedInvokeOptions as NonNullable<OperationUpdate['ChainedInvokeOptions']>;
  const operationId = rec.op.Id as string;
  const target = {
    functionName: options.FunctionName as string,
    ...(u.Payload !== undefined ? { payload: u.Payload } : {}),
    ...(options.TenantId !== undefined ? { tenantId: options.TenantId } : {}),
  };
  if (!state.functions.isRegisteredTarget(options.FunctionName)) {
    rec.chained = { ...target, hostPerformed: true, dispatched: false };
    state.hostInvokes.set(hostInvokeKey(exec.arn, operationId), { executionArn: exec.arn, operationId });
    state.wakes.notify(exec.arn, 'chained-invoke');
    return { kind: 'host' };
  }
  rec.chained = { ...target, hostPerformed: false, dispatched: true };
  try {
    const started = startExecution(
      state,
      { functionName: target.functionName, payload: u.Payload, invocationType: 'Event' },
      { executionArn: exec.arn, operationId },
    );
    rec.chained.targetExecutionArn = started.executionArn;
    return { kind: 'durable', executionArn: started.executionArn, executedVersion: started.executedVersion };
  } catch (err) {
    if (err instanceof CoreServiceError) {
      return { kind: 'failed', error: { ErrorType: err.name, ErrorMessage: err.message } };
    }
    throw err;
  }
}

/** Stops the durable target of a cancelled chained invoke, if it still runs. */
export function cancelChainedTarget(state: CoreState, targetExecutionArn: string): void {
  const target = state.executions.get(targetExecutionArn);
  if (target && isActive(target)) {
    finishExecution(state, target, 'STOPPED', {
      error: { ErrorType: 'ChainedInvokeCancelled', ErrorMessage: 'The calling execution cancelled this chained invoke.' },
    });
  }
}

/**
 * The chained invokes waiting for a host, in request order. With `take`, each is marked as
 * dispatched so that it is handed out only once. Entries whose operation no longer waits
 * (cancelled, execution ended) are dropped on the way.
 *
 * @example for (const request of hostChainedInvokes(state, true)) perform(request);
 */
export function hostChainedInvokes(state: CoreState, take: boolean): ChainedInvokeRequest[] {
  const out: ChainedInvokeRequest[] = [];
  for (const [key, { executionArn, operationId }] of state.hostInvokes) {
    const exec = state.executions.get(executionArn);
    const rec = exec?.operationsById.get(operationId);
    if (!exec || !rec?.chained || !awaitsResult(exec, rec)) {
      state.hostInvokes.delete(key);
      continue;
    }
    if (rec.chained.dispatched) continue;
    if (take) rec.chained.dispatched = true;
    out.push({
      executionArn,
      operationId,
      functionName: rec.chained.functionName,
      ...(rec.chained.payload !== undefined ? { payload: rec.chained.payload } : {}),
      ...(rec.chained.tenantId !== undefined ? { tenantId: rec.chained.tenantId } : {}),
    });
  }
  return out;
}

/**
 * Completes a chained invoke a host performed.
 * @returns false when the operation no longer waited for it (cancelled, execution ended).
 * @throws CoreServiceError 404 for an unknown operation, 400 for a malformed outcome.
 */
export function completeChainedInvoke(state: CoreState, executionArn: string, operationId: string, outcome: ChainedInvokeOutcome): boolean {
  const exec = state.executions.lookup(executionArn);
  const rec = exec.operationsById.get(operationId);
  if (!rec || rec.op.Type !== 'CHAINED_INVOKE') {
    throw notFound(`No CHAINED_INVOKE operation ${operationId} in ${exec.arn}.`);
  }
  if (outcome.status !== 'SUCCEEDED') assertErrorObject(outcome.error, 'chained invoke error');
  else if (outcome.result !== undefined && typeof outcome.result !== 'string') {
    throw invalidParameter('A chained invoke result must be JSON text.');
  }
  state.hostInvokes.delete(hostInvokeKey(exec.arn, operationId));
  if (!awaitsResult(exec, rec)) {
    return false;
  }
  finishChainedInvoke(exec, rec, outcome, state.clock.now());
  serviceChanged(state, exec);
  return true;
}

function hostInvokeKey(executionArn: string, operationId: string): string {
  return `${executionArn}\u0000${operationId}`;
}
