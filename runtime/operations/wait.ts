import type { DurableContextImpl } from '../context/durable-context';
import {
  beforeStarting,
  checkpoint,
  describeOperation,
  epochMs,
  operationIdentity,
  recordedOperation,
  throwIfAborted,
  waitForOperation,
} from '../context/operation-support';
import { toWholeSeconds, type Duration } from '../duration';
import { validateName } from '../names';

/**
 * `ctx.wait`: checkpoints WAIT START with the duration in whole seconds and waits for the service
 * to complete it. With nothing else running, the invocation suspends (PENDING) meanwhile; on a
 * later invocation a completed wait returns at once.
 */
export async function runWait(ctx: DurableContextImpl, name: string | undefined, duration: Duration): Promise<void> {
  validateName(name, 'a wait');
  const what = describeOperation('wait', name);
  const seconds = toWholeSeconds(duration, `The duration of ${what}`);
  const { id, position } = ctx.allocateOperationId();
  throwIfAborted(ctx, what);
  const identity = operationIdentity(id, ctx.scope.parentId, 'WAIT', 'Wait', name);
  const recorded = recordedOperation(ctx, identity, position);
  let expectedEnd: number | undefined;
  if (!recorded) {
    const gate = beforeStarting(ctx, what);
    if (gate) await gate;
    expectedEnd = Date.now() + seconds * 1000;
    checkpoint(ctx, { ...identity, Action: 'START', WaitOptions: { WaitSeconds: seconds } }, what).catch(() => undefined);
  }
  await waitForOperation(
    ctx,
    id,
    (operation) => operation.Status !== 'STARTED',
    // Our own estimate first: the service's timestamps follow its clock, not ours.
    (operation) => expectedEnd ?? epochMs(operation?.WaitDetails?.ScheduledEndTimestamp),
    what,
  );
}
