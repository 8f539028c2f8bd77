/**
 * Watches a service core for executions starting and ending, and turns each into what Lambda
 * would publish: a status-change event and the durable execution metrics of its function.
 *
 * It listens to the core's `started` and `ended` wakes, which the core delivers once the call
 * that started or ended the execution has finished, so every figure it reads is final.
 */
import { randomUUID } from 'node:crypto';
import type { CoreWake, DurableServiceCore } from '../core';
import { parseExecutionArn } from '../core';
import { FunctionMetricsRecorder, type LocalFunctionMetrics } from './function-metrics';
import {
  statusChangeEvent,
  type DurableExecutionStatusChangeEvent,
  type StatusChangeListener,
  type StatusChangeStatus,
} from './status-events';

/**
 * The part of the core the observer reads.
 *
 * @example
 * const core: ObservedCore = svc.core;
 */
export type ObservedCore = Pick<DurableServiceCore, 'onWake' | 'getExecution' | 'executionUsage' | 'location'>;

const TERMINAL: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'STOPPED']);

/**
 * Status-change events and durable metrics of every execution of a core.
 *
 * @example
 * const observer = new ExecutionObserver(core);
 * observer.onStatusChange((event) => console.log(event.detail.status));
 * // … run executions …
 * observer.metrics('orders').DurableExecutionSucceeded;
 */
export class ExecutionObserver {
  private readonly listeners = new Set<StatusChangeListener>();
  private readonly recorded: DurableExecutionStatusChangeEvent[] = [];
  private readonly byFunction = new Map<string, FunctionMetricsRecorder>();
  private readonly unsubscribe: () => void;

  /**
   * @param core the core to watch; executions started before this call are not seen
   * @param newId source of event ids (default `crypto.randomUUID`)
   */
  constructor(private readonly core: ObservedCore, private readonly newId: () => string = randomUUID) {
    this.unsubscribe = core.onWake((wake) => this.observe(wake));
  }

  /**
   * Calls `listener` with every status-change event from now on; returns the function that
   * removes it.
   *
   * @example
   * const off = observer.onStatusChange((e) => events.push(e));
   */
  onStatusChange(listener: StatusChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Every status-change event so far, oldest first (copies). */
  events(): DurableExecutionStatusChangeEvent[] {
    return this.recorded.map((event) => ({ ...event, detail: { ...event.detail } }));
  }

  /**
   * The metrics of one function (by name), or of every function that ran, by name.
   *
   * @example
   * observer.metrics('orders').DurableExecutionFailed; // 0
   */
  metrics(functionName: string): LocalFunctionMetrics;
  metrics(): LocalFunctionMetrics[];
  metrics(functionName?: string): LocalFunctionMetrics | LocalFunctionMetrics[] {
    if (functionName !== undefined) {
      return (this.byFunction.get(functionName) ?? new FunctionMetricsRecorder(functionName)).snapshot();
    }
    return [...this.byFunction.keys()].sort().map((name) => this.recorder(name).snapshot());
  }

  /** Stops watching the core. */
  close(): void {
    this.unsubscribe();
  }

  private observe(wake: CoreWake): void {
    if (wake.reason !== 'started' && wake.reason !== 'ended') {
      return;
    }
    const execution = this.core.getExecution({ DurableExecutionArn: wake.executionArn, IncludeExecutionData: false });
    const functionName = parseExecutionArn(wake.executionArn)?.functionName ?? String(execution.FunctionArn);
    const recorder = this.recorder(functionName);
    const startedAt = (execution.StartTimestamp as Date).getTime();
    let status: StatusChangeStatus;
    let at: number;
    if (wake.reason === 'started') {
      status = 'RUNNING';
      at = startedAt;
      recorder.recordStart();
    } else {
      if (!TERMINAL.has(String(execution.Status))) {
        return;
      }
      status = execution.Status as StatusChangeStatus;
      at = (execution.EndTimestamp as Date).getTime();
      const usage = this.core.executionUsage(wake.executionArn);
      recorder.recordEnd({
        status: status as Exclude<StatusChangeStatus, 'RUNNING'>,
        durationMs: at - startedAt,
        operations: usage.operations,
        storageWrittenBytes: usage.storageWrittenBytes,
      });
    }
    const event = statusChangeEvent(this.newId(), this.core.location, {
      durableExecutionArn: execution.DurableExecutionArn as string,
      durableExecutionName: execution.DurableExecutionName as string,
      functionArn: execution.FunctionArn as string,
      status,
      startTimestamp: new Date(startedAt).toISOString(),
      ...(status !== 'RUNNING' ? { endTimestamp: new Date(at).toISOString() } : {}),
    }, at);
    this.recorded.push(event);
    for (const listener of [...this.listeners]) {
      try {
        listener({ ...event, detail: { ...event.detail } });
      } catch (err) {
        // One listener's bug must not keep the event from the others; surface it loudly instead.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  private recorder(functionName: string): FunctionMetricsRecorder {
    let recorder = this.byFunction.get(functionName);
    if (recorder === undefined) {
      recorder = new FunctionMetricsRecorder(functionName);
      this.byFunction.set(functionName, recorder);
    }
    return recorder;
  }
}
