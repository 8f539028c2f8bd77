import { DurableError, SerdesError } from '../errors';
import type { CompletionReason } from './completion-policy';

/**
 * Outcome of one branch or map item. STARTED: it was running when the batch was decided.
 *
 * @example
 * result.all.filter((item) => item.status === 'STARTED');
 */
export type BatchItemStatus = 'SUCCEEDED' | 'FAILED' | 'STARTED';

/**
 * One dispatched branch or map item.
 *
 * @example
 * for (const item of result.failed) console.log(item.index, item.name, item.error?.message);
 */
export interface BatchItem<T> {
  /** 0-based position in the branch or item list. */
  readonly index: number;
  /** The branch name, the item namer's name, or the index as a string. */
  readonly name?: string;
  readonly status: BatchItemStatus;
  /** The result of a SUCCEEDED item. */
  readonly result?: T;
  /** The error of a FAILED item: type (`errorType`) and message are the original error's. */
  readonly error?: DurableError;
}

/**
 * Plain data of a {@link BatchResult}, e.g. what a custom batch serdes rebuilds.
 *
 * @example
 * BatchResult.from({ completionReason: 'ALL_COMPLETED', all: [{ index: 0, name: '0', status: 'SUCCEEDED', result: 'x' }] });
 */
export interface BatchResultData<T> {
  readonly completionReason: CompletionReason;
  readonly all: ReadonlyArray<BatchItem<T>>;
}

const REASONS: ReadonlySet<string> = new Set(['ALL_COMPLETED', 'MIN_SUCCESSFUL_REACHED', 'FAILURE_TOLERANCE_EXCEEDED']);
const STATUSES: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'STARTED']);

/**
 * The result of `ctx.parallel` and `ctx.map`: every dispatched item in index order. Branches that
 * were never started (the batch was decided first) are not items and are not counted.
 *
 * @example
 * const result = await ctx.parallel([a, b, c], { completionConfig: CompletionConfig.allCompleted() });
 * if (result.hasFailure) ctx.logger.warn(`${result.failureCount} failed`);
 * const values = result.getResults();
 */
export class BatchResult<T> {
  /**
   * Builds a result from plain data (items in any order; they are sorted by index).
   *
   * @example
   * BatchResult.from({ completionReason: 'ALL_COMPLETED', all: [] });
   */
  static from<T>(data: BatchResultData<T>): BatchResult<T> {
    if (data instanceof BatchResult) return data as BatchResult<T>;
    if (data === null || typeof data !== 'object' || !Array.isArray(data.all) || !REASONS.has(data.completionReason)) {
      throw new SerdesError(
        'A batch result must be a BatchResult or { completionReason, all: BatchItem[] } with completionReason ' +
          `ALL_COMPLETED, MIN_SUCCESSFUL_REACHED or FAILURE_TOLERANCE_EXCEEDED; got ${describe(data)}.`,
      );
    }
    const items = data.all.map((item, position) => {
      if (item === null || typeof item !== 'object' || !Number.isInteger(item.index) || !STATUSES.has(item.status)) {
        throw new SerdesError(`Batch item #${position} must have an integer index and a status SUCCEEDED, FAILED or STARTED; got ${describe(item)}.`);
      }
      return { ...item };
    });
    return new BatchResult<T>(items, data.completionReason);
  }

  /** Every dispatched item, index order. */
  readonly all: ReadonlyArray<BatchItem<T>>;
  readonly succeeded: ReadonlyArray<BatchItem<T>>;
  readonly failed: ReadonlyArray<BatchItem<T>>;
  /** Items that were still running when the batch was decided. */
  readonly started: ReadonlyArray<BatchItem<T>>;
  readonly completionReason: CompletionReason;

  constructor(items: ReadonlyArray<BatchItem<T>>, completionReason: CompletionReason) {
    this.all = [...items].sort((a, b) => a.index - b.index);
    this.succeeded = this.all.filter((item) => item.status === 'SUCCEEDED');
    this.failed = this.all.filter((item) => item.status === 'FAILED');
    this.started = this.all.filter((item) => item.status === 'STARTED');
    this.completionReason = completionReason;
  }

  get successCount(): number {
    return this.succeeded.length;
  }

  get failureCount(): number {
    return this.failed.length;
  }

  get startedCount(): number {
    return this.started.length;
  }

  /** Number of dispatched items (`all.length`). */
  get totalCount(): number {
    return this.all.length;
  }

  get hasFailure(): boolean {
    return this.failed.length > 0;
  }

  /** `FAILED` when any item failed, else `SUCCEEDED`. */
  get status(): 'SUCCEEDED' | 'FAILED' {
    return this.hasFailure ? 'FAILED' : 'SUCCEEDED';
  }

  /** Results of the succeeded items, index order. Never throws. */
  getResults(): T[] {
    return this.succeeded.map((item) => item.result as T);
  }

  /** Errors of the failed items, index order. */
  getErrors(): DurableError[] {
    return this.failed.map((item) => item.error ?? new DurableError('Unknown error'));
  }

  /** Throws the first failed item's error, if any. */
  throwIfError(): void {
    const first = this.failed[0];
    if (first) throw first.error ?? new DurableError(`Batch item ${first.index} failed.`);
  }

  /** A JSON view (errors as name, type and message), e.g. when a workflow returns the result. */
  toJSON(): Record<string, unknown> {
    return {
      completionReason: this.completionReason,
      status: this.status,
      totalCount: this.totalCount,
      successCount: this.successCount,
      failureCount: this.failureCount,
      startedCount: this.startedCount,
      all: this.all.map((item) => ({
        index: item.index,
        name: item.name,
        status: item.status,
        ...(item.status === 'SUCCEEDED' ? { result: item.result } : {}),
        ...(item.error ? { error: { name: item.error.name, errorType: item.error.errorType, message: item.error.message } } : {}),
      })),
    };
  }
}

function describe(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return String(value);
  }
}
