/**
 * Service limits (protocol.md §2.1 and §7), in one place so that messages and checks agree.
 */

/** Operations per execution, the EXECUTION operation included. */
export const MAX_OPERATIONS_PER_EXECUTION = 3000;
/** Cumulative payload and error bytes an execution may write. */
export const MAX_EXECUTION_DATA_BYTES = 100 * 1024 * 1024;
/** Payload of one non-EXECUTION operation update (emulator rule, §4.1 item 10). */
export const MAX_OPERATION_PAYLOAD_BYTES = 256 * 1024;
/** Model maximum of any payload string. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** JSON of an update that carries an Error must not exceed this (§4.1 item 9). */
export const MAX_ERROR_UPDATE_BYTES = 32768;
/** Execution input of a synchronous start. */
export const MAX_SYNC_INPUT_BYTES = 6 * 1024 * 1024;
/** Execution input of an asynchronous start. */
export const MAX_ASYNC_INPUT_BYTES = 1024 * 1024;
/** A Lambda response, which is what the handler output is. */
export const MAX_INVOCATION_RESPONSE_BYTES = 6 * 1024 * 1024;
/** `SendDurableExecutionCallbackSuccess` result body. */
export const MAX_CALLBACK_RESULT_BYTES = 262144;
/** `ExecutionTimeout`, `WaitSeconds`, `NextAttemptDelaySeconds` upper bound (366 days). */
export const MAX_DURATION_SECONDS = 31_622_400;
/** Page size bound of state, history and list pages. */
export const MAX_PAGE_ITEMS = 1000;
/** Page size when `MaxItems` is absent or 0. */
export const DEFAULT_PAGE_ITEMS = 100;
/** How long a checkpoint response is kept for a ClientToken replay. */
export const CLIENT_TOKEN_TTL_MS = 15 * 60 * 1000;
/** Default `RetentionPeriodInDays`. */
export const DEFAULT_RETENTION_DAYS = 14;
/** Delay before re-invoking after a first invocation error (§1.3); it doubles with each further one. */
export const INVOCATION_RETRY_BASE_MS = 1000;
/** The largest delay before re-invoking after invocation errors. */
export const INVOCATION_RETRY_MAX_MS = 60_000;

/** UTF-8 size of a string. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
