/**
 * Rebuilds an execution's operations, as GetDurableExecutionState would have returned them at the
 * end of its history, from the history events alone (protocol.md §4.2 and §5.2). This is what a
 * replay hands to the new code as its recorded state.
 *
 * @example
 * const { operations } = recordedState(saved.events);
 */
import type { Event, Operation } from '@aws-sdk/client-lambda';

/** The recorded state of an execution. */
export interface RecordedState {
  /** Every operation, in the order it first appeared in the history. */
  readonly operations: Operation[];
  /** Problems that make parts of the replay approximate (e.g. truncated payloads). */
  readonly warnings: string[];
  /**
   * Ids of the contexts marked `ReplayChildren` only because they succeeded without a result: one
   * whose function returned nothing (the service replays it from its record, without running it)
   * or one whose result was too large to store (the service runs it again). The history cannot
   * tell the two apart, so the replay runs them again, but does not hold the new code to reach
   * what they recorded.
   */
  readonly inferredReplayChildren: string[];
}

/**
 * Replays the history's events onto operations.
 *
 * Two facts the history does not keep are inferred: a CONTEXT that succeeded without a result, or
 * a batch whose summary is the compact one, is marked `ReplayChildren` (its code runs again, as
 * it did on the service; for a context that returned nothing this gives the same value, so the
 * inference is safe); a STEP failed with a retry delay is PENDING.
 *
 * @example
 * recordedState(events).operations.find((op) => op.Type === 'EXECUTION');
 */
export function recordedState(events: readonly Event[]): RecordedState {
  const operations = new Map<string, Operation>();
  const warnings: string[] = [];
  const childCount = new Map<string, number>();
  const touch = (event: Event, type: Operation['Type']): Operation => {
    const id = event.Id as string;
    let op = operations.get(id);
    if (!op) {
      op = {
        Id: id,
        Type: type,
        Status: 'STARTED',
        StartTimestamp: event.EventTimestamp,
        ...(event.ParentId !== undefined ? { ParentId: event.ParentId } : {}),
        ...(event.Name !== undefined ? { Name: event.Name } : {}),
        ...(event.SubType !== undefined ? { SubType: event.SubType } : {}),
      };
      operations.set(id, op);
      if (event.ParentId !== undefined) childCount.set(event.ParentId, (childCount.get(event.ParentId) ?? 0) + 1);
    }
    return op;
  };
  const end = (op: Operation, event: Event, status: Operation['Status']) => {
    op.Status = status;
    op.EndTimestamp = event.EventTimestamp;
  };
  const payload = (shape: { Payload?: string; Truncated?: boolean } | undefined, event: Event): string | undefined => {
    if (shape?.Truncated) warnings.push(`event ${event.EventId} (${event.EventType} of ${event.Id}) holds a truncated payload; values read from it may differ.`);
    return shape?.Payload;
  };

  for (const event of events) {
    if (event.Id === undefined) continue;
    switch (event.EventType) {
      case 'ExecutionStarted': {
        const op = touch(event, 'EXECUTION');
        const input = payload(event.ExecutionStartedDetails?.Input, event);
        op.ExecutionDetails = input !== undefined ? { InputPayload: input } : {};
        break;
      }
      case 'ExecutionSucceeded':
        end(touch(event, 'EXECUTION'), event, 'SUCCEEDED');
        break;
      case 'ExecutionFailed':
        end(touch(event, 'EXECUTION'), event, 'FAILED');
        break;
      case 'ExecutionTimedOut':
        end(touch(event, 'EXECUTION'), event, 'TIMED_OUT');
        break;
      case 'ExecutionStopped':
        end(touch(event, 'EXECUTION'), event, 'STOPPED');
        break;
      case 'StepStarted': {
        const op = touch(event, 'STEP');
        op.Status = 'STARTED';
        op.StepDetails = { ...op.StepDetails, NextAttemptTimestamp: undefined };
        break;
      }
      case 'StepSucceeded': {
        const op = touch(event, 'STEP');
        const details = event.StepSucceededDetails;
        const attempt = details?.RetryDetails?.CurrentAttempt ?? (op.StepDetails?.Attempt ?? 0) + 1;
        const result = payload(details?.Result, event);
        const delay = details?.RetryDetails?.NextAttemptDelaySeconds;
        if (delay !== undefined) {
          // A waitForCondition RETRY: the state is kept and the step waits for its next attempt.
          op.Status = 'PENDING';
          op.StepDetails = { Attempt: attempt, Result: result, NextAttemptTimestamp: after(event, delay) };
        } else {
          end(op, event, 'SUCCEEDED');
          op.StepDetails = { Attempt: attempt, ...(result !== undefined ? { Result: result } : {}) };
        }
        break;
      }
      case 'StepFailed': {
        const op = touch(event, 'STEP');
        const details = event.StepFailedDetails;
        const attempt = details?.RetryDetails?.CurrentAttempt ?? (op.StepDetails?.Attempt ?? 0) + 1;
        const error = details?.Error?.Payload;
        if (details?.Error?.Truncated) warnings.push(`event ${event.EventId} (StepFailed of ${event.Id}) holds a truncated error.`);
        const delay = details?.RetryDetails?.NextAttemptDelaySeconds;
        if (delay !== undefined) {
          op.Status = 'PENDING';
          op.StepDetails = { Attempt: attempt, Error: error, NextAttemptTimestamp: after(event, delay) };
        } else {
          end(op, event, 'FAILED');
          op.StepDetails = { Attempt: attempt, Error: error };
        }
        break;
      }
      case 'WaitStarted': {
        const op = touch(event, 'WAIT');
        op.WaitDetails = { ScheduledEndTimestamp: event.WaitStartedDetails?.ScheduledEndTimestamp };
        break;
      }
      case 'WaitSucceeded':
        end(touch(event, 'WAIT'), event, 'SUCCEEDED');
        break;
      case 'WaitCancelled':
        end(touch(event, 'WAIT'), event, 'CANCELLED');
        break;
      case 'CallbackStarted': {
        const op = touch(event, 'CALLBACK');
        op.CallbackDetails = { CallbackId: event.CallbackStartedDetails?.CallbackId };
        break;
      }
      case 'CallbackSucceeded': {
        const op = touch(event, 'CALLBACK');
        end(op, event, 'SUCCEEDED');
        op.CallbackDetails = { ...op.CallbackDetails, Result: payload(event.CallbackSucceededDetails?.Result, event) };
        break;
      }
      case 'CallbackFailed': {
        const op = touch(event, 'CALLBACK');
        end(op, event, 'FAILED');
        op.CallbackDetails = { ...op.CallbackDetails, Error: event.CallbackFailedDetails?.Error?.Payload };
        break;
      }
      case 'CallbackTimedOut': {
        const op = touch(event, 'CALLBACK');
        end(op, event, 'TIMED_OUT');
        op.CallbackDetails = { ...op.CallbackDetails, Error: event.CallbackTimedOutDetails?.Error?.Payload };
        break;
      }
      case 'ChainedInvokeStarted':
        touch(event, 'CHAINED_INVOKE').ChainedInvokeDetails = {};
        break;
      case 'ChainedInvokeSucceeded': {
        const op = touch(event, 'CHAINED_INVOKE');
        end(op, event, 'SUCCEEDED');
        op.ChainedInvokeDetails = { Result: payload(event.ChainedInvokeSucceededDetails?.Result, event) };
        break;
      }
      case 'ChainedInvokeFailed':
      case 'ChainedInvokeTimedOut':
      case 'ChainedInvokeStopped': {
        const op = touch(event, 'CHAINED_INVOKE');
        const status = event.EventType === 'ChainedInvokeFailed' ? 'FAILED' : event.EventType === 'ChainedInvokeTimedOut' ? 'TIMED_OUT' : 'STOPPED';
        end(op, event, status);
        const details = event.ChainedInvokeFailedDetails ?? event.ChainedInvokeTimedOutDetails ?? event.ChainedInvokeStoppedDetails;
        op.ChainedInvokeDetails = { Error: details?.Error?.Payload };
        break;
      }
      case 'ContextStarted':
        touch(event, 'CONTEXT').ContextDetails = {};
        break;
      case 'ContextSucceeded': {
        const op = touch(event, 'CONTEXT');
        end(op, event, 'SUCCEEDED');
        const result = payload(event.ContextSucceededDetails?.Result, event);
        op.ContextDetails = result !== undefined ? { Result: result } : {};
        break;
      }
      case 'ContextFailed': {
        const op = touch(event, 'CONTEXT');
        end(op, event, 'FAILED');
        op.ContextDetails = { Error: event.ContextFailedDetails?.Error?.Payload };
        break;
      }
      default:
        break;
    }
  }
  const inferredReplayChildren: string[] = [];
  for (const op of operations.values()) {
    if (op.Type !== 'CONTEXT' || (op.Status !== 'SUCCEEDED' && op.Status !== 'FAILED')) continue;
    const data = op.Status === 'SUCCEEDED' ? op.ContextDetails?.Result : op.ContextDetails?.Error?.ErrorData;
    const hasChildren = (childCount.get(op.Id as string) ?? 0) > 0;
    const withoutResult = op.Status === 'SUCCEEDED' && data === undefined && hasChildren;
    if (isCompactSummary(data) || withoutResult) {
      op.ContextDetails = { ...op.ContextDetails, ReplayChildren: true };
      if (withoutResult) inferredReplayChildren.push(op.Id as string);
    }
  }
  return { operations: [...operations.values()], warnings, inferredReplayChildren };
}

/** The compact batch summary (`{type: "ParallelResult" | "MapResult", statuses, …}`) a batch too large to summarise records. */
function isCompactSummary(data: string | undefined): boolean {
  if (data === undefined || !data.startsWith('{')) return false;
  try {
    const parsed = JSON.parse(data) as { type?: unknown; statuses?: unknown };
    return (parsed.type === 'ParallelResult' || parsed.type === 'MapResult') && typeof parsed.statuses === 'string';
  } catch {
    return false;
  }
}

function after(event: Event, seconds: number): Date | undefined {
  const at = event.EventTimestamp;
  return at === undefined ? undefined : new Date(new Date(at).getTime() + seconds * 1000);
}
