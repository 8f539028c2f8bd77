/**
 * Every execution the service knows, indexed by ARN, id (callback ids carry it) and name
 * (idempotent starts), and forgotten lazily once its retention period has passed (§7).
 */
import type { CoreClock } from './api';
import { parseExecutionArn } from './arns';
import { invalidParameter, notFound } from './errors';
import type { ExecutionRecord } from './records';

const DAY_MS = 86_400_000;

/**
 * The execution records of one service.
 *
 * The `live…` reads drop an execution whose retention has passed, so a forgotten execution is
 * never found again; `get` does not, because timers and hosts only act on RUNNING executions,
 * which never expire.
 *
 * @example
 * const store = new ExecutionStore(clock);
 * store.add(record);
 * store.lookup(arn).status; // 404 once retention has passed
 */
export class ExecutionStore {
  private readonly byArn = new Map<string, ExecutionRecord>();
  private readonly byId = new Map<string, ExecutionRecord>();
  private readonly byName = new Map<string, ExecutionRecord>();
  private createdCount = 0;

  constructor(private readonly clock: CoreClock) {}

  /** The creation number of the next execution: listing orders by it. */
  nextCreatedSeq(): number {
    return ++this.createdCount;
  }

  /** Stores a new execution under its ARN, id and name. */
  add(exec: ExecutionRecord): void {
    this.byArn.set(exec.arn, exec);
    this.byId.set(exec.id, exec);
    this.byName.set(nameKey(exec.functionName, exec.name), exec);
  }

  /** The execution with this ARN, even past its retention. */
  get(arn: string): ExecutionRecord | undefined {
    return this.byArn.get(arn);
  }

  /** The execution with this ARN, unless it has expired. */
  live(arn: string): ExecutionRecord | undefined {
    return this.unlessExpired(this.byArn.get(arn));
  }

  /** The execution with this id (from a callback id), unless it has expired. */
  liveById(id: string): ExecutionRecord | undefined {
    return this.unlessExpired(this.byId.get(id));
  }

  /** The execution of this function with this name, unless it has expired. */
  liveByName(functionName: string, name: string): ExecutionRecord | undefined {
    return this.unlessExpired(this.byName.get(nameKey(functionName, name)));
  }

  /** Every execution that has not expired, in creation order. */
  liveAll(): ExecutionRecord[] {
    return [...this.byArn.values()].filter((exec) => this.unlessExpired(exec) !== undefined);
  }

  /**
   * The execution a control-plane call names.
   * @throws CoreServiceError 400 for a missing or malformed ARN, 404 for an unknown or expired one.
   */
  lookup(arn: string | undefined): ExecutionRecord {
    if (typeof arn !== 'string' || arn === '') {
      throw invalidParameter('DurableExecutionArn is required.');
    }
    const exec = this.live(arn);
    if (exec) return exec;
    if (!parseExecutionArn(arn)) {
      throw invalidParameter(
        `Invalid DurableExecutionArn "${arn}": expected arn:aws:lambda:<region>:<account>:function:<name>:<version>/durable-execution/<name>/<id>.`,
      );
    }
    throw notFound(`Durable execution not found: ${arn}.`);
  }

  /**
   * Forgets an execution for good (a finished Delete, §9.8): every API naming it answers 404 and
   * its name is free again.
   */
  remove(exec: ExecutionRecord): void {
    if (this.byArn.get(exec.arn) === exec) this.byArn.delete(exec.arn);
    if (this.byId.get(exec.id) === exec) this.byId.delete(exec.id);
    const key = nameKey(exec.functionName, exec.name);
    if (this.byName.get(key) === exec) this.byName.delete(key);
  }

  private unlessExpired(exec: ExecutionRecord | undefined): ExecutionRecord | undefined {
    const now = this.clock.now();
    const retained = exec?.endedAt === undefined || now < exec.endedAt + exec.retentionDays * DAY_MS;
    const deleted = exec?.deletion !== undefined && now >= exec.deletion.removeAt;
    if (exec && (!retained || deleted)) {
      this.remove(exec);
      return undefined;
    }
    return exec;
  }
}

/** Execution names are unique per function, not per service. */
function nameKey(functionName: string, name: string): string {
  return `${functionName}\u0000${name}`;
}
