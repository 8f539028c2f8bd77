import {
  CheckpointDurableExecutionCommand,
  type CheckpointDurableExecutionCommandOutput,
  type LambdaClient,
  type OperationUpdate,
} from '@aws-sdk/client-lambda';
import { fitErrorUpdate } from '../error-object';
import type { ExecutionState } from './execution-state';
import { loadPages } from './state-loader';
import { CLIENT_TOKEN_LENGTH, clientTokenFor, withoutClientToken } from './client-token';
import { classifyServiceError } from './service-errors';
import type { Termination } from './termination';

/** Batch limits of protocol.md §3.1. */
export const MAX_BATCH_BYTES = 750 * 1024;
export const MAX_BATCH_UPDATES = 250;
/** Fixed per-request overhead in the batch size estimate. */
const REQUEST_OVERHEAD = 100;

interface Entry {
  readonly update: OperationUpdate;
  readonly size: number;
  readonly done: () => void;
}

/** What the queue needs to talk to the service. */
export interface CheckpointQueueOptions {
  readonly client: LambdaClient;
  readonly executionArn: string;
  readonly checkpointToken: string;
  readonly state: ExecutionState;
  readonly termination: Termination;
}

/**
 * Sends operation updates with CheckpointDurableExecution (protocol.md §3.1).
 *
 * Updates enqueued in the same tick travel in one call; one call is in flight at a time; order is
 * preserved; every call uses the newest token and carries no ClientToken (client-token.ts says
 * why that is safe); each response's operations are merged into the
 * execution state before the callers are released. The call after a response also waits for the
 * end of the tick, so the code that response released (a branch closing, the next branch starting)
 * adds its updates to it. A failed call ends the invocation (§3.3) and nothing more is sent; the
 * promises of unsent updates then never settle, because the invocation is over.
 */
export class CheckpointQueue {
  private token: string;
  private readonly pending: Entry[] = [];
  private readonly drainWaiters: Array<() => void> = [];
  private pollWaiters: Array<() => void> = [];
  private inFlight = false;
  private scheduled = false;
  private stopped = false;
  private calls = 0;
  /** Ids this invocation has already queued an update for: the service knows them by the time a later update arrives. */
  private readonly introduced = new Set<string>();

  constructor(private readonly options: CheckpointQueueOptions) {
    this.token = options.checkpointToken;
    options.termination.onTerminate(() => {
      this.stopped = true;
    });
  }

  /** Number of CheckpointDurableExecution calls this invocation made. */
  get callCount(): number {
    return this.calls;
  }

  /** True when nothing is waiting to be sent and nothing is in flight. */
  get idle(): boolean {
    return !this.inFlight && this.pending.length === 0 && this.pollWaiters.length === 0;
  }

  /** Queues one update; resolves once the service has accepted the call that carried it. */
  enqueue(update: OperationUpdate): Promise<void> {
    if (this.stopped) return new Promise<void>(() => undefined);
    const fitted = fitErrorUpdate(this.withoutKnownIdentity(update));
    return new Promise<void>((resolve) => {
      this.pending.push({ update: fitted, size: JSON.stringify(fitted).length, done: resolve });
      this.schedule();
    });
  }

  /** Resolves once everything enqueued so far has been accepted. */
  flush(): Promise<void> {
    if (this.stopped) return this.idle ? Promise.resolve() : new Promise<void>(() => undefined);
    if (this.idle) return Promise.resolve();
    return new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  /**
   * Makes one call even with nothing to send (an empty checkpoint), to pick up service-side changes
   * such as an elapsed wait (§3.1 "Polling").
   */
  poll(): Promise<void> {
    if (this.stopped) return new Promise<void>(() => undefined);
    return new Promise<void>((resolve) => {
      this.pollWaiters.push(resolve);
      this.schedule();
    });
  }

  /**
   * Leaves out `ParentId`, `Name` and `SubType` once the service knows the operation: it copies
   * them from the update that created it (protocol.md §4.2) and keeps them on the operation and
   * on every later event, so repeating them only adds bytes. The first update of an operation (and
   * every EXECUTION update) is sent whole.
   */
  private withoutKnownIdentity(update: OperationUpdate): OperationUpdate {
    const id = update.Id as string;
    if (update.Type === 'EXECUTION') return update;
    if (!this.introduced.has(id) && this.options.state.get(id) === undefined) {
      this.introduced.add(id);
      return update;
    }
    if (update.ParentId === undefined && update.Name === undefined && update.SubType === undefined) return update;
    const { ParentId: _parentId, Name: _name, SubType: _subType, ...rest } = update;
    return rest;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight || this.stopped) return;
    this.scheduled = true;
    // setImmediate runs after every pending microtask, so all updates of this tick share the call.
    setImmediate(() => {
      this.scheduled = false;
      void this.sendNext();
    });
  }

  private async sendNext(): Promise<void> {
    if (this.inFlight || this.stopped) return;
    if (this.pending.length === 0 && this.pollWaiters.length === 0) {
      this.releaseDrainWaiters();
      return;
    }
    const batch = this.takeBatch();
    const polls = this.pollWaiters;
    this.pollWaiters = [];
    this.inFlight = true;
    let response: CheckpointDurableExecutionCommandOutput;
    try {
      this.calls += 1;
      response = await this.options.client.send(
        withoutClientToken(
          new CheckpointDurableExecutionCommand({
            DurableExecutionArn: this.options.executionArn,
            CheckpointToken: this.token,
            Updates: batch.map((entry) => entry.update),
            ClientToken: clientTokenFor(this.token),
          }),
        ),
      );
    } catch (error) {
      this.fail(error, 'CheckpointDurableExecution');
      return;
    }
    const closesExecution = batch.some((entry) => entry.update.Type === 'EXECUTION');
    if (response.CheckpointToken) {
      this.token = response.CheckpointToken;
    } else {
      // Without a token nothing more can be sent (§3.1): the execution closed, or a pause took
      // effect here (§9.4), which this invocation cannot tell apart; outside a closing checkpoint, suspend.
      this.stopped = true;
      this.options.state.merge(response.NewExecutionState?.Operations);
      for (const entry of batch) entry.done();
      for (const resolve of polls) resolve();
      this.inFlight = false;
      if (!closesExecution) this.options.termination.terminate({ kind: 'suspend' });
      this.releaseDrainWaiters();
      return;
    }
    this.options.state.merge(response.NewExecutionState?.Operations);
    if (response.NewExecutionState?.NextMarker) {
      // The marker pages this response, not GetDurableExecutionState: reload the whole state with
      // the new token instead (§3.1) and replace every operation by id.
      try {
        this.options.state.merge(await loadPages(this.options.client, this.options.executionArn, this.token, undefined));
      } catch (error) {
        this.fail(error, 'GetDurableExecutionState');
        return;
      }
    }
    this.inFlight = false;
    for (const entry of batch) entry.done();
    for (const resolve of polls) resolve();
    if (this.pending.length > 0 || this.pollWaiters.length > 0) this.schedule();
    else this.releaseDrainWaiters();
  }

  private takeBatch(): Entry[] {
    const batch: Entry[] = [];
    let bytes = this.token.length + CLIENT_TOKEN_LENGTH + REQUEST_OVERHEAD;
    const actionsById = new Map<string, string[]>();
    while (this.pending.length > 0 && batch.length < MAX_BATCH_UPDATES) {
      const next = this.pending[0];
      if (batch.length > 0 && bytes + next.size > MAX_BATCH_BYTES) break;
      if (!canShareRequest(actionsById.get(next.update.Id as string), next.update)) break;
      this.pending.shift();
      batch.push(next);
      bytes += next.size;
      const actions = actionsById.get(next.update.Id as string) ?? [];
      actions.push(next.update.Action as string);
      actionsById.set(next.update.Id as string, actions);
      // An EXECUTION update must be the last of its request (protocol.md §4.1 item 3).
      if (next.update.Type === 'EXECUTION') break;
    }
    return batch;
  }

  private fail(error: unknown, call: string): void {
    this.stopped = true;
    this.inFlight = false;
    const wrapped = classifyServiceError(error, call);
    this.options.termination.terminate(wrapped.kind === 'terminal' ? { kind: 'fail', error: wrapped } : { kind: 'throw', error: wrapped });
  }

  private releaseDrainWaiters(): void {
    if (!this.idle && !this.stopped) return;
    const waiters = this.drainWaiters.splice(0);
    for (const resolve of waiters) resolve();
  }
}

/**
 * One id may appear twice in a request only as a STEP or CONTEXT START followed by one closing
 * update (protocol.md §4.1 item 4); anything else starts a new request.
 */
function canShareRequest(earlier: string[] | undefined, update: OperationUpdate): boolean {
  if (!earlier) return true;
  return (
    earlier.length === 1 &&
    earlier[0] === 'START' &&
    update.Action !== 'START' &&
    (update.Type === 'STEP' || update.Type === 'CONTEXT')
  );
}
