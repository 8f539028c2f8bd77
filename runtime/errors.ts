import type { BatchResult } from './batch/batch-result';

/**
 * The runtime's error classes. Every error the runtime raises is a {@link DurableError}; errors that
 * stand for a failed durable operation keep the original error's type in `errorType` and its message,
 * and carry the original (rebuilt from its checkpoint) as `cause`, so the first run and every replay
 * see the same error.
 */

/**
 * Options shared by the error constructors.
 *
 * @example
 * new DurableError('charge failed', { cause: err, errorType: 'CardDeclined' });
 */
export interface DurableErrorOptions {
  /** The underlying error. */
  readonly cause?: unknown;
  /** The `ErrorType` recorded for the operation's original error (its `name`). */
  readonly errorType?: string;
  /** The `ErrorData` recorded with the error, as stored. */
  readonly errorData?: string;
}

/**
 * Base class of every runtime error.
 *
 * @example
 * try { await ctx.step('charge', charge); } catch (e) { if (e instanceof DurableError) log(e.errorType); }
 */
export class DurableError extends Error {
  /** The original error's type (its `name`), when this error stands for a failed operation. */
  readonly errorType?: string;
  /** Extra data recorded with the error (`ErrorData`), as stored. */
  readonly errorData?: string;

  constructor(message: string, options: DurableErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options.errorType !== undefined) this.errorType = options.errorType;
    if (options.errorData !== undefined) this.errorData = options.errorData;
  }
}

/**
 * A step failed: its function threw and the retry strategy gave up (or it was not retryable).
 *
 * @example
 * catch (e) { if (e instanceof StepError && e.errorType === 'CardDeclined') … }
 */
export class StepError extends DurableError {}

/**
 * An `AT_MOST_ONCE_PER_RETRY` attempt was interrupted (the invocation ended after the attempt's START
 * was recorded and before its outcome). It is handed to the retry strategy like any other failure.
 *
 * @example
 * retryStrategy: (error, attempt) => ({ shouldRetry: error instanceof StepInterruptedError && attempt < 3, delay: Duration.seconds(5) })
 */
export class StepInterruptedError extends DurableError {}

/**
 * A child context's function threw (also the error of a failed parallel branch or map item).
 *
 * @example
 * catch (e) { if (e instanceof ChildContextError) console.log(e.errorType, e.message); }
 */
export class ChildContextError extends DurableError {}

/**
 * A callback failed, timed out or its submitter failed.
 *
 * @example
 * catch (e) { if (e instanceof CallbackError && /timed out/.test(e.message)) … }
 */
export class CallbackError extends DurableError {}

/**
 * The workflow code no longer matches the execution's history: at the same operation id the code
 * asks for a different type, name or sub-type than the checkpoint. The execution fails.
 *
 * @example
 * // v1: await ctx.step('charge', …)   v2 (deployed mid-execution): await ctx.step('bill', …)
 * // → NonDeterministicError: operation 1 is named "charge" in the history but "bill" in the code
 */
export class NonDeterministicError extends DurableError {
  constructor(
    message: string,
    /** Id of the operation whose checkpoint disagrees with the code. */
    readonly operationId: string,
    /** Which field disagrees. */
    readonly field: 'Type' | 'Name' | 'SubType' | 'BranchName',
    /** The checkpointed value. */
    readonly recorded: string | undefined,
    /** The value the code asked for. */
    readonly requested: string | undefined,
    /**
     * Where it happened and both sides in full, for tools such as the replay gate; also recorded
     * as the error's `ErrorData` (JSON), so it survives the trip through the handler output.
     */
    readonly details?: NonDeterminismDetails,
  ) {
    super(message, details === undefined ? {} : { errorData: JSON.stringify(details) });
  }
}

/**
 * The structured description of a {@link NonDeterministicError} (its `ErrorData`, as JSON).
 *
 * @example
 * const details = JSON.parse(error.ErrorData) as NonDeterminismDetails;
 * console.log(details.position, details.recordedOperation?.Name, details.requestedOperation?.Name);
 */
export interface NonDeterminismDetails {
  readonly operationId: string;
  readonly field: 'Type' | 'Name' | 'SubType' | 'BranchName';
  readonly recorded?: string;
  readonly requested?: string;
  /** Human description of the place, e.g. `operation #2 of the root context`. */
  readonly where: string;
  /** 1-based position of the operation in its context (absent for a batch branch's name). */
  readonly position?: number;
  /** The recorded operation's identity. */
  readonly recordedOperation?: { readonly Type?: string; readonly Name?: string; readonly SubType?: string };
  /** What the code asked for at that place. */
  readonly requestedOperation?: { readonly Type?: string; readonly Name?: string; readonly SubType?: string };
  /** The call stack when the code asked for it (its first frames outside the runtime are the user's call site). */
  readonly stack?: readonly string[];
}

/**
 * A value could not be serialised or deserialised by the operation's serdes (BigInt, a cycle, a
 * custom serdes that threw).
 *
 * @example
 * // ctx.step('x', async () => 10n) → SerdesError: cannot serialise the result of step "x" …
 */
export class SerdesError extends DurableError {}

/**
 * A call was rejected before anything was checkpointed: bad name, bad duration, bad configuration.
 *
 * @example
 * // ctx.parallel([a, b], { maxConcurrency: 0 }) → ValidationError: maxConcurrency must be an integer >= 1 …
 */
export class ValidationError extends DurableError {}

/**
 * A durable operation was called inside a step function. It is a bug in the code, not a passing
 * failure, so the step fails at once instead of being retried.
 *
 * @example
 * // ctx.step('outer', async () => ctx.wait({ seconds: 1 })) → DurableOperationInStepError, no retries
 */
export class DurableOperationInStepError extends ValidationError {}

/**
 * A child context (or a batch branch's context) was used after its function had returned: its
 * operations could no longer be replayed at stable ids. The execution fails at once.
 *
 * @example
 * // let saved; await ctx.runInChildContext('c', async (child) => { saved = child; });
 * // await saved.step(...) → ContextClosedError naming child context "c"
 */
export class ContextClosedError extends ValidationError {}

/**
 * The event handed to the handler is not a durable invocation (no `DurableExecutionArn` or
 * `CheckpointToken`): durable execution is probably not enabled on the function.
 *
 * @example
 * // invoking the handler with `{ orderId: 1 }` directly → NotDurableInvocationError
 */
export class NotDurableInvocationError extends DurableError {}

/**
 * How a failed checkpoint or state call is handled (protocol.md §3.3).
 *
 * @example
 * if (error instanceof CheckpointError && error.kind === 'terminal') …
 */
export type CheckpointFailureKind =
  /** 429, 5xx or a network error: the invocation throws and the service invokes again. */
  | 'retryable'
  /** "Invalid checkpoint token": a newer invocation superseded this one, or a retried call had already been applied; throw, never FAILED. */
  | 'stale-token'
  /** Any other 4xx: the execution fails with this error. */
  | 'terminal';

/**
 * A CheckpointDurableExecution or GetDurableExecutionState call failed.
 *
 * @example
 * // service answered 400 "Payload size exceeds maximum allowed size." → execution FAILED with CheckpointError
 */
export class CheckpointError extends DurableError {
  constructor(
    message: string,
    readonly kind: CheckpointFailureKind,
    cause: unknown,
    /** HTTP status of the failed call, when there was one. */
    readonly httpStatusCode?: number,
  ) {
    super(message, { cause });
  }
}

/**
 * A durable operation was called (or was waiting) in a context whose AbortSignal fired, e.g. a
 * parallel branch cancelled because the batch was already decided. Nothing more is checkpointed.
 *
 * @example
 * catch (e) { if (e instanceof OperationAbortedError) return; }
 */
export class OperationAbortedError extends DurableError {}

/**
 * A batch whose failure tolerance was exceeded (parallel.md rule 6). Carries the whole result.
 *
 * @example
 * catch (e) { if (e instanceof BatchError) return e.result.getResults(); }
 */
export abstract class BatchError extends DurableError {
  readonly completionReason = 'FAILURE_TOLERANCE_EXCEEDED' as const;

  constructor(
    message: string,
    /** Every dispatched item with its outcome. */
    readonly result: BatchResult<unknown>,
    options: DurableErrorOptions = {},
  ) {
    super(message, options);
  }
}

/**
 * `ctx.parallel` rejects with this when more branches failed than its completion config tolerates.
 *
 * @example
 * try { await ctx.parallel(branches); } catch (e) { if (e instanceof ParallelError) return e.result.getResults(); }
 */
export class ParallelError extends BatchError {}

/**
 * `ctx.map` rejects with this when more items failed than its completion config tolerates.
 *
 * @example
 * catch (e) { if (e instanceof MapError) ctx.logger.warn(`${e.result.failureCount} items failed`); }
 */
export class MapError extends BatchError {}

/**
 * Errors that are not the failure of one operation but of the execution's structure. They pass
 * through child contexts and batches unchanged (parallel.md rule 6).
 */
export function isStructuralError(error: unknown): boolean {
  return (
    error instanceof NonDeterministicError ||
    error instanceof CheckpointError ||
    error instanceof ValidationError ||
    error instanceof OperationAbortedError
  );
}

/**
 * A chained invoke's target failed, timed out or was stopped; carries the error the service
 * recorded for it (`errorType`, message, `errorData`).
 *
 * @example
 * catch (e) { if (e instanceof InvokeError && e.errorType === 'PaymentDeclined') … }
 */
export class InvokeError extends DurableError {}

/**
 * A `waitForCondition` ended without the condition being met: its check function threw, or its
 * wait strategy gave up (for a preset: the attempts ran out).
 *
 * @example
 * catch (e) { if (e instanceof WaitForConditionError) ctx.logger.warn(e.message); }
 */
export class WaitForConditionError extends DurableError {}
