import type { Operation, OperationUpdate } from '@aws-sdk/client-lambda';
import { abandon, branchSignal, type BatchGate } from '../context/new-work-gate';
import type { DurableContextImpl } from '../context/durable-context';
import {
  abortedBeforeFinishing,
  beforeStarting,
  checkpoint,
  checkpointWithoutWaiting,
  describeOperation,
  nonDeterminism,
  operationIdentity,
  recordedOperation,
  throwIfAborted,
  type OperationIdentity,
} from '../context/operation-support';
import { fitErrorUpdate, MAX_ERROR_UPDATE_BYTES, recordedErrorObject, toErrorObject, typedErrorFrom } from '../error-object';
import { ChildContextError, isStructuralError, MapError, OperationAbortedError, ParallelError } from '../errors';
import { operationId } from '../ids';
import { runContextOperation, runVirtualContext } from '../operations/child-context';
import { deserializeNow, deserializeValue, serializeNow, MAX_OPERATION_PAYLOAD_BYTES, payloadBytes, serializeValue, type Serdes, type SerdesSubject } from '../serdes';
import type { BatchNesting, DurableContext } from '../types';
import { BatchResult, type BatchItem, type BatchResultData } from './batch-result';
import { decideCompletion, type CompletionConfig, type CompletionReason } from './completion-policy';
import { decodeCompact, decodeInline, encodeCompact, encodeInline, type BranchRecord } from './summary';

/** One branch of a batch: its name (as recorded) and the code to run. */
export interface BatchBranch<T> {
  readonly name: string;
  readonly run: (ctx: DurableContext, signal: AbortSignal) => Promise<T>;
}

/** A validated batch, ready to run. */
export interface BatchSpec<T> {
  readonly kind: 'parallel' | 'map';
  readonly name: string | undefined;
  readonly branches: ReadonlyArray<BatchBranch<T>>;
  readonly maxConcurrency: number | undefined;
  readonly completion: CompletionConfig;
  readonly nesting: BatchNesting;
  readonly itemSerdes: Serdes<T>;
  readonly serdes: Serdes<BatchResult<T>> | undefined;
}

const KINDS = {
  parallel: { parent: 'Parallel', branch: 'ParallelBranch', summary: 'ParallelResult', label: 'branch', labels: 'branches', error: ParallelError },
  map: { parent: 'Map', branch: 'MapIteration', summary: 'MapResult', label: 'item', labels: 'items', error: MapError },
} as const;

/** Branch results travel as the item serdes' output; the branch CONTEXT stores that text as is. */
const TEXT: Serdes<string | undefined> = { serialize: (value) => value, deserialize: (data) => data };

/**
 * Runs a parallel or map batch (parallel.md): one CONTEXT for the batch, one per branch (NESTED) or
 * none (FLAT), dispatch in index order under `maxConcurrency`, the completion policy after every
 * settled branch, cooperative abort of branches still running once decided, and a closing summary
 * that lets a completed batch replay without running any branch.
 */
export function runBatch<T>(ctx: DurableContextImpl, spec: BatchSpec<T>): Promise<BatchResult<T>> {
  const what = describeOperation(spec.kind, spec.name);
  const { id, position } = ctx.allocateOperationId();
  return new BatchRun(ctx, spec, id, position, what).start();
}

class BatchRun<T> {
  private readonly kind: (typeof KINDS)[keyof typeof KINDS];
  private readonly identity: OperationIdentity;
  private readonly batchContext: DurableContextImpl;
  private readonly subject: SerdesSubject;
  private readonly gate: BatchGate = { replaying: undefined };

  constructor(
    private readonly ctx: DurableContextImpl,
    private readonly spec: BatchSpec<T>,
    private readonly id: string,
    private readonly position: number,
    private readonly what: string,
  ) {
    this.kind = KINDS[spec.kind];
    this.identity = operationIdentity(id, ctx.scope.parentId, 'CONTEXT', this.kind.parent, spec.name);
    this.subject = { what, context: { operationId: id, executionArn: ctx.runtime.executionArn } };
    // The context branches hang off: their ParentId is the batch; their ids derive from it by index.
    this.batchContext = ctx.createChild({
      idBase: id,
      parentId: id,
      signal: ctx.scope.signal,
      logOperationId: id,
      logOperationName: spec.name,
      description: what,
    });
  }

  async start(): Promise<BatchResult<T>> {
    throwIfAborted(this.ctx, this.what);
    const recorded = recordedOperation(this.ctx, this.identity, this.position);
    if (recorded?.Status === 'SUCCEEDED' || recorded?.Status === 'FAILED') return this.replayCompleted(recorded);
    if (!recorded) {
      const gate = beforeStarting(this.ctx, this.what);
      if (gate) await gate;
      checkpoint(this.ctx, { ...this.identity, Action: 'START' }, this.what).catch(() => undefined);
    } else {
      this.holdNewWorkWhileReplaying();
    }
    const { reason, records } = await this.dispatch();
    return this.close(reason, records);
  }

  /**
   * A STARTED batch replays: what its branches recorded decided it, or not, before anything they
   * do now. A branch reaching new work (its wait has ended since) waits until the recorded outcomes
   * have replayed — they do within the tick, in promise turns — and the completion policy has seen
   * them; then the work starts, or the branch is given up with the batch decided without it.
   */
  private holdNewWorkWhileReplaying(): void {
    const endWork = this.ctx.runtime.suspension.beginWork();
    this.gate.replaying = new Promise<void>((resolve) => {
      setImmediate(() => {
        this.gate.replaying = undefined;
        endWork();
        resolve();
      });
    });
  }

  private branchId(index: number): string {
    return operationId(this.id, index + 1);
  }

  private branchWhat(index: number): string {
    return `${this.kind.label} #${index} ("${this.spec.branches[index]?.name ?? index}") of ${this.what}`;
  }

  /** Dispatches branches in index order and settles them all; returns why the batch was decided. */
  private async dispatch(): Promise<{ reason: CompletionReason; records: BranchRecord[] }> {
    const { branches, maxConcurrency, completion } = this.spec;
    const declared = branches.length;
    const parentSignal = this.ctx.scope.signal;
    const records: BranchRecord[] = [];
    const controllers = new Map<number, AbortController>();
    let next = 0;
    let inFlight = 0;
    let succeeded = 0;
    let failed = 0;
    let reason: CompletionReason | undefined;
    let structural: { error: unknown } | undefined;
    let abortScheduled = false;
    const abortAll = () => {
      for (const controller of controllers.values()) controller.abort();
    };
    // A branch settles as soon as its close is queued, a few promise turns before a sibling that
    // finishes in the same tick queues its own. Aborting at the end of the tick lets every branch
    // whose close is queued in the tick the batch was decided in keep its real status (rule 5), as
    // those closes travel in one call.
    // Until that abort has run, the decided batch is work of this invocation: a branch still
    // waiting on the service (a wait, a retry, a callback) must not let the invocation suspend
    // before the abort releases it and the batch closes. Nothing else marks the gap when the
    // deciding branch queued no checkpoint of its own (a FLAT branch), or its checkpoint was
    // already acknowledged.
    const abortAtEndOfTick = () => {
      if (abortScheduled) return;
      abortScheduled = true;
      // Until then the branches still running may finish what they started, not start more.
      const abandoned = [...controllers.values()];
      for (const controller of abandoned) abandon(controller.signal);
      const endWork = this.ctx.runtime.suspension.beginWork();
      setImmediate(() => {
        for (const controller of abandoned) controller.abort();
        endWork();
      });
    };
    parentSignal.addEventListener('abort', abortAll);
    try {
      await new Promise<void>((resolve) => {
        const pump = () => {
          if (reason === undefined && !structural && !parentSignal.aborted) {
            reason = decideCompletion(completion, { declared, succeeded, failed, finished: succeeded + failed });
          }
          const stopped = reason !== undefined || structural !== undefined || parentSignal.aborted;
          if (structural !== undefined || parentSignal.aborted) abortAll();
          else if (stopped) abortAtEndOfTick();
          while (!stopped && next < declared && (maxConcurrency === undefined || inFlight < maxConcurrency)) launch(next++);
          if (inFlight === 0 && (stopped || next >= declared)) resolve();
        };
        const launch = (index: number) => {
          const controller = new AbortController();
          branchSignal(controller, parentSignal, this.gate);
          controllers.set(index, controller);
          inFlight += 1;
          this.runBranch(index, controller.signal)
            .then(
              (record) => {
                records[index] = record;
                if (record.Status === 'SUCCEEDED') succeeded += 1;
                if (record.Status === 'FAILED') failed += 1;
              },
              (error: unknown) => {
                structural ??= { error };
              },
            )
            .finally(() => {
              inFlight -= 1;
              controllers.delete(index);
              pump();
            });
        };
        pump();
      });
    } finally {
      parentSignal.removeEventListener('abort', abortAll);
    }
    if (structural) throw structural.error;
    if (parentSignal.aborted) throw abortedBeforeFinishing(this.what);
    return { reason: reason ?? 'ALL_COMPLETED', records: records.filter((record) => record !== undefined) };
  }

  /**
   * Runs (or replays) one branch and reports its outcome. A branch aborted before its terminal
   * checkpoint is STARTED; structural errors propagate.
   */
  private async runBranch(index: number, signal: AbortSignal, rebuilding = false): Promise<BranchRecord> {
    const branch = this.spec.branches[index];
    const id = this.branchId(index);
    const what = this.branchWhat(index);
    // Bound, not a closure: with names kept, bundlers give every named closure its own `name`.
    const body = this.branchBody.bind(this, branch, signal, what, id);
    const flat = this.spec.nesting === 'FLAT';
    try {
      const payload = flat
        ? await runVirtualContext(this.batchContext, { idBase: id, parentId: this.id, signal, name: branch.name, what, rebuilding }, body)
        : await runContextOperation(this.batchContext, {
            id,
            position: index + 1,
            name: branch.name,
            subType: this.kind.branch,
            what,
            signal,
            serdes: TEXT,
            errorClass: ChildContextError,
            body,
          });
      if (flat && signal.aborted) return { Index: index, Name: branch.name, Status: 'STARTED' };
      return { Index: index, Name: branch.name, Status: 'SUCCEEDED', ...(payload !== undefined ? { Result: payload } : {}) };
    } catch (error) {
      if (signal.aborted && (flat || error instanceof OperationAbortedError)) return { Index: index, Name: branch.name, Status: 'STARTED' };
      if (isStructuralError(error)) throw error;
      return { Index: index, Name: branch.name, Status: 'FAILED', Error: flat ? toErrorObject(error) : recordedErrorObject(error) };
    }
  }

  /** Runs one branch's code and serialises its value with the item serdes. */
  private async branchBody(branch: BatchBranch<T>, signal: AbortSignal, what: string, id: string, child: DurableContextImpl): Promise<string | undefined> {
    const value = await branch.run(child, signal);
    return serializeNow(this.spec.itemSerdes, value, () => ({ what, context: { operationId: id, executionArn: this.ctx.runtime.executionArn } }));
  }

  /** Closes the batch CONTEXT with its summary; rejects with ParallelError/MapError when the tolerance was exceeded. */
  private async close(reason: CompletionReason, records: BranchRecord[]): Promise<BatchResult<T>> {
    const failedBatch = reason === 'FAILURE_TOLERANCE_EXCEEDED';
    let result = await this.buildResult(reason, records);
    const message = failedBatch ? this.failureMessage(result) : '';
    const custom = this.spec.serdes;
    let payload = custom ? await serializeValue(custom, result, this.subject) : encodeInline(reason, records);
    let update = fitErrorUpdate(this.closingUpdate(failedBatch, message, payload, false));
    const compact = summaryDoesNotFit(update, payload);
    if (compact) {
      payload = encodeCompact(this.kind.summary, reason, this.spec.branches.length, records);
      update = fitErrorUpdate(this.closingUpdate(failedBatch, message, payload, true));
    }
    await checkpointWithoutWaiting(this.ctx, update, this.what);
    // One shape on first run and replay: a custom serdes' value is read back like a replay would.
    if (custom && !compact) result = hydrate(await deserializeValue(custom, payload, this.subject));
    if (failedBatch) {
      // The message as recorded (shortened if the update needed it), as a replay rethrows it.
      throw new this.kind.error(update.Error?.ErrorMessage ?? message, result, { errorType: this.kind.error.name, errorData: payload });
    }
    return result;
  }

  private closingUpdate(failedBatch: boolean, message: string, payload: string | undefined, compact: boolean): OperationUpdate {
    const options = compact ? { ContextOptions: { ReplayChildren: true } } : {};
    if (failedBatch) {
      return {
        ...this.identity,
        Action: 'FAIL',
        Error: { ErrorType: this.kind.error.name, ErrorMessage: message, ...(payload !== undefined ? { ErrorData: payload } : {}) },
        ...options,
      };
    }
    return { ...this.identity, Action: 'SUCCEED', ...(payload !== undefined ? { Payload: payload } : {}), ...options };
  }

  private failureMessage(result: BatchResult<T>): string {
    const { toleratedFailureCount, toleratedFailurePercentage } = this.spec.completion;
    const limits = [
      toleratedFailureCount !== undefined ? `toleratedFailureCount ${toleratedFailureCount}` : undefined,
      toleratedFailurePercentage !== undefined ? `toleratedFailurePercentage ${toleratedFailurePercentage}` : undefined,
    ].filter(Boolean);
    const first = result.failed[0]?.error;
    return (
      `${this.what} failed: ${result.failureCount} of ${this.spec.branches.length} ${this.kind.labels} failed, more than ` +
      `its completion config tolerates (${limits.join(', ')}).` +
      (first ? ` First failure: ${first.errorType ?? first.name}: ${first.message}` : '')
    );
  }

  /** Replays a completed batch from its summary (or, compact, from the branch checkpoints) without running branches. */
  private async replayCompleted(recorded: Operation): Promise<BatchResult<T>> {
    const failedBatch = recorded.Status === 'FAILED';
    const details = recorded.ContextDetails;
    const payload = failedBatch ? details?.Error?.ErrorData : details?.Result;
    let result: BatchResult<T>;
    // Answered from the summary, no branch runs: nothing recorded under the batch is reached.
    if (!details?.ReplayChildren) this.ctx.runtime.replayTrace?.answer(this.id);
    if (details?.ReplayChildren) {
      result = await this.rebuildFromChildren(payload);
    } else if (this.spec.serdes) {
      result = hydrate(await deserializeValue(this.spec.serdes, payload, this.subject));
      // A custom serdes may leave names out; those it keeps must still match the code.
      this.checkBranchNames(result.all.filter((item) => item.name !== undefined).map((item) => ({ Index: item.index, Name: item.name as string })));
    } else {
      const summary = decodeInline(payload, this.what);
      this.checkBranchNames(summary.Branches);
      result = await this.buildResult(summary.CompletionReason, summary.Branches);
    }
    if (failedBatch) {
      throw new this.kind.error(details?.Error?.ErrorMessage ?? this.failureMessage(result), result, {
        errorType: this.kind.error.name,
        errorData: payload,
      });
    }
    return result;
  }

  private async rebuildFromChildren(payload: string | undefined): Promise<BatchResult<T>> {
    const { reason, statuses } = decodeCompact(payload, this.what);
    const records: BranchRecord[] = [];
    const abandoned: number[] = [];
    for (const [index, status] of statuses) {
      const branch = this.spec.branches[index];
      if (!branch) throw this.missingBranch(index, undefined);
      if (status === 'STARTED') abandoned.push(index);
      records.push(status === 'STARTED' ? { Index: index, Name: branch.name, Status: 'STARTED' } : await this.runBranch(index, this.ctx.scope.signal, true));
    }
    this.traceAbandoned(abandoned);
    return this.buildResult(reason, records);
  }

  /**
   * Replay gate: a branch the batch left unfinished once it was decided is not rebuilt, so what it
   * recorded is not reached, by design. A NESTED branch is its own CONTEXT; a FLAT branch's
   * operations hang off the batch, with ids derived from the branch's (operationId(branch, n)).
   */
  private traceAbandoned(indexes: readonly number[]): void {
    const trace = this.ctx.runtime.replayTrace;
    if (!trace || indexes.length === 0) return;
    if (this.spec.nesting !== 'FLAT') {
      for (const index of indexes) trace.answer(this.branchId(index));
      return;
    }
    const children = new Set(this.ctx.runtime.state.idsUnder(this.id));
    for (const index of indexes) {
      const base = this.branchId(index);
      // A branch numbers its operations 1, 2, 3…; it cannot have more than the batch holds.
      for (let n = 1; n <= children.size; n += 1) {
        const id = operationId(base, n);
        if (children.has(id)) trace.answer(id);
      }
    }
  }

  /** The serdes subject of a branch (its id is hashed here, so only when a serdes or an error needs it). */
  private branchSubject(index: number): SerdesSubject {
    return { what: this.branchWhat(index), context: { operationId: this.branchId(index), executionArn: this.ctx.runtime.executionArn } };
  }

  /** Fails with non-determinism when a recorded branch is missing from the code or named differently. */
  private checkBranchNames(records: ReadonlyArray<Pick<BranchRecord, 'Index' | 'Name'>>): void {
    for (const record of records) {
      const branch = this.spec.branches[record.Index];
      if (!branch) throw this.missingBranch(record.Index, record.Name);
      if (branch.name !== record.Name) {
        throw nonDeterminism(this.ctx, this.branchId(record.Index), 'BranchName', record.Name, branch.name, this.branchWhat(record.Index));
      }
    }
  }

  private missingBranch(index: number, name: string | undefined): Error {
    return nonDeterminism(
      this.ctx,
      this.branchId(index),
      'BranchName',
      name ?? String(index),
      undefined,
      `${this.kind.label} #${index} of ${this.what} (the code now declares only ${this.spec.branches.length} ${this.kind.labels})`,
    );
  }

  /**
   * The result of the dispatched branches, their values read back with the item serdes. A
   * synchronous serdes (the default JSON one) reads every value in one loop, without a promise per
   * item: a replay of a finished map of thousands of items does nothing else.
   */
  private async buildResult(reason: CompletionReason, records: readonly BranchRecord[]): Promise<BatchResult<T>> {
    const items = new Array<BatchItem<T>>(records.length);
    let pending: Array<Promise<void>> | undefined;
    for (let position = 0; position < records.length; position++) {
      const record = records[position];
      const base = { index: record.Index, name: record.Name, status: record.Status };
      if (record.Status === 'SUCCEEDED') {
        const value = deserializeNow(this.spec.itemSerdes, record.Result, () => this.branchSubject(record.Index));
        if (value instanceof Promise) {
          (pending ??= []).push(
            value.then((result: T) => {
              items[position] = { ...base, result };
            }),
          );
        } else {
          items[position] = { ...base, result: value };
        }
      } else if (record.Status === 'FAILED') {
        items[position] = { ...base, error: typedErrorFrom(ChildContextError, record.Error) };
      } else {
        items[position] = base;
      }
    }
    if (pending) await Promise.all(pending);
    return new BatchResult(items, reason);
  }
}

/**
 * True when the closing update cannot carry `summary` whole: a payload over the per-operation limit,
 * or an error update that stays over 32 KB even with its message shortened (its summary was cut).
 */
function summaryDoesNotFit(update: OperationUpdate, summary: string | undefined): boolean {
  if (update.Error) return update.Error.ErrorData !== summary || Buffer.byteLength(JSON.stringify(update), 'utf8') > MAX_ERROR_UPDATE_BYTES;
  return payloadBytes(update.Payload) > MAX_OPERATION_PAYLOAD_BYTES;
}

function hydrate<T>(value: unknown): BatchResult<T> {
  return BatchResult.from(value as BatchResultData<T>);
}

