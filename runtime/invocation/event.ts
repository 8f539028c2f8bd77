import type { ErrorObject, Operation } from '@aws-sdk/client-lambda';
import { NotDurableInvocationError } from '../errors';

/**
 * The event the service hands to a durable function (protocol.md §1.1).
 *
 * @example
 * { DurableExecutionArn: 'arn:aws:lambda:…/durable-execution/order-42/6f1c…', CheckpointToken: '…',
 *   InitialExecutionState: { Operations: [ … ], NextMarker: '' } }
 */
export interface DurableInvocationEvent {
  readonly DurableExecutionArn: string;
  readonly CheckpointToken: string;
  readonly InitialExecutionState?: { readonly Operations?: Operation[]; readonly NextMarker?: string };
  /** Set only by the replay gate (see {@link REPLAY_ONLY_EVENT_KEY}); the service never sends it. */
  readonly [REPLAY_ONLY_EVENT_KEY]?: boolean;
}

/**
 * The event field with which `cdk-durable replay` asks for a replay-only invocation: the workflow
 * replays its recorded operations, but no step function (nor waitForCallback submitter) runs;
 * an attempt that would run one waits on the service instead, so the invocation ends PENDING
 * there. The durable-execution service never sends this field. The replay gate also looks for
 * this exact string in a bundle to know its runtime honours it.
 */
export const REPLAY_ONLY_EVENT_KEY = 'CdkDurableFunctionReplayOnly';

/**
 * What a durable handler returns (protocol.md §1.3).
 *
 * @example
 * { Status: 'SUCCEEDED', Result: '{"ok":true}' }
 */
export type DurableInvocationOutput =
  | { Status: 'SUCCEEDED'; Result?: string }
  | { Status: 'FAILED'; Error: ErrorObject }
  | { Status: 'PENDING' };

/**
 * Checks that `event` is a durable invocation and returns it typed; anything else means the
 * function was invoked without durable execution enabled.
 */
export function parseInvocationEvent(event: unknown): DurableInvocationEvent {
  const candidate = event !== null && typeof event === 'object' ? (event as Partial<DurableInvocationEvent>) : undefined;
  const arn = candidate?.DurableExecutionArn;
  const token = candidate?.CheckpointToken;
  if (!isSet(arn) || !isSet(token)) {
    const missing = [isSet(arn) ? undefined : 'DurableExecutionArn', isSet(token) ? undefined : 'CheckpointToken'].filter(Boolean).join(' and ');
    throw new NotDurableInvocationError(
      `This handler was invoked with an event that is not a durable invocation (missing ${missing}). ` +
        'Durable execution is probably not enabled on the function: deploy it with a durable config ' +
        '(DurableFunction, or lambda.Function with durableConfig) and invoke a qualified version or alias ' +
        '(e.g. my-function:$LATEST), so the service starts a durable execution and passes its state.',
    );
  }
  const state = candidate?.InitialExecutionState;
  return {
    DurableExecutionArn: arn,
    CheckpointToken: token,
    InitialExecutionState: { Operations: Array.isArray(state?.Operations) ? state.Operations : [], NextMarker: state?.NextMarker },
    ...((event as Record<string, unknown>)[REPLAY_ONLY_EVENT_KEY] === true ? { [REPLAY_ONLY_EVENT_KEY]: true } : {}),
  };
}

function isSet(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/**
 * Reads the workflow input from the EXECUTION operation's `InputPayload` (§1.2 step 3): absent or
 * empty means `{}`.
 */
export function parseInput(inputPayload: string | undefined): unknown {
  if (inputPayload === undefined || inputPayload === '') return {};
  return JSON.parse(inputPayload) as unknown;
}
