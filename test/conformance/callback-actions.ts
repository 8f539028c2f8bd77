/**
 * Plays the external system of a requirement's `CallbackActions` against a running execution:
 * it watches the history for the callbacks the actions name, and completes or heartbeats them
 * through the public API (SendDurableExecutionCallbackSuccess / Failure / Heartbeat), as a real
 * caller would.
 *
 * Actions on the same callback name run one after another, in file order; actions on different
 * names run side by side. An action waits until its callback has started, then `Delay` seconds of
 * real time (counted from the start, or from the previous action on the same name), then sends.
 * `'*'` names the first started callback that an earlier `'*'` action has not completed.
 *
 * Example:
 * ```ts
 * const actor = playCallbackActions(client, arn, req.callbackActions, vars);
 * // … wait for the execution …
 * const problems = await actor.stop();
 * ```
 */
import {
  Event,
  GetDurableExecutionHistoryCommand,
  LambdaClient,
  SendDurableExecutionCallbackFailureCommand,
  SendDurableExecutionCallbackHeartbeatCommand,
  SendDurableExecutionCallbackSuccessCommand,
} from '@aws-sdk/client-lambda';
import type { CallbackAction } from './requirement';
import { substitute } from './variables';

/** A running {@link playCallbackActions}. */
export interface CallbackActor {
  /** Stops acting and returns what went wrong (an action that could not be sent), in words. */
  stop(): Promise<string[]>;
}

/**
 * JSON text as the recorded external system wrote it: Python's `json.dumps` defaults, which put a
 * space after `:` and `,` (the recorded `CallbackSucceeded` payloads carry that exact text).
 *
 * Example: `recordedJson({ status: 'approved' }) === '{"status": "approved"}'`.
 */
export function recordedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(recordedJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${JSON.stringify(k)}: ${recordedJson(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value ?? null);
}

interface StartedCallback {
  readonly name: string | undefined;
  readonly callbackId: string;
}

function startedCallbacks(history: readonly Event[]): StartedCallback[] {
  return history
    .filter((e) => e.EventType === 'CallbackStarted' && e.CallbackStartedDetails?.CallbackId)
    .map((e) => ({ name: e.Name, callbackId: e.CallbackStartedDetails?.CallbackId as string }));
}

async function readHistory(client: LambdaClient, arn: string): Promise<Event[]> {
  const events: Event[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn, Marker: marker, MaxItems: 1000 }));
    events.push(...(page.Events ?? []));
    marker = page.NextMarker || undefined;
  } while (marker);
  return events;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts playing `actions` (with variables substituted) against execution `arn`. */
export function playCallbackActions(
  client: LambdaClient,
  arn: string,
  actions: readonly CallbackAction[],
  vars: Readonly<Record<string, string>>,
): CallbackActor {
  let stopped = false;
  const problems: string[] = [];
  /** Callback ids completed by a '*' action, so the next '*' action picks the next callback. */
  const takenByWildcard = new Set<string>();
  const groups = new Map<string, CallbackAction[]>();
  for (const action of actions) {
    const name = String(substitute(action.callbackName, vars));
    groups.set(name, [...(groups.get(name) ?? []), action]);
  }

  const findCallback = async (name: string): Promise<string | undefined> => {
    for (;;) {
      if (stopped) return undefined;
      const started = startedCallbacks(await readHistory(client, arn));
      const found = name === '*' ? started.find((c) => !takenByWildcard.has(c.callbackId)) : started.find((c) => c.name === name);
      if (found) return found.callbackId;
      await sleep(20);
    }
  };

  const send = async (action: CallbackAction, callbackId: string): Promise<void> => {
    const payload = action.payload === undefined ? undefined : substitute(action.payload, vars);
    if (action.operation === 'heartbeat') {
      await client.send(new SendDurableExecutionCallbackHeartbeatCommand({ CallbackId: callbackId }));
    } else if (action.operation === 'success') {
      await client.send(
        new SendDurableExecutionCallbackSuccessCommand({
          CallbackId: callbackId,
          ...(payload === undefined ? {} : { Result: Buffer.from(recordedJson(payload), 'utf8') }),
        }),
      );
    } else {
      const error = (payload ?? {}) as { ErrorType?: string; ErrorMessage?: string; ErrorData?: string };
      await client.send(new SendDurableExecutionCallbackFailureCommand({ CallbackId: callbackId, Error: error }));
    }
  };

  const runGroup = async (name: string, list: readonly CallbackAction[]): Promise<void> => {
    let callbackId: string | undefined;
    for (const action of list) {
      callbackId ??= await findCallback(name);
      if (callbackId === undefined) return;
      if (name === '*' && action.operation !== 'heartbeat') takenByWildcard.add(callbackId);
      await sleep(action.delaySeconds * 1000);
      if (stopped) return;
      try {
        await send(action, callbackId);
      } catch (e) {
        problems.push(`CallbackActions: ${action.operation} on callback ${name} failed: ${(e as Error).name}: ${(e as Error).message}`);
      }
      // A '*' group moves on to the next open callback once this one is completed.
      if (name === '*' && action.operation !== 'heartbeat') callbackId = undefined;
    }
  };

  const done = Promise.all([...groups].map(([name, list]) => runGroup(name, list))).catch((e: unknown) => {
    if (!stopped) problems.push(`CallbackActions stopped: ${(e as Error).message}`);
  });
  return {
    async stop() {
      stopped = true;
      await done;
      return problems;
    },
  };
}
