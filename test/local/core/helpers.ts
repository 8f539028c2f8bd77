import type { CheckpointDurableExecutionResponse, OperationUpdate } from '@aws-sdk/client-lambda';
import { CoreServiceError, DurableServiceCore, type CoreFunctionDefinition, type DurableServiceCoreOptions } from '../../../local/core';

/** A clock the test moves by hand. */
export class ManualClock {
  constructor(public ms = Date.UTC(2025, 0, 1, 12, 0, 0)) {}
  now(): number {
    return this.ms;
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export const FN = 'orders';

export function makeCore(
  options: Partial<DurableServiceCoreOptions> = {},
  def: Partial<CoreFunctionDefinition> = {},
): { core: DurableServiceCore; clock: ManualClock } {
  const clock = new ManualClock();
  const core = new DurableServiceCore({ clock, ...options });
  core.registerFunction({ functionName: FN, durableConfig: { executionTimeoutSeconds: 86400 }, ...def });
  return { core, clock };
}

/** Starts an execution and its first invocation; `cp` checkpoints with the chained token. */
export function begin(core: DurableServiceCore, payload?: string, executionName?: string) {
  const { executionArn } = core.startExecution({ functionName: `${FN}:$LATEST`, payload, executionName, invocationType: 'Event' });
  return driver(core, executionArn);
}

/** Begins the next invocation of an execution and returns helpers bound to it. */
export function driver(core: DurableServiceCore, executionArn: string) {
  const start = core.beginInvocation(executionArn);
  let token = start.event.CheckpointToken;
  const d = {
    arn: executionArn,
    start,
    get token() {
      return token;
    },
    cp(updates: OperationUpdate[], clientToken?: string): CheckpointDurableExecutionResponse {
      const res = core.checkpoint({ DurableExecutionArn: executionArn, CheckpointToken: token, Updates: updates, ClientToken: clientToken });
      if (res.CheckpointToken) token = res.CheckpointToken;
      return res;
    },
    end(output: unknown) {
      core.endInvocation(executionArn, start.invocationId, { kind: 'returned', output });
    },
    fail(message = 'boom') {
      core.endInvocation(executionArn, start.invocationId, { kind: 'error', error: { ErrorType: 'Error', ErrorMessage: message } });
    },
    next() {
      return driver(core, executionArn);
    },
  };
  return d;
}

/** Runs `fn` and returns the CoreServiceError it throws (fails the test when it does not throw one). */
export function serviceError(fn: () => unknown): CoreServiceError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CoreServiceError) return e;
    throw e;
  }
  throw new Error('expected a CoreServiceError, nothing was thrown');
}

export function history(core: DurableServiceCore, arn: string) {
  return core.getHistory({ DurableExecutionArn: arn, MaxItems: 1000 }).Events ?? [];
}

export function eventTypes(core: DurableServiceCore, arn: string): string[] {
  return history(core, arn).map((e) => e.EventType as string);
}

export function op(core: DurableServiceCore, arn: string, id: string) {
  const found = core.getOperations(arn).find((o) => o.Id === id);
  if (!found) throw new Error(`no operation ${id}`);
  return found;
}

export const step = (id: string, Action: OperationUpdate['Action'], extra: Partial<OperationUpdate> = {}): OperationUpdate => ({
  Id: id,
  Type: 'STEP',
  SubType: 'Step',
  Action,
  ...extra,
});
export const ctx = (id: string, Action: OperationUpdate['Action'], extra: Partial<OperationUpdate> = {}): OperationUpdate => ({
  Id: id,
  Type: 'CONTEXT',
  SubType: 'RunInChildContext',
  Action,
  ...extra,
});
export const wait = (id: string, seconds: number, extra: Partial<OperationUpdate> = {}): OperationUpdate => ({
  Id: id,
  Type: 'WAIT',
  SubType: 'Wait',
  Action: 'START',
  WaitOptions: { WaitSeconds: seconds },
  ...extra,
});
export const callback = (id: string, options: OperationUpdate['CallbackOptions'] = {}): OperationUpdate => ({
  Id: id,
  Type: 'CALLBACK',
  SubType: 'Callback',
  Action: 'START',
  CallbackOptions: options,
});
