/**
 * The {@link RunnerBackend} of the two modes that hold the service core in this process (in
 * process and local HTTP): reads and callbacks go straight to the core, changes arrive as the
 * core's wake notifications, and virtual time is moved on the service's own clock.
 */
import type { ErrorObject } from '@aws-sdk/client-lambda';
import { pauseRequest, resumeRequest } from '../execution-control';
import { VirtualClock, type ServiceClock } from '../clock';
import type { DurableServiceCore } from '../core';
import { readFullHistory } from '../execution-history';
import type { RunnerBackend, TestRunnerMode } from './test-runner';

/** What a core-holding mode supplies. */
export interface CoreBackendParts {
  readonly mode: TestRunnerMode;
  readonly core: DurableServiceCore;
  readonly clock: ServiceClock;
  /** Starts an execution (as an asynchronous Invoke would) and returns its ARN. */
  start(input: string | undefined, executionName: string | undefined): Promise<string>;
  /** Makes the scheduler look for due work now (after the clock moved). */
  kick(): void;
  /**
   * Keeps the virtual clock from skipping idle time while an execution waits on an open callback,
   * so the test can answer it before its timeout fires (the local HTTP service does this itself).
   */
  holdClock?(): () => void;
  close(): Promise<void>;
}

/**
 * Builds the backend over a core.
 *
 * @example
 * const backend = coreRunnerBackend({ mode: 'in-process', core: svc.core, clock: svc.clock, start, kick, close });
 */
export function coreRunnerBackend(parts: CoreBackendParts): RunnerBackend {
  const { core } = parts;
  const started = new Set<string>();
  let releaseHold: (() => void) | undefined;
  const holdWhileCallbacksOpen = (): void => {
    if (parts.holdClock === undefined) return;
    const open = [...started].some(
      (arn) =>
        core.getExecution({ DurableExecutionArn: arn, IncludeExecutionData: false }).Status === 'RUNNING' &&
        core.getOperations(arn).some((op) => op.Type === 'CALLBACK' && op.Status === 'STARTED'),
    );
    if (open && releaseHold === undefined) {
      releaseHold = parts.holdClock();
    } else if (!open && releaseHold !== undefined) {
      const release = releaseHold;
      releaseHold = undefined;
      release();
    }
  };
  const offHold = parts.holdClock === undefined ? undefined : core.onWake((wake) => {
    if (started.has(wake.executionArn)) holdWhileCallbacksOpen();
  });
  /**
   * Resolves once no execution of this runner has an invocation in flight: moving time under a
   * running invocation would complete its waits before it returns, which no real service does.
   */
  const quiet = (): Promise<void> =>
    new Promise((resolve) => {
      const busy = () => [...started].some((arn) => core.isInvocationRunning(arn));
      if (!busy()) {
        resolve();
        return;
      }
      const off = core.onWake(() => {
        if (!busy()) {
          off();
          resolve();
        }
      });
    });
  return {
    mode: parts.mode,
    start: async (input, executionName) => {
      const arn = await parts.start(input, executionName);
      started.add(arn);
      return arn;
    },
    describe: async (executionArn) => {
      const execution = core.getExecution({ DurableExecutionArn: executionArn });
      return {
        status: execution.Status as NonNullable<typeof execution.Status>,
        ...(execution.Result !== undefined ? { result: execution.Result } : {}),
        ...(execution.Error !== undefined ? { error: execution.Error } : {}),
      };
    },
    history: async (executionArn) => readFullHistory(core, executionArn),
    sendCallbackSuccess: async (callbackId, result) => core.sendCallbackSuccess(callbackId, result),
    sendCallbackFailure: async (callbackId, error: ErrorObject) => core.sendCallbackFailure(callbackId, error),
    sendCallbackHeartbeat: async (callbackId) => core.sendCallbackHeartbeat(callbackId),
    stop: async (executionArn, error) => {
      core.stopExecution({ DurableExecutionArn: executionArn, ...(error !== undefined ? { Error: error } : {}) });
    },
    pause: async (executionArn) => {
      core.pauseExecution(pauseRequest(executionArn, {}));
    },
    resume: async (executionArn) => {
      core.resumeExecution(resumeRequest(executionArn, {}));
    },
    delete: async (executionArn) => {
      core.deleteExecution({ DurableExecutionArn: executionArn });
    },
    watch: (executionArn, listener) =>
      core.onWake((wake) => {
        if (wake.executionArn === executionArn) listener();
      }),
    advanceTime: async (ms) => {
      if (!(parts.clock instanceof VirtualClock)) {
        throw new Error("advanceTime needs the virtual clock; this runner runs on real time (time: 'real').");
      }
      await quiet();
      parts.clock.advanceBy(ms);
      parts.kick();
      // Let the scheduler fire what became due before the caller looks.
      await new Promise((resolve) => setImmediate(resolve));
    },
    close: async () => {
      offHold?.();
      releaseHold?.();
      await parts.close();
    },
  };
}
