/**
 * The test runner every mode shares: start an execution, wait for it, look at its operations by
 * name or index, answer its callbacks, move virtual time, read its history and timeline. A mode
 * (in process, local HTTP service, deployed function) only supplies a {@link RunnerBackend}: how
 * to start an execution, read it, answer callbacks and learn of changes.
 */
import type { ErrorObject, Event, ExecutionStatus, OperationStatus, OperationType } from '@aws-sdk/client-lambda';
import { formatTimeline, summarizeOperations, type OperationSummary } from '../timeline';

/**
 * Where a test runner runs the workflow.
 *
 * - `in-process`: the workflow module runs in the test's own process (so `jest.mock` of its
 *   dependencies works) on the real service core, with a virtual clock.
 * - `local`: the bundle the construct synthesizes runs on the local HTTP service, in a sandbox,
 *   exactly as deployed.
 * - `deployed`: a deployed function, through the Lambda API of a real account.
 *
 * @example
 * const mode = (process.env.DURABLE_TEST_MODE ?? 'in-process') as TestRunnerMode;
 */
export type TestRunnerMode = 'in-process' | 'local' | 'deployed';

/**
 * A span of time: milliseconds, a runtime `Duration` (`Duration.hours(1)` of
 * `cdk-durable-function/runtime`) or an aws-cdk-lib `Duration`.
 *
 * @example
 * await runner.advanceTime(Duration.hours(1));
 */
export type DurationLike =
  | number
  | { readonly days?: number; readonly hours?: number; readonly minutes?: number; readonly seconds?: number }
  | { toMilliseconds(): number };

/**
 * Milliseconds of a {@link DurationLike}.
 *
 * @throws RangeError for a negative or non-finite span.
 * @example
 * durationToMs({ minutes: 5 }); // 300000
 */
export function durationToMs(duration: DurationLike): number {
  let ms: number;
  if (typeof duration === 'number') {
    ms = duration;
  } else if ('toMilliseconds' in duration && typeof duration.toMilliseconds === 'function') {
    ms = duration.toMilliseconds();
  } else {
    const d = duration as { days?: number; hours?: number; minutes?: number; seconds?: number };
    ms = ((d.days ?? 0) * 86_400 + (d.hours ?? 0) * 3600 + (d.minutes ?? 0) * 60 + (d.seconds ?? 0)) * 1000;
  }
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`A duration must be zero or more milliseconds; got ${String(ms)}.`);
  }
  return ms;
}

/**
 * One operation of an execution, as its history tells it.
 *
 * @example
 * const charge = await runner.getOperation('charge').waitFor('completed');
 * expect(charge.attempts).toBe(2);
 */
export interface OperationDetails<T = unknown> {
  readonly id: string;
  readonly parentId?: string;
  readonly name?: string;
  readonly type: OperationType;
  readonly subType?: string;
  /** The latest status; a step waiting for its next attempt is `PENDING`. */
  readonly status: OperationStatus;
  /** Attempts that ended (steps). */
  readonly attempts: number;
  /** The parsed result of a succeeded operation (absent when it has none or it is not JSON). */
  readonly result?: T;
  /** The result as the service stores it (JSON text). */
  readonly resultPayload?: string;
  /** The error of a failed (or retrying) operation. */
  readonly error?: ErrorObject;
  /** The id a callback is answered with. */
  readonly callbackId?: string;
  readonly startedAt: Date;
  readonly endedAt?: Date;
}

/**
 * An execution as a runner saw it last.
 *
 * @example
 * const execution = await runner.run({ orderId: '42' });
 * expect(execution.status).toBe('SUCCEEDED');
 */
export interface TestExecution<T = unknown> {
  readonly executionArn: string;
  readonly status: ExecutionStatus;
  /** The parsed result of a SUCCEEDED execution. */
  readonly result?: T;
  readonly resultPayload?: string;
  readonly error?: ErrorObject;
  /** Every history event, oldest first. */
  readonly history: readonly Event[];
  /** Every operation (the execution itself left out), in the order they started. */
  readonly operations: readonly OperationDetails[];
  /** The printable timeline, for failure messages: `expect(…).toBe(…)` with `execution.timeline` nearby. */
  readonly timeline: string;
}

/** What a mode must provide: the Lambda API's view of executions of one function. */
export interface RunnerBackend {
  readonly mode: TestRunnerMode;
  /** Starts an execution asynchronously and returns its ARN. `input` is JSON text. */
  start(input: string | undefined, executionName: string | undefined): Promise<string>;
  /** Status, result and error (GetDurableExecution). */
  describe(executionArn: string): Promise<{ readonly status: ExecutionStatus; readonly result?: string; readonly error?: ErrorObject }>;
  /** Every history event with execution data (GetDurableExecutionHistory, all pages). */
  history(executionArn: string): Promise<Event[]>;
  sendCallbackSuccess(callbackId: string, result: string | undefined): Promise<void>;
  sendCallbackFailure(callbackId: string, error: ErrorObject): Promise<void>;
  sendCallbackHeartbeat(callbackId: string): Promise<void>;
  stop(executionArn: string, error: ErrorObject | undefined): Promise<void>;
  pause(executionArn: string): Promise<void>;
  resume(executionArn: string): Promise<void>;
  delete(executionArn: string): Promise<void>;
  /** Calls `listener` whenever the execution may have changed; returns the unsubscriber. */
  watch(executionArn: string, listener: () => void): () => void;
  /** Moves the service's virtual clock forward. */
  advanceTime(ms: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Options of {@link DurableTestRunner.run} and {@link DurableTestRunner.start}.
 *
 * @example
 * await runner.run({ orderId: '42' }, { executionName: 'order-42', timeoutMs: 10_000 });
 */
export interface TestRunOptions {
  /** `DurableExecutionName` (default: a random one). */
  readonly executionName?: string;
  /** Real-time limit in ms to wait for the end (default 120,000); on expiry it rejects with the timeline. */
  readonly timeoutMs?: number;
}

/** Statuses after which an operation no longer changes. */
const OPERATION_DONE: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT', 'STOPPED']);
/** Statuses after which an execution no longer changes. */
const EXECUTION_DONE: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'STOPPED']);

const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * A started execution: wait for its end, read its history, stop, pause, resume or delete it.
 *
 * @example
 * const execution = await runner.start({ orderId: '42' });
 * await runner.getOperation('approval').sendSuccess({ approved: true });
 * const done = await execution.result();
 */
export class ExecutionHandle<T = unknown> {
  /** @param runner the runner that started it */
  constructor(
    private readonly runner: DurableTestRunner,
    readonly executionArn: string,
    private readonly timeoutMs: number,
  ) {}

  /** Waits for the execution to end and describes it (whatever the status: it does not throw for FAILED). */
  result(): Promise<TestExecution<T>> {
    return this.runner.waitUntil(this.executionArn, (execution) => EXECUTION_DONE.has(execution.status), 'the execution to end', this.timeoutMs) as Promise<
      TestExecution<T>
    >;
  }

  /** The execution as it stands now. */
  describe(): Promise<TestExecution<T>> {
    return this.runner.snapshot(this.executionArn) as Promise<TestExecution<T>>;
  }

  /** Stops the execution (StopDurableExecution). */
  stop(error?: ErrorObject): Promise<void> {
    return this.runner.backend.stop(this.executionArn, error);
  }

  /** Pauses the execution (PauseDurableExecution), where the service supports it. */
  pause(): Promise<void> {
    return this.runner.backend.pause(this.executionArn);
  }

  /** Resumes a paused execution (ResumeDurableExecution), where the service supports it. */
  resume(): Promise<void> {
    return this.runner.backend.resume(this.executionArn);
  }

  /** Deletes the execution's record (DeleteDurableExecution), where the service supports it. */
  delete(): Promise<void> {
    return this.runner.backend.delete(this.executionArn);
  }
}

/**
 * One operation of the runner's current execution, found by name (and occurrence) or by index.
 * Get it before or after starting the execution: it looks the operation up whenever asked.
 *
 * @example
 * const approval = runner.getOperation('approval');
 * const running = runner.start({ orderId: '42' });
 * await approval.sendSuccess({ approved: true });
 */
export class OperationHandle<T = unknown> {
  /** @param find picks the operation out of the execution's operations */
  constructor(
    private readonly runner: DurableTestRunner,
    readonly description: string,
    private readonly find: (operations: readonly OperationDetails[]) => OperationDetails | undefined,
  ) {}

  /**
   * Waits until the operation has `started` (exists) or `completed` (default) and returns it.
   * Rejects with the timeline when the execution ends first or the time limit passes.
   */
  async waitFor(status: 'started' | 'completed' = 'completed', options: { readonly timeoutMs?: number } = {}): Promise<OperationDetails<T>> {
    const arn = await this.runner.currentExecutionArn(options.timeoutMs);
    const execution = await this.runner.waitUntil(
      arn,
      (current) => {
        const op = this.find(current.operations);
        if (op !== undefined && (status === 'started' || OPERATION_DONE.has(op.status))) return true;
        if (EXECUTION_DONE.has(current.status)) {
          throw new Error(`The execution ended ${current.status} before ${this.description} ${status === 'started' ? 'started' : 'completed'}.\n${current.timeline}`);
        }
        return false;
      },
      `${this.description} to be ${status}`,
      options.timeoutMs,
    );
    return this.find(execution.operations) as OperationDetails<T>;
  }

  /** The operation as the runner saw it last, or undefined when it has not started. */
  details(): OperationDetails<T> | undefined {
    const last = this.runner.lastSeen();
    return last === undefined ? undefined : (this.find(last.operations) as OperationDetails<T> | undefined);
  }

  /** Completes the callback with `result` (sent as JSON), once the workflow waits on it. */
  async sendSuccess(result?: unknown): Promise<void> {
    const id = await this.callbackId();
    await this.runner.backend.sendCallbackSuccess(id, result === undefined ? undefined : JSON.stringify(result));
  }

  /** Fails the callback, once the workflow waits on it. */
  async sendFailure(error: Error | ErrorObject | string): Promise<void> {
    const id = await this.callbackId();
    const object: ErrorObject =
      typeof error === 'string'
        ? { ErrorType: 'Error', ErrorMessage: error }
        : error instanceof Error
          ? { ErrorType: error.name, ErrorMessage: error.message }
          : error;
    await this.runner.backend.sendCallbackFailure(id, object);
  }

  /** Sends a heartbeat for the callback, once the workflow waits on it. */
  async heartbeat(): Promise<void> {
    await this.runner.backend.sendCallbackHeartbeat(await this.callbackId());
  }

  /**
   * The callback's id: the operation's own, or, for a `waitForCallback` (a context around the
   * callback and its submitter), the id of the callback inside it.
   */
  private async callbackId(): Promise<string> {
    const arn = await this.runner.currentExecutionArn();
    let id: string | undefined;
    await this.runner.waitUntil(
      arn,
      (current) => {
        const op = this.find(current.operations);
        if (op === undefined) {
          if (current.status !== 'RUNNING') throw new Error(`The execution ended ${current.status} before ${this.description} started.\n${current.timeline}`);
          return false;
        }
        const callback = op.type === 'CALLBACK' ? op : current.operations.find((child) => child.parentId === op.id && child.type === 'CALLBACK');
        if (callback?.callbackId !== undefined) {
          id = callback.callbackId;
          return true;
        }
        if (op.type !== 'CONTEXT' || OPERATION_DONE.has(op.status)) {
          throw new TypeError(`${this.description} is a ${op.type} operation without a callback; only callbacks (createCallback, waitForCallback) can be answered.`);
        }
        return false;
      },
      `${this.description} to wait on a callback`,
    );
    return id as string;
  }
}

interface Waiter {
  readonly check: (execution: TestExecution) => boolean;
  readonly resolve: (execution: TestExecution) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The runner API, the same in every mode. Create one with `InProcessTestRunner.create`,
 * `LocalTestRunner.create`, `DeployedTestRunner.create`, or `createTestRunner({ mode, … })`.
 *
 * @example
 * const runner = await createTestRunner({ mode: 'in-process', handler });
 * const execution = await runner.run({ orderId: '42' });
 * expect(runner.getOperation('charge').details()?.attempts).toBe(1);
 * await runner.close();
 */
export class DurableTestRunner {
  private current: string | undefined;
  private readonly snapshots = new Map<string, TestExecution>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly watches = new Map<string, () => void>();
  private readonly refreshing = new Map<string, { running: Promise<void>; again: boolean }>();
  private readonly startWaiters = new Set<(arn: string) => void>();
  private closed = false;

  /** @param backend how this mode reaches the service */
  constructor(readonly backend: RunnerBackend) {}

  /** Where this runner runs the workflow. */
  get mode(): TestRunnerMode {
    return this.backend.mode;
  }

  /**
   * Starts an execution and waits for its end; resolves whatever the status.
   *
   * @example
   * const { status, result } = await runner.run({ orderId: '42' });
   */
  async run<T = unknown>(input?: unknown, options: TestRunOptions = {}): Promise<TestExecution<T>> {
    return (await this.start<T>(input, options)).result();
  }

  /**
   * Starts an execution without waiting for its end; it becomes the runner's current execution,
   * which operation handles look at.
   */
  async start<T = unknown>(input?: unknown, options: TestRunOptions = {}): Promise<ExecutionHandle<T>> {
    this.assertOpen();
    const payload = input === undefined ? undefined : JSON.stringify(input);
    const arn = await this.backend.start(payload, options.executionName);
    this.current = arn;
    this.ensureWatch(arn);
    for (const notify of [...this.startWaiters]) notify(arn);
    return new ExecutionHandle<T>(this, arn, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  /**
   * The `occurrence`-th (0-based) operation named `name` of the current execution, in start order.
   *
   * @example
   * await runner.getOperation('charge').waitFor('completed');
   */
  getOperation<T = unknown>(name: string, occurrence = 0): OperationHandle<T> {
    return new OperationHandle<T>(this, `operation "${name}"${occurrence > 0 ? ` #${occurrence}` : ''}`, (ops) => ops.filter((op) => op.name === name)[occurrence]);
  }

  /**
   * The `index`-th (0-based) operation of the current execution in start order, children included.
   *
   * @example
   * expect(runner.getOperationByIndex(0).details()?.name).toBe('load');
   */
  getOperationByIndex<T = unknown>(index: number): OperationHandle<T> {
    return new OperationHandle<T>(this, `operation #${index}`, (ops) => ops[index]);
  }

  /**
   * Moves the service's virtual clock forward: due waits, retries and timeouts fire at once.
   * In-process and local modes only (a deployed function runs on real time).
   *
   * @example
   * await runner.advanceTime(Duration.hours(1));
   */
  async advanceTime(duration: DurationLike): Promise<void> {
    this.assertOpen();
    await this.backend.advanceTime(durationToMs(duration));
  }

  /** The history of the current execution (or of `executionArn`), freshly read. */
  async history(executionArn?: string): Promise<readonly Event[]> {
    return (await this.snapshot(executionArn ?? (await this.currentExecutionArn()))).history;
  }

  /** The printable timeline of the current execution (or of `executionArn`), freshly read. */
  async timeline(executionArn?: string): Promise<string> {
    return (await this.snapshot(executionArn ?? (await this.currentExecutionArn()))).timeline;
  }

  /** Stops the service (in-process and local modes) and every watch. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const off of this.watches.values()) off();
    this.watches.clear();
    for (const [, set] of this.waiters) for (const waiter of set) waiter.reject(new Error('The test runner was closed.'));
    this.waiters.clear();
    await this.backend.close();
  }

  /** @internal The last snapshot of the current execution. */
  lastSeen(): TestExecution | undefined {
    return this.current === undefined ? undefined : this.snapshots.get(this.current);
  }

  /** @internal The current execution's ARN, waiting for one to start. */
  currentExecutionArn(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    if (this.current !== undefined) return Promise.resolve(this.current);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.startWaiters.delete(notify);
        reject(new Error(`No execution was started within ${timeoutMs} ms; call runner.start(…) or runner.run(…).`));
      }, timeoutMs);
      const notify = (arn: string) => {
        clearTimeout(timer);
        this.startWaiters.delete(notify);
        resolve(arn);
      };
      this.startWaiters.add(notify);
    });
  }

  /** @internal Reads the execution afresh. */
  async snapshot(executionArn: string): Promise<TestExecution> {
    const [described, history] = await Promise.all([this.backend.describe(executionArn), this.backend.history(executionArn)]);
    const execution = toTestExecution(executionArn, described, history);
    this.snapshots.set(executionArn, execution);
    return execution;
  }

  /**
   * @internal Resolves once `check` holds for the execution (it is checked on every change);
   * `check` may throw to reject.
   */
  waitUntil(executionArn: string, check: (execution: TestExecution) => boolean, what: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<TestExecution> {
    this.assertOpen();
    this.ensureWatch(executionArn);
    return new Promise<TestExecution>((resolve, reject) => {
      const set = this.waiters.get(executionArn) ?? new Set<Waiter>();
      this.waiters.set(executionArn, set);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        set.delete(waiter);
        settle();
      };
      const waiter: Waiter = {
        check,
        resolve: (execution) => finish(() => resolve(execution)),
        reject: (error) => finish(() => reject(error)),
      };
      set.add(waiter);
      const timer = setTimeout(() => {
        const last = this.snapshots.get(executionArn);
        waiter.reject(new Error(`Gave up waiting for ${what} after ${timeoutMs} ms of real time.\n${last?.timeline ?? '(no history read yet)'}`));
      }, timeoutMs);
      this.refresh(executionArn);
    });
  }

  private ensureWatch(executionArn: string): void {
    if (this.watches.has(executionArn) || this.closed) return;
    this.watches.set(executionArn, this.backend.watch(executionArn, () => this.refresh(executionArn)));
  }

  /** Reads the execution and settles waiters; coalesces bursts of changes into one read at a time. */
  private refresh(executionArn: string): void {
    const inFlight = this.refreshing.get(executionArn);
    if (inFlight !== undefined) {
      inFlight.again = true;
      return;
    }
    const state = { running: Promise.resolve(), again: false };
    state.running = (async () => {
      do {
        state.again = false;
        let execution: TestExecution;
        try {
          execution = await this.snapshot(executionArn);
        } catch (error) {
          this.refreshing.delete(executionArn);
          for (const waiter of [...(this.waiters.get(executionArn) ?? [])]) waiter.reject(error as Error);
          return;
        }
        for (const waiter of [...(this.waiters.get(executionArn) ?? [])]) {
          try {
            if (waiter.check(execution)) waiter.resolve(execution);
          } catch (error) {
            waiter.reject(error as Error);
          }
        }
      } while (state.again);
      // In the same turn as the last check, so a change announced from now on starts a new read.
      this.refreshing.delete(executionArn);
    })();
    this.refreshing.set(executionArn, state);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('This test runner is closed; create a new one.');
  }
}

function toTestExecution(
  executionArn: string,
  described: { readonly status: ExecutionStatus; readonly result?: string; readonly error?: ErrorObject },
  history: Event[],
): TestExecution {
  const firstSeen = new Map<string, number>();
  history.forEach((event, index) => {
    if (event.Id !== undefined && !firstSeen.has(event.Id)) firstSeen.set(event.Id, index);
  });
  const operations = summarizeOperations(history)
    .filter((summary) => summary.type !== 'EXECUTION')
    .sort((a, b) => (firstSeen.get(a.id) ?? 0) - (firstSeen.get(b.id) ?? 0))
    .map(toDetails);
  const result = described.status === 'SUCCEEDED' ? parseJson(described.result) : undefined;
  return {
    executionArn,
    status: described.status,
    ...(result !== undefined ? { result: result.value } : {}),
    ...(described.status === 'SUCCEEDED' && described.result !== undefined ? { resultPayload: described.result } : {}),
    ...(described.error !== undefined ? { error: described.error } : {}),
    history,
    operations,
    timeline: formatTimeline(history),
  };
}

function toDetails(summary: OperationSummary): OperationDetails {
  const parsed = parseJson(summary.result);
  return {
    id: summary.id,
    ...(summary.parentId !== undefined ? { parentId: summary.parentId } : {}),
    ...(summary.name !== undefined ? { name: summary.name } : {}),
    type: summary.type,
    ...(summary.subType !== undefined ? { subType: summary.subType } : {}),
    status: summary.status,
    attempts: summary.attempts,
    ...(parsed !== undefined ? { result: parsed.value } : {}),
    ...(summary.result !== undefined ? { resultPayload: summary.result } : {}),
    ...(summary.error !== undefined ? { error: summary.error } : {}),
    ...(summary.callbackId !== undefined ? { callbackId: summary.callbackId } : {}),
    startedAt: summary.startedAt,
    ...(summary.endedAt !== undefined ? { endedAt: summary.endedAt } : {}),
  };
}

function parseJson(text: string | undefined): { value: unknown } | undefined {
  if (text === undefined || text === '') return undefined;
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}
