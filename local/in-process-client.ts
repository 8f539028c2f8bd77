/**
 * A `LambdaClient` stand-in that calls the service core in this process: same commands, same
 * exception classes, same standard retries, with optional fault injection and a record of every
 * request for tests.
 */
import { randomUUID } from 'node:crypto';
import {
  CallbackTimeoutException,
  CheckpointDurableExecutionCommand,
  DeleteDurableExecutionCommand,
  DurableExecutionAlreadyStartedException,
  GetDurableExecutionCommand,
  GetDurableExecutionHistoryCommand,
  GetDurableExecutionStateCommand,
  InvalidParameterValueException,
  ListDurableExecutionsByFunctionCommand,
  PauseDurableExecutionCommand,
  RequestTooLargeException,
  ResourceConflictException,
  ResourceNotFoundException,
  ResumeDurableExecutionCommand,
  SendDurableExecutionCallbackFailureCommand,
  SendDurableExecutionCallbackHeartbeatCommand,
  SendDurableExecutionCallbackSuccessCommand,
  ServiceException,
  LambdaClient,
  StopDurableExecutionCommand,
  TooManyRequestsException,
  type LambdaServiceException,
} from '@aws-sdk/client-lambda';
import { CoreServiceError, type DurableServiceCoreApi, type ServiceErrorName } from './core';
import { deepCopy } from './core/clone';
import { FaultInjector, type DataPlaneOperation, type FaultKind, type FaultPlan } from './faults';

/**
 * Name of the build step the runtime adds to a checkpoint command to send it without a ClientToken
 * (runtime/invocation/client-token.ts, `withoutClientToken`). This client runs no middleware, so it
 * applies that step's effect itself.
 */
const OMIT_CLIENT_TOKEN_STEP = 'cdkDurableOmitClientToken';

function omitsClientToken(command: unknown): boolean {
  const stack = (command as { middlewareStack?: { identify?: () => string[] } }).middlewareStack;
  return typeof stack?.identify === 'function' && stack.identify().some((entry) => entry.split(' - ')[0] === OMIT_CLIENT_TOKEN_STEP);
}

/** The durable commands the client handles, by command name (class name without `Command`). */
export const SUPPORTED_COMMANDS = [
  'CheckpointDurableExecution',
  'GetDurableExecutionState',
  'GetDurableExecution',
  'GetDurableExecutionHistory',
  'ListDurableExecutionsByFunction',
  'StopDurableExecution',
  'SendDurableExecutionCallbackSuccess',
  'SendDurableExecutionCallbackFailure',
  'SendDurableExecutionCallbackHeartbeat',
  'PauseDurableExecution',
  'ResumeDurableExecution',
  'DeleteDurableExecution',
] as const;

/** One of {@link SUPPORTED_COMMANDS}. */
export type SupportedCommandName = (typeof SUPPORTED_COMMANDS)[number];

/**
 * One request as the service received it (each retry attempt is its own call). Input and output
 * are the service's own records, not the caller's objects: read them, do not change them (the
 * attempts of one `send` share their input, and a checkpoint's output is the answer a ClientToken
 * retry gets).
 */
export interface RecordedCall {
  /** 1-based position among all calls of this client. */
  readonly seq: number;
  readonly command: SupportedCommandName;
  /** 1-based attempt within one `send` (the SDK's standard retry re-sends identical input). */
  readonly attempt: number;
  /** The input as the service received it (ClientToken filled in). */
  readonly input: Record<string, unknown>;
  /** The output, when the call succeeded. */
  readonly output?: unknown;
  /** The error the caller got for this attempt. */
  readonly error?: { readonly name: string; readonly message: string; readonly httpStatus?: number };
  /** The injected fault, if any. */
  readonly fault?: FaultKind;
  /** True when the core applied the request (also for a dropped response). */
  readonly applied: boolean;
}

/** How long to wait before a retry: none, the SDK's jittered exponential backoff, or your own. */
export type RetryBackoff = 'none' | 'sdk' | ((attempt: number, error: Error) => number);

/** Options of {@link createInProcessLambdaClient}. */
export interface InProcessClientOptions {
  /** Faults to inject into data-plane requests (a plan, or an injector shared with another transport). */
  readonly faults?: FaultPlan | FaultInjector;
  /** Attempts per `send`, like the SDK's `maxAttempts`; default 3. */
  readonly maxAttempts?: number;
  /** Delay between attempts; default `none` (retries are immediate). */
  readonly retryBackoff?: RetryBackoff;
  /** Called after every recorded call. */
  readonly onCall?: (call: RecordedCall) => void;
  /** Region of the client's configuration (nothing is signed or sent); default us-east-1. */
  readonly region?: string;
}

/**
 * A real `LambdaClient` instance (so it goes wherever one is expected) whose `send` runs the
 * durable commands against the core instead of the network, plus the record of every call.
 */
export type InProcessLambdaClient = LambdaClient & {
  /** Every request the service received, in order. */
  readonly calls: readonly RecordedCall[];
};

type ErrorClass = new (opts: {
  message: string;
  $metadata: Record<string, unknown>;
  Type?: string;
  retryAfterSeconds?: string;
  Reason?: 'CallerRateLimitExceeded';
}) => LambdaServiceException;

const ERROR_CLASSES: Readonly<Record<ServiceErrorName, ErrorClass>> = {
  InvalidParameterValueException: InvalidParameterValueException as unknown as ErrorClass,
  CallbackTimeoutException: CallbackTimeoutException as unknown as ErrorClass,
  ResourceNotFoundException: ResourceNotFoundException as unknown as ErrorClass,
  DurableExecutionAlreadyStartedException: DurableExecutionAlreadyStartedException as unknown as ErrorClass,
  ResourceConflictException: ResourceConflictException as unknown as ErrorClass,
  RequestTooLargeException: RequestTooLargeException as unknown as ErrorClass,
  TooManyRequestsException: TooManyRequestsException as unknown as ErrorClass,
  ServiceException: ServiceException as unknown as ErrorClass,
};

const COMMAND_CLASSES: ReadonlyArray<readonly [SupportedCommandName, abstract new (...args: never[]) => unknown]> = [
  ['CheckpointDurableExecution', CheckpointDurableExecutionCommand],
  ['GetDurableExecutionState', GetDurableExecutionStateCommand],
  ['GetDurableExecution', GetDurableExecutionCommand],
  ['GetDurableExecutionHistory', GetDurableExecutionHistoryCommand],
  ['ListDurableExecutionsByFunction', ListDurableExecutionsByFunctionCommand],
  ['StopDurableExecution', StopDurableExecutionCommand],
  ['SendDurableExecutionCallbackSuccess', SendDurableExecutionCallbackSuccessCommand],
  ['SendDurableExecutionCallbackFailure', SendDurableExecutionCallbackFailureCommand],
  ['SendDurableExecutionCallbackHeartbeat', SendDurableExecutionCallbackHeartbeatCommand],
  ['PauseDurableExecution', PauseDurableExecutionCommand],
  ['ResumeDurableExecution', ResumeDurableExecutionCommand],
  ['DeleteDurableExecution', DeleteDurableExecutionCommand],
];

/** Commands whose idempotency token the SDK fills in when the caller leaves it out. */
const CLIENT_TOKEN_COMMANDS = new Set<SupportedCommandName>(['CheckpointDurableExecution', 'PauseDurableExecution', 'ResumeDurableExecution']);

/** Commands the service answers 202 Accepted, as their API models say (protocol.md §9.1). */
const ACCEPTED_COMMANDS = new Set<SupportedCommandName>(['PauseDurableExecution', 'ResumeDurableExecution', 'DeleteDurableExecution']);
/**
 * The data plane, on every step of a workflow: the core reads these requests without keeping
 * any part of them, and answers with copies of its state, so neither needs one more copy here.
 */
const COPY_FREE_COMMANDS = new Set<SupportedCommandName>(['CheckpointDurableExecution', 'GetDurableExecutionState']);

/** Which supported command an object is: by class, or by class name when another copy of the SDK made it. */
function commandName(command: unknown): SupportedCommandName | undefined {
  for (const [name, cls] of COMMAND_CLASSES) {
    if (command instanceof cls) return name;
  }
  const ctorName = (command as { constructor?: { name?: string } } | null)?.constructor?.name;
  return SUPPORTED_COMMANDS.find((name) => `${name}Command` === ctorName);
}

/** The SDK's standard retry decision: throttling, 5xx and network errors. */
function isRetryable(err: unknown): boolean {
  const e = err as { name?: string; $fault?: string; $metadata?: { httpStatusCode?: number } };
  if (e?.name === 'TooManyRequestsException') return true;
  if (e?.$fault === 'server') return true;
  return (err as { code?: string })?.code === 'ECONNRESET';
}

function sdkDelay(attempt: number, error: Error): number {
  const retryAfter = Number((error as { retryAfterSeconds?: string }).retryAfterSeconds);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter * 1000;
  const base = error.name === 'TooManyRequestsException' ? 500 : 100;
  return Math.floor(Math.random() * Math.min(20_000, base * 2 ** (attempt - 1)));
}

function textOf(result: unknown): string | undefined {
  if (typeof result === 'string') return result;
  if (result === undefined) return undefined;
  if (result instanceof Uint8Array) return new TextDecoder('utf-8').decode(result);
  if (result instanceof ArrayBuffer) return new TextDecoder('utf-8').decode(new Uint8Array(result));
  throw new TypeError('SendDurableExecutionCallbackSuccess Result must be a string, Uint8Array or ArrayBuffer in the in-process client.');
}

/**
 * Creates a `LambdaClient` whose `send` runs durable commands against `core` in this process.
 *
 * Inputs and outputs are deep-copied, so the caller and the core never share an object. Service
 * errors become the SDK's own exception classes (`InvalidParameterValueException`, …) with
 * `$metadata.httpStatusCode`, exactly as a real client throws them.
 *
 * @example
 * const client = createInProcessLambdaClient(core, { faults: [{ fault: 'throttle', callIndex: 0 }] });
 * await client.send(new CheckpointDurableExecutionCommand({ DurableExecutionArn, CheckpointToken, Updates }));
 */
export function createInProcessLambdaClient(core: DurableServiceCoreApi, options: InProcessClientOptions = {}): InProcessLambdaClient {
  const injector = options.faults instanceof FaultInjector ? options.faults : new FaultInjector(options.faults ?? []);
  const maxAttempts = options.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be an integer >= 1; got ${maxAttempts}.`);
  }
  const backoff = options.retryBackoff ?? 'none';
  const calls: RecordedCall[] = [];

  const record = (call: Omit<RecordedCall, 'seq'>): void => {
    const full = { seq: calls.length + 1, ...call };
    calls.push(full);
    options.onCall?.(full);
  };

  const dispatch = (name: SupportedCommandName, input: Record<string, unknown>): unknown => {
    switch (name) {
      case 'CheckpointDurableExecution':
        return core.checkpoint(input as never);
      case 'GetDurableExecutionState':
        return core.getState(input as never);
      case 'GetDurableExecution':
        return core.getExecution(input as never);
      case 'GetDurableExecutionHistory':
        return core.getHistory(input as never);
      case 'ListDurableExecutionsByFunction':
        return core.listExecutions(input as never);
      case 'StopDurableExecution':
        return core.stopExecution(input as never);
      case 'SendDurableExecutionCallbackSuccess':
        core.sendCallbackSuccess(input.CallbackId as string, textOf(input.Result));
        return {};
      case 'SendDurableExecutionCallbackFailure':
        core.sendCallbackFailure(input.CallbackId as string, input.Error as never);
        return {};
      case 'SendDurableExecutionCallbackHeartbeat':
        core.sendCallbackHeartbeat(input.CallbackId as string);
        return {};
      case 'PauseDurableExecution':
        return core.pauseExecution(input as never);
      case 'ResumeDurableExecution':
        return core.resumeExecution(input as never);
      case 'DeleteDurableExecution':
        return core.deleteExecution(input as never);
    }
  };

  const toSdkError = (err: CoreServiceError, requestId: string): LambdaServiceException => {
    const Cls = ERROR_CLASSES[err.name];
    return new Cls({
      message: err.message,
      $metadata: { httpStatusCode: err.httpStatus, requestId },
      Type: err.httpStatus >= 500 ? 'Service' : 'User',
      ...(err.name === 'TooManyRequestsException'
        ? { Reason: 'CallerRateLimitExceeded' as const, ...(err.retryAfterSeconds !== undefined ? { retryAfterSeconds: String(err.retryAfterSeconds) } : {}) }
        : {}),
    });
  };

  /** One attempt: fault plan, core, conversion. Resolves with the output or rejects with what the caller would see. */
  const attemptOnce = async (name: SupportedCommandName, input: Record<string, unknown>, attempt: number): Promise<unknown> => {
    // Every attempt crosses an await, as a network round trip would.
    await Promise.resolve();
    const requestId = randomUUID();
    const dataPlane = name === 'CheckpointDurableExecution' || name === 'GetDurableExecutionState';
    // `input` is this send's own copy; a fault rule's matcher gets another, since it may change it.
    const decision = dataPlane ? injector.decide(name as DataPlaneOperation, (injector.plan.length > 0 ? deepCopy(input) : input) as never) : undefined;
    // The answer as the service gave it (recorded as is: the core keeps a checkpoint's answer for
    // ClientToken retries), and the caller's own copy, which the caller may change.
    let answer: unknown;
    let output: unknown;
    try {
      if (decision?.error) throw decision.error;
      const copyFree = COPY_FREE_COMMANDS.has(name);
      answer = dispatch(name, copyFree ? input : deepCopy(input));
      if (!copyFree) answer = deepCopy(answer);
      output = deepCopy(answer);
    } catch (err) {
      if (!(err instanceof CoreServiceError)) {
        record({ command: name, attempt, input, error: { name: (err as Error)?.name, message: String((err as Error)?.message ?? err) }, applied: false });
        throw err;
      }
      const sdkError = toSdkError(err, requestId);
      record({
        command: name,
        attempt,
        input,
        error: { name: err.name, message: err.message, httpStatus: err.httpStatus },
        ...(decision ? { fault: decision.fault } : {}),
        applied: false,
      });
      throw sdkError;
    }
    if (decision?.fault === 'drop-response') {
      const lost = Object.assign(new Error('socket hang up (injected fault: the response was dropped after the service applied the request)'), {
        code: 'ECONNRESET',
        $metadata: {},
      });
      record({ command: name, attempt, input, error: { name: lost.name, message: lost.message }, fault: 'drop-response', applied: true });
      throw lost;
    }
    record({ command: name, attempt, input, output: answer, applied: true });
    return Object.assign(output as object, { $metadata: { httpStatusCode: ACCEPTED_COMMANDS.has(name) ? 202 : 200, requestId } });
  };

  const sendPromise = async (command: unknown): Promise<unknown> => {
    const name = commandName(command);
    if (!name) {
      const ctor = (command as { constructor?: { name?: string } } | null)?.constructor?.name ?? typeof command;
      throw new TypeError(`The in-process Lambda client does not handle ${ctor}; it handles ${SUPPORTED_COMMANDS.map((c) => `${c}Command`).join(', ')}.`);
    }
    const input = deepCopy(((command as { input?: unknown }).input ?? {}) as Record<string, unknown>);
    if (omitsClientToken(command)) {
      // What the SDK sends for a command carrying the runtime's build step that takes the member out of the body.
      delete input.ClientToken;
    } else if (CLIENT_TOKEN_COMMANDS.has(name) && input.ClientToken === undefined) {
      // The SDK fills the idempotency token once per send; its retries reuse it.
      input.ClientToken = randomUUID();
    }
    let totalRetryDelay = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const output = (await attemptOnce(name, input, attempt)) as { $metadata: Record<string, unknown> };
        Object.assign(output.$metadata, { attempts: attempt, totalRetryDelay });
        return output;
      } catch (err) {
        const meta = (err as { $metadata?: Record<string, unknown> }).$metadata;
        if (meta) Object.assign(meta, { attempts: attempt, totalRetryDelay });
        if (attempt >= maxAttempts || !isRetryable(err)) throw err;
        const delay = backoff === 'none' ? 0 : backoff === 'sdk' ? sdkDelay(attempt, err as Error) : backoff(attempt, err as Error);
        if (delay > 0) {
          totalRetryDelay += delay;
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    }
  };

  const send = (command: unknown, optionsOrCb?: unknown, cb?: unknown): Promise<unknown> | void => {
    const callback = typeof optionsOrCb === 'function' ? optionsOrCb : typeof cb === 'function' ? cb : undefined;
    const promise = sendPromise(command);
    if (!callback) return promise;
    promise.then(
      (out) => (callback as (e: unknown, d?: unknown) => void)(null, out),
      (err) => (callback as (e: unknown) => void)(err),
    );
  };

  // A genuine client, so `instanceof LambdaClient` and its type hold; only `send` is replaced, so no
  // request ever reaches its middleware stack or the network.
  const client = new LambdaClient({
    region: options.region ?? 'us-east-1',
    credentials: { accessKeyId: 'in-process', secretAccessKey: 'in-process' },
    // Given, so the constructor does not read ~/.aws/config and ~/.aws/credentials for it: no
    // request goes through the client's own stack, and a test creates a client per service.
    defaultsMode: 'legacy',
  });
  Object.defineProperty(client, 'send', { value: send, writable: true, configurable: true });
  Object.defineProperty(client, 'calls', { value: calls, enumerable: true });
  return client as InProcessLambdaClient;
}
