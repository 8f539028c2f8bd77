/**
 * ExecutionObserver over the pure core, driven by hand on a manual clock: exact events, exact
 * figures (retried attempts' errors count as written bytes), idempotent starts and timeouts.
 */
import { ExecutionObserver, type DurableExecutionStatusChangeEvent } from '../../../local/observability';
import { FN, begin, makeCore, step } from './helpers';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

function observed() {
  const { core, clock } = makeCore();
  let n = 0;
  const observer = new ExecutionObserver(core, () => `event-${++n}`);
  const events: DurableExecutionStatusChangeEvent[] = [];
  observer.onStatusChange((e) => events.push(e));
  return { core, clock, observer, events };
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('ExecutionObserver on the core', () => {
  it('publishes RUNNING and SUCCEEDED with the documented envelope, and counts retried errors as written bytes', () => {
    const { core, clock, observer, events } = observed();
    clock.ms = T0 + 345;
    const first = begin(core, '{"orderId":"42"}', 'order-42');
    const error = { ErrorType: 'GatewayTimeout', ErrorMessage: 'try again' };
    first.cp([step('s1', 'START'), step('s1', 'RETRY', { Error: error, StepOptions: { NextAttemptDelaySeconds: 5 } })]);
    first.end({ Status: 'PENDING' });
    clock.advance(5);
    core.fireDueTimers();
    const second = first.next();
    second.cp([step('s1', 'START'), step('s1', 'SUCCEED', { Payload: '"charged"' })]);
    clock.advance(60);
    second.end({ Status: 'SUCCEEDED', Result: '"done"' });

    const arn = first.arn;
    const functionArn = `arn:aws:lambda:us-east-1:123456789012:function:${FN}:$LATEST`;
    const base = { 'version': '0', 'detail-type': 'Durable Execution Status Change', 'source': 'aws.lambda', 'account': '123456789012', 'region': 'us-east-1', 'resources': [] };
    const detail = { durableExecutionArn: arn, durableExecutionName: 'order-42', functionArn, startTimestamp: '2025-01-01T12:00:00.345Z' };
    expect(events).toEqual([
      { ...base, id: 'event-1', time: '2025-01-01T12:00:00Z', detail: { ...detail, status: 'RUNNING' } },
      { ...base, id: 'event-2', time: '2025-01-01T12:01:05Z', detail: { ...detail, status: 'SUCCEEDED', endTimestamp: '2025-01-01T12:01:05.345Z' } },
    ]);
    expect(observer.events()).toEqual(events);

    const written = bytes('{"orderId":"42"}') + bytes(JSON.stringify(error)) + bytes('"charged"');
    expect(core.executionUsage(arn)).toEqual({ operations: 2, storageWrittenBytes: written });
    expect(observer.metrics(FN)).toEqual({
      functionName: FN,
      DurableExecutionStarted: 1,
      DurableExecutionSucceeded: 1,
      DurableExecutionFailed: 0,
      DurableExecutionTimedOut: 0,
      DurableExecutionStopped: 0,
      DurableExecutionDuration: { sampleCount: 1, sum: 65_000, minimum: 65_000, maximum: 65_000, average: 65_000 },
      DurableExecutionOperations: { sampleCount: 1, sum: 2, minimum: 2, maximum: 2, average: 2 },
      DurableExecutionStorageWrittenBytes: { sampleCount: 1, sum: written, minimum: written, maximum: written, average: written },
      ApproximateRunningDurableExecutions: { current: 0, maximum: 1 },
    });
  });

  it('an idempotent repeat of a start publishes nothing and counts nothing', () => {
    const { core, observer, events } = observed();
    const request = { functionName: `${FN}:$LATEST`, executionName: 'once', payload: '{}', invocationType: 'Event' as const };
    expect(core.startExecution(request).created).toBe(true);
    expect(core.startExecution(request).created).toBe(false);
    expect(events.map((e) => e.detail.status)).toEqual(['RUNNING']);
    expect(observer.metrics(FN).DurableExecutionStarted).toBe(1);
  });

  it('counts concurrent executions, and a timeout ends one at exactly its execution timeout', () => {
    const { core, clock, observer, events } = observed();
    clock.ms = T0;
    const a = core.startExecution({ functionName: `${FN}:$LATEST`, invocationType: 'Event' }).executionArn;
    clock.advance(10);
    core.startExecution({ functionName: `${FN}:$LATEST`, invocationType: 'Event' });
    expect(observer.metrics(FN).ApproximateRunningDurableExecutions).toEqual({ current: 2, maximum: 2 });
    core.stopExecution({ DurableExecutionArn: a, Error: { ErrorMessage: 'no longer needed' } });
    clock.ms = T0 + 10_000 + 86_400_000;
    core.fireDueTimers();
    expect(events.map((e) => e.detail.status)).toEqual(['RUNNING', 'RUNNING', 'STOPPED', 'TIMED_OUT']);
    expect(events[3].detail.endTimestamp).toBe(new Date(T0 + 10_000 + 86_400_000).toISOString());
    const m = observer.metrics(FN);
    expect([m.DurableExecutionStopped, m.DurableExecutionTimedOut]).toEqual([1, 1]);
    expect(m.DurableExecutionDuration).toEqual({ sampleCount: 2, sum: 10_000 + 86_400_000, minimum: 10_000, maximum: 86_400_000, average: (10_000 + 86_400_000) / 2 });
    expect(m.ApproximateRunningDurableExecutions).toEqual({ current: 0, maximum: 2 });
  });

  it('a removed listener and a closed observer hear nothing more', () => {
    const { core, observer, events } = observed();
    const late: DurableExecutionStatusChangeEvent[] = [];
    const off = observer.onStatusChange((e) => late.push(e));
    core.startExecution({ functionName: `${FN}:$LATEST`, invocationType: 'Event' });
    off();
    core.startExecution({ functionName: `${FN}:$LATEST`, invocationType: 'Event' });
    observer.close();
    core.startExecution({ functionName: `${FN}:$LATEST`, invocationType: 'Event' });
    expect([late.length, events.length, observer.metrics(FN).DurableExecutionStarted]).toEqual([1, 2, 2]);
  });
});
