/**
 * The state one service core shares between its modules. It holds data and collaborators only;
 * the rules live in the modules that take it as their first argument.
 */
import type { CoreClock } from './api';
import type { ServiceLocation } from './arns';
import type { ExecutionStore } from './execution-store';
import type { FunctionRegistry } from './functions';
import type { OperationAddress } from './records';
import type { TimerQueue } from './timers';
import type { WakeQueue } from './wakes';

/**
 * Everything one service core knows and needs, passed explicitly to each of its modules.
 *
 * @example
 * const state: CoreState = {
 *   clock, location: DEFAULT_LOCATION, newId: randomUUID, initialStatePageSize: 100,
 *   functions: new FunctionRegistry(DEFAULT_LOCATION), executions: new ExecutionStore(clock),
 *   timers: new TimerQueue(), wakes: new WakeQueue(), needingInvocation: new Set(), hostInvokes: new Map(),
 * };
 */
export interface CoreState {
  readonly clock: CoreClock;
  /** Partition, region and account of every ARN the service builds. */
  readonly location: ServiceLocation;
  /** Source of execution ids, request ids and token nonces. */
  readonly newId: () => string;
  /** Operations in an invocation's `InitialExecutionState`. */
  readonly initialStatePageSize: number;
  readonly functions: FunctionRegistry;
  readonly executions: ExecutionStore;
  readonly timers: TimerQueue;
  readonly wakes: WakeQueue;
  /** ARNs of executions waiting for their next invocation, oldest first (scheduling.ts). */
  readonly needingInvocation: Set<string>;
  /** Chained invokes a host must perform, in request order, by `arn\0operationId` (chained-invokes.ts). */
  readonly hostInvokes: Map<string, OperationAddress>;
  /** How long a deleted execution stays DELETING before it is gone (ms; default 0, §9.8). */
  readonly deletionDelayMs?: number;
}
