import type { Operation } from '@aws-sdk/client-lambda';

type Listener = (operation: Operation) => void;

/**
 * The runtime's copy of the execution's operations, keyed by id (protocol.md §1.2, §3.1).
 *
 * It remembers which ids existed when the invocation started (that is what "replaying" means) and
 * lets operations wait for the service to change one of them (a wait that elapsed, a retry that
 * became READY, a completed callback).
 */
export class ExecutionState {
  private readonly operations = new Map<string, Operation>();
  private readonly initialIds: ReadonlySet<string>;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(initial: readonly Operation[]) {
    for (const operation of initial) {
      if (operation.Id) this.operations.set(operation.Id, operation);
    }
    this.initialIds = new Set(this.operations.keys());
  }

  /** The stored copy of an operation. */
  get(id: string): Operation | undefined {
    return this.operations.get(id);
  }

  /** True when the operation was already recorded when this invocation started. */
  existedAtStart(id: string): boolean {
    return this.initialIds.has(id);
  }

  /** Ids of the operations whose ParentId is `parentId`. */
  idsUnder(parentId: string): string[] {
    const ids: string[] = [];
    for (const [id, operation] of this.operations) if (operation.ParentId === parentId) ids.push(id);
    return ids;
  }

  /** The EXECUTION operation (found by type, never by position: §1.2). */
  executionOperation(): Operation | undefined {
    for (const operation of this.operations.values()) {
      if (operation.Type === 'EXECUTION') return operation;
    }
    return undefined;
  }

  /** Replaces each returned operation by id (whole-object replace) and wakes its listeners. */
  merge(operations: readonly Operation[] | undefined): void {
    if (!operations) return;
    const changed: Operation[] = [];
    for (const operation of operations) {
      if (!operation.Id) continue;
      this.operations.set(operation.Id, operation);
      changed.push(operation);
    }
    for (const operation of changed) {
      const listeners = this.listeners.get(operation.Id as string);
      if (!listeners) continue;
      for (const listener of [...listeners]) listener(operation);
    }
  }

  /** Calls `listener` with every new copy of operation `id` until the returned function is called. */
  subscribe(id: string, listener: Listener): () => void {
    let set = this.listeners.get(id);
    if (!set) {
      set = new Set();
      this.listeners.set(id, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(id);
    };
  }
}
