/**
 * The plain mapping of the HTTP operations onto the service core: every API but Invoke is one
 * synchronous core call. Invoke needs a host and a scheduler, so the caller supplies it.
 */
import type { DurableServiceCoreApi } from '../core/api';
import type { DurableApiBackend, InvokeApiRequest, InvokeApiResult } from './durable-api';

/**
 * A backend that answers straight from `core`, with Invoke delegated to `invoke`.
 *
 * @example
 * const server = await DurableHttpServer.start({
 *   backend: coreBackend(core, async (req) => {
 *     const started = core.startExecution({ ...req, invocationType: 'Event' });
 *     return { kind: 'accepted', executionArn: started.executionArn, executedVersion: started.executedVersion };
 *   }),
 * });
 */
export function coreBackend(
  core: DurableServiceCoreApi,
  invoke: (request: InvokeApiRequest) => Promise<InvokeApiResult>,
): DurableApiBackend {
  return {
    invoke,
    checkpoint: (request) => core.checkpoint(request),
    getState: (request) => core.getState(request),
    getExecution: (request) => core.getExecution(request),
    getHistory: (request) => core.getHistory(request),
    listExecutions: (request) => core.listExecutions(request),
    stopExecution: (request) => core.stopExecution(request),
    pauseExecution: (request) => core.pauseExecution(request),
    resumeExecution: (request) => core.resumeExecution(request),
    deleteExecution: (request) => core.deleteExecution(request),
    sendCallbackSuccess: (callbackId, result) => core.sendCallbackSuccess(callbackId, result),
    sendCallbackFailure: (callbackId, error) => core.sendCallbackFailure(callbackId, error),
    sendCallbackHeartbeat: (callbackId) => core.sendCallbackHeartbeat(callbackId),
  };
}
