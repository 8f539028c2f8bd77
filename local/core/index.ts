/**
 * The pure durable-execution service core: the contract (api.ts) and its one implementation.
 *
 * @example
 * import { DurableServiceCore, CoreServiceError } from './core';
 * const core = new DurableServiceCore({ clock: { now: () => Date.now() } });
 */
export * from './api';
export { DurableServiceCore, type DurableServiceCoreOptions } from './service-core';
export { CoreServiceError, SERVICE_ERROR_STATUS, INVALID_CHECKPOINT_TOKEN } from './errors';
export { CheckpointMessages } from './validation';
export { ControlMessages } from './control-requests';
export { INVALID_OUTPUT_ERROR_TYPE } from './invocation-output';
export {
  DEFAULT_LOCATION,
  LATEST,
  executionArn,
  functionArn,
  parseExecutionArn,
  parseFunctionReference,
  type FunctionReference,
  type ParsedExecutionArn,
  type ServiceLocation,
} from './arns';
export { decodeCallbackId, encodeCallbackId, type CallbackAddress } from './callback-ids';
export * as limits from './limits';
