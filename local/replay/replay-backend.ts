/**
 * The service a replay runs against: it answers CheckpointDurableExecution and
 * GetDurableExecutionState from a recorded execution and never moves anything forward on its own
 * (no timer fires, no callback completes, no retry becomes due). Each checkpoint the new code
 * sends is judged against the recording: an update of a recorded operation must carry the same
 * identity; an operation the recording does not have is new (the code's future after the
 * recorded end).
 */
import type {
  CheckpointDurableExecutionRequest,
  CheckpointDurableExecutionResponse,
  GetDurableExecutionStateRequest,
  GetDurableExecutionStateResponse,
  Operation,
  OperationUpdate,
} from '@aws-sdk/client-lambda';
import { deepCopy } from '../core/clone';
import type { DurableApiBackend } from '../http/durable-api';
import { HttpServiceError } from '../http/service-errors';

/** Operations per page of GetDurableExecutionState and of the invocation event (as the service pages them). */
export const REPLAY_PAGE_SIZE = 100;

/** An operation's identity as a checkpoint or a record states it. */
export interface OperationIdentityView {
  readonly Id: string;
  readonly ParentId?: string;
  readonly Type?: string;
  readonly Name?: string;
  readonly SubType?: string;
}

/** An update of a recorded operation whose identity differs from the recording. */
export interface IdentityMismatch {
  readonly recorded: OperationIdentityView;
  readonly requested: OperationIdentityView;
}

/** One recorded execution being replayed: its operations, and what the new code did to them. */
export class ReplaySession {
  /** Operations the new code created that the recording does not have, in the order they appeared. */
  readonly appended: OperationIdentityView[] = [];
  /** Updates of recorded operations with another identity, in the order they came. */
  readonly mismatches: IdentityMismatch[] = [];
  /** Number of CheckpointDurableExecution calls. */
  checkpoints = 0;
  private readonly recorded: ReadonlyMap<string, Operation>;
  private readonly current = new Map<string, Operation>();
  private token = 0;
  private callbacks = 0;

  constructor(
    readonly executionArn: string,
    operations: readonly Operation[],
  ) {
    const recorded = new Map<string, Operation>();
    for (const op of operations) {
      if (op.Id === undefined) continue;
      recorded.set(op.Id, op);
      this.current.set(op.Id, deepCopy(op));
    }
    this.recorded = recorded;
  }

  /** The token the first invocation starts with. */
  get checkpointToken(): string {
    return `replay-${this.token}`;
  }

  /** The first page of operations, for the invocation event. */
  firstPage(): { Operations: Operation[]; NextMarker?: string } {
    return this.page(undefined);
  }

  /** A page of the current operations, from `marker` (an index). */
  page(marker: string | undefined): { Operations: Operation[]; NextMarker?: string } {
    const all = [...this.current.values()];
    const start = marker === undefined || marker === '' ? 0 : Number(marker);
    if (!Number.isInteger(start) || start < 0 || start > all.length) {
      throw new HttpServiceError('InvalidParameterValueException', `Invalid marker "${marker}".`);
    }
    const end = start + REPLAY_PAGE_SIZE;
    return { Operations: all.slice(start, end).map((op) => deepCopy(op)), ...(end < all.length ? { NextMarker: String(end) } : {}) };
  }

  /** Applies a checkpoint: judges and records every update, answers with the changed operations. */
  checkpoint(updates: readonly OperationUpdate[]): CheckpointDurableExecutionResponse {
    this.checkpoints += 1;
    const changed = new Map<string, Operation>();
    for (const update of updates) {
      const op = this.apply(update);
      changed.set(op.Id as string, op);
    }
    this.token += 1;
    return { CheckpointToken: this.checkpointToken, NewExecutionState: { Operations: [...changed.values()].map((op) => deepCopy(op)) } };
  }

  /** The recorded copy of an operation. */
  recordedOperation(id: string): Operation | undefined {
    return this.recorded.get(id);
  }

  private apply(update: OperationUpdate): Operation {
    const id = update.Id as string;
    const recorded = this.recorded.get(id);
    const requested = identityOf(update);
    if (recorded) {
      const was = identityOf(recorded);
      // The runtime leaves ParentId, Name and SubType out of updates of an operation the service
      // already knows (protocol.md §4.2): only the fields an update carries can differ.
      const same = (['Type', 'Name', 'SubType', 'ParentId'] as const).every((field) => update[field] === undefined || was[field] === requested[field]);
      if (!same) this.mismatches.push({ recorded: was, requested });
    }
    let op = this.current.get(id);
    if (!op) {
      this.appended.push(requested);
      op = {
        Id: id,
        Type: update.Type,
        Status: 'STARTED',
        StartTimestamp: new Date(),
        ...(update.ParentId !== undefined ? { ParentId: update.ParentId } : {}),
        ...(update.Name !== undefined ? { Name: update.Name } : {}),
        ...(update.SubType !== undefined ? { SubType: update.SubType } : {}),
      };
      this.current.set(id, op);
    }
    switch (update.Action) {
      case 'START':
        op.Status = 'STARTED';
        if (update.Type === 'WAIT') {
          op.WaitDetails = { ScheduledEndTimestamp: new Date(Date.now() + (update.WaitOptions?.WaitSeconds ?? 0) * 1000) };
        } else if (update.Type === 'CALLBACK' && op.CallbackDetails?.CallbackId === undefined) {
          this.callbacks += 1;
          op.CallbackDetails = { CallbackId: `replay-callback-${this.callbacks}` };
        } else if (update.Type === 'CONTEXT' && update.ContextOptions?.ReplayChildren !== undefined) {
          op.ContextDetails = { ...op.ContextDetails, ReplayChildren: update.ContextOptions.ReplayChildren };
        } else if (update.Type === 'STEP') {
          op.StepDetails = { ...op.StepDetails, NextAttemptTimestamp: undefined };
        }
        break;
      case 'SUCCEED':
        op.Status = 'SUCCEEDED';
        op.EndTimestamp = new Date();
        if (update.Type === 'STEP') op.StepDetails = { Attempt: (op.StepDetails?.Attempt ?? 0) + 1, Result: update.Payload };
        if (update.Type === 'CONTEXT') op.ContextDetails = { Result: update.Payload, ReplayChildren: update.ContextOptions?.ReplayChildren };
        break;
      case 'FAIL':
        op.Status = 'FAILED';
        op.EndTimestamp = new Date();
        if (update.Type === 'STEP') op.StepDetails = { Attempt: (op.StepDetails?.Attempt ?? 0) + 1, Error: update.Error };
        if (update.Type === 'CONTEXT') op.ContextDetails = { Error: update.Error, ReplayChildren: update.ContextOptions?.ReplayChildren };
        break;
      case 'RETRY':
        op.Status = 'PENDING';
        op.StepDetails = {
          Attempt: (op.StepDetails?.Attempt ?? 0) + 1,
          Error: update.Error,
          Result: update.Payload,
          NextAttemptTimestamp: new Date(Date.now() + (update.StepOptions?.NextAttemptDelaySeconds ?? 1) * 1000),
        };
        break;
      case 'CANCEL':
        op.Status = 'CANCELLED';
        op.EndTimestamp = new Date();
        break;
      default:
        break;
    }
    return op;
  }
}

/**
 * A {@link DurableApiBackend} over replay sessions, keyed by execution ARN. Only the two
 * data-plane APIs the runtime calls exist; every other call is refused.
 *
 * @example
 * const backend = new ReplayBackend();
 * backend.add(new ReplaySession(arn, operations));
 */
export class ReplayBackend implements DurableApiBackend {
  private readonly sessions = new Map<string, ReplaySession>();

  add(session: ReplaySession): void {
    this.sessions.set(session.executionArn, session);
  }

  remove(session: ReplaySession): void {
    this.sessions.delete(session.executionArn);
  }

  checkpoint(request: CheckpointDurableExecutionRequest): CheckpointDurableExecutionResponse {
    return this.session(request.DurableExecutionArn).checkpoint(request.Updates ?? []);
  }

  getState(request: GetDurableExecutionStateRequest): GetDurableExecutionStateResponse {
    return this.session(request.DurableExecutionArn).page(request.Marker);
  }

  invoke(): never {
    throw unavailable('Invoke');
  }
  getExecution(): never {
    throw unavailable('GetDurableExecution');
  }
  getHistory(): never {
    throw unavailable('GetDurableExecutionHistory');
  }
  listExecutions(): never {
    throw unavailable('ListDurableExecutionsByFunction');
  }
  stopExecution(): never {
    throw unavailable('StopDurableExecution');
  }
  pauseExecution(): never {
    throw unavailable('PauseDurableExecution');
  }
  resumeExecution(): never {
    throw unavailable('ResumeDurableExecution');
  }
  deleteExecution(): never {
    throw unavailable('DeleteDurableExecution');
  }
  sendCallbackSuccess(): never {
    throw unavailable('SendDurableExecutionCallbackSuccess');
  }
  sendCallbackFailure(): never {
    throw unavailable('SendDurableExecutionCallbackFailure');
  }
  sendCallbackHeartbeat(): never {
    throw unavailable('SendDurableExecutionCallbackHeartbeat');
  }

  private session(arn: string | undefined): ReplaySession {
    const session = arn === undefined ? undefined : this.sessions.get(arn);
    if (!session) throw new HttpServiceError('ResourceNotFoundException', `No replay of ${String(arn)} is running.`);
    return session;
  }
}

function unavailable(api: string): HttpServiceError {
  return new HttpServiceError('InvalidParameterValueException', `${api} is not available during a replay: a replay only answers the checkpoint APIs.`);
}

function identityOf(source: Operation | OperationUpdate): OperationIdentityView {
  return {
    Id: source.Id as string,
    ...(source.ParentId !== undefined ? { ParentId: source.ParentId } : {}),
    ...(source.Type !== undefined ? { Type: source.Type } : {}),
    ...(source.Name !== undefined ? { Name: source.Name } : {}),
    ...(source.SubType !== undefined ? { SubType: source.SubType } : {}),
  };
}
