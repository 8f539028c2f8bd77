/**
 * Where a context sits in the execution. A context derives its operations' ids from `idBase` and
 * stamps `parentId` on them; the two differ only for a FLAT batch branch, whose operations hang
 * off the batch while their ids derive from the branch's own (virtual) id.
 */
export interface ContextScope {
  /** Id the context's operation ids derive from (protocol.md §2.7); undefined at the root. */
  readonly idBase: string | undefined;
  /** `ParentId` stamped on the context's operations; undefined at the root. */
  readonly parentId: string | undefined;
  /** Aborted when the context's work is no longer needed; its operations then stop. */
  readonly signal: AbortSignal;
  /** Id shown on this context's log lines. */
  readonly logOperationId: string;
  /** Name shown on this context's log lines. */
  readonly logOperationName?: string;
  /** Human description used in error messages, e.g. `the root context`. */
  readonly description: string;
  /**
   * True when the context's operation completed in an earlier invocation and its code runs again
   * only to rebuild a value too large to store (ReplayChildren): everything it does is replay.
   * Contexts created inside inherit it.
   */
  readonly rebuilding?: boolean;
}
