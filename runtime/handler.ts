import { LambdaClient, type ErrorObject } from '@aws-sdk/client-lambda';
import { unboundedSignal } from './context/abort';
import { DurableContextImpl } from './context/durable-context';
import { MAX_ERROR_UPDATE_BYTES, toErrorObject, truncateErrorToFit } from './error-object';
import { DurableError, SerdesError } from './errors';
import { jsonWithoutLoss } from './serdes';
import { CheckpointQueue } from './invocation/checkpoint-queue';
import { parseInput, parseInvocationEvent, REPLAY_ONLY_EVENT_KEY, type DurableInvocationEvent, type DurableInvocationOutput } from './invocation/event';
import { ExecutionState } from './invocation/execution-state';
import type { InvocationRuntime } from './invocation/runtime';
import { classifyServiceError } from './invocation/service-errors';
import { REPLAY_TRACE_OUTPUT_KEY, ReplayTrace } from './invocation/replay-trace';
import { loadPages } from './invocation/state-loader';
import { Suspension } from './invocation/suspension';
import { Termination, type TerminationOutcome } from './invocation/termination';
import type { LambdaContext } from './lambda-context';
import type { LoggerOptions } from './logger';
import type { DurableContext } from './types';

/** Largest handler output (protocol.md §1.3: 6 MiB minus 50 bytes). */
const MAX_OUTPUT_BYTES = 6 * 1024 * 1024 - 50;
/** Largest execution result the service stores (protocol.md §7: 6 MB for a synchronous start). */
const MAX_EXECUTION_RESULT_BYTES = 6 * 1024 * 1024;

const HANDLER_TAG = Symbol.for('cdk-durable-function.handler');
/** Where a handler keeps what it was made from; `Symbol.for`, so any copy of the runtime finds it. */
const WORKFLOW_TAG = Symbol.for('cdk-durable-function.workflow');

/**
 * Workflow code: receives the execution input and a {@link DurableContext}, returns the result.
 *
 * @example
 * const workflow: DurableWorkflow<{ id: string }, string> = async (input, ctx) => ctx.step(() => input.id);
 */
export type DurableWorkflow<TInput, TResult> = (input: TInput, ctx: DurableContext) => Promise<TResult>;

/**
 * A Lambda handler produced by {@link withDurableExecution}.
 *
 * @example
 * export const handler: DurableHandler = withDurableExecution(workflow);
 */
export interface DurableHandler {
  (event: DurableInvocationEvent, context?: LambdaContext): Promise<DurableInvocationOutput>;
  readonly [HANDLER_TAG]: true;
}

/**
 * Options of {@link withDurableExecution}.
 *
 * @example
 * withDurableExecution(workflow, { client: new LambdaClient({ endpoint: 'http://localhost:9014' }), logger: { level: 'DEBUG' } });
 */
export interface DurableExecutionOptions {
  /**
   * Client for CheckpointDurableExecution / GetDurableExecutionState. Default: one client per
   * process, created on first use with the standard settings (`AWS_REGION`,
   * `AWS_ENDPOINT_URL_LAMBDA`, …) and reused across invocations.
   */
  readonly client?: LambdaClient;
  /** Logging settings of `ctx.logger`. */
  readonly logger?: LoggerOptions;
}

let sharedClient: LambdaClient | undefined;

function defaultClient(): LambdaClient {
  sharedClient ??= new LambdaClient({});
  return sharedClient;
}

/**
 * Turns a workflow into a Lambda handler for durable invocations. The handler loads the
 * execution's state, runs the workflow (replaying recorded operations), checkpoints new ones, and
 * returns `{Status: SUCCEEDED | FAILED | PENDING}` (protocol.md §1.3).
 *
 * @example
 * export const handler = withDurableExecution(async (order: Order, ctx) => {
 *   const receipt = await ctx.step('charge', () => charge(order));
 *   await ctx.wait(Duration.hours(1));
 *   return ctx.step('ship', () => ship(order, receipt));
 * });
 */
export function withDurableExecution<TInput = unknown, TResult = unknown>(
  workflow: DurableWorkflow<TInput, TResult>,
  options: DurableExecutionOptions = {},
): DurableHandler {
  if (typeof workflow !== 'function') {
    throw new TypeError(`withDurableExecution needs a workflow function (input, ctx) => Promise; got ${typeof workflow}.`);
  }
  const handler = (event: DurableInvocationEvent, context?: LambdaContext) =>
    runInvocation(workflow as DurableWorkflow<unknown, unknown>, options, event, context);
  Object.defineProperty(handler, HANDLER_TAG, { value: true });
  Object.defineProperty(handler, WORKFLOW_TAG, { value: { workflow, options } });
  return handler as DurableHandler;
}

/**
 * The workflow and options a handler was made from, so a test harness can run the very same
 * workflow against another service client (an in-process one). Undefined for anything else.
 *
 * @example
 * const parts = workflowOf(handler);
 * const inProcess = parts && withDurableExecution(parts.workflow, { ...parts.options, client: testClient });
 */
export function workflowOf(
  handler: unknown,
): { readonly workflow: DurableWorkflow<unknown, unknown>; readonly options: DurableExecutionOptions } | undefined {
  if (!isDurableHandler(handler)) return undefined;
  return (handler as unknown as Record<symbol, { workflow: DurableWorkflow<unknown, unknown>; options: DurableExecutionOptions } | undefined>)[WORKFLOW_TAG];
}

/**
 * True when `value` is a handler made by {@link withDurableExecution} (so a generated entry point
 * can tell it from a plain workflow function).
 *
 * @example
 * const handler = isDurableHandler(mod.handler) ? mod.handler : withDurableExecution(mod.handler);
 */
export function isDurableHandler(value: unknown): value is DurableHandler {
  return typeof value === 'function' && (value as unknown as Record<symbol, unknown>)[HANDLER_TAG] === true;
}

async function runInvocation(
  workflow: DurableWorkflow<unknown, unknown>,
  options: DurableExecutionOptions,
  rawEvent: unknown,
  lambdaContext: LambdaContext | undefined,
): Promise<DurableInvocationOutput> {
  const event = parseInvocationEvent(rawEvent);
  const client = options.client ?? defaultClient();
  const operations = [...(event.InitialExecutionState?.Operations ?? [])];
  const marker = event.InitialExecutionState?.NextMarker;
  if (marker) {
    try {
      operations.push(...(await loadPages(client, event.DurableExecutionArn, event.CheckpointToken, marker)));
    } catch (error) {
      const wrapped = classifyServiceError(error, 'GetDurableExecutionState');
      if (wrapped.kind === 'terminal') return failed(wrapped);
      throw wrapped;
    }
  }
  const state = new ExecutionState(operations);
  const execution = state.executionOperation();
  if (!execution?.Id) {
    return failed(
      new DurableError(
        `The execution state of ${event.DurableExecutionArn} has no EXECUTION operation, so the input cannot be read. ` +
          'The invocation event is malformed; invoke the function through the durable execution service.',
      ),
    );
  }
  let input: unknown;
  try {
    input = parseInput(execution.ExecutionDetails?.InputPayload);
  } catch (error) {
    return failed(new SerdesError(`The execution input is not valid JSON: ${(error as Error).message}.`, { cause: error }));
  }

  const termination = new Termination();
  const queue = new CheckpointQueue({ client, executionArn: event.DurableExecutionArn, checkpointToken: event.CheckpointToken, state, termination });
  const suspension = new Suspension(queue, termination);
  const runtime: InvocationRuntime = {
    executionArn: event.DurableExecutionArn,
    executionOperationId: execution.Id,
    requestId: lambdaContext?.awsRequestId,
    lambdaContext,
    loggerOptions: options.logger ?? {},
    state,
    queue,
    suspension,
    termination,
    ...(event[REPLAY_ONLY_EVENT_KEY] === true ? { replayOnly: true, replayTrace: new ReplayTrace() } : {}),
  };
  const output = await runWorkflow(workflow, input, runtime);
  // Only the replay gate asks for a replay-only invocation; it reads the trace next to the outcome.
  return runtime.replayTrace ? Object.assign({}, output, { [REPLAY_TRACE_OUTPUT_KEY]: runtime.replayTrace.toData() }) : output;
}

/** Runs the workflow on the root context and turns how it ended into the handler's output. */
async function runWorkflow(
  workflow: DurableWorkflow<unknown, unknown>,
  input: unknown,
  runtime: InvocationRuntime,
): Promise<DurableInvocationOutput> {
  const { termination } = runtime;
  const root = new DurableContextImpl(runtime, {
    idBase: undefined,
    parentId: undefined,
    signal: unboundedSignal(new AbortController()),
    logOperationId: runtime.executionOperationId,
    description: 'the root context',
  });

  try {
    const settled = Promise.resolve()
      .then(() => workflow(input, root))
      .finally(() => root.close())
      .then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
    const first = await Promise.race([settled, termination.outcome]);
    if ('kind' in first) return endEarly(first);
    if (termination.current) return endEarly(termination.current);
    if (!first.ok) return await finish(runtime, failed(first.error));
    return await finish(runtime, await succeeded(runtime, first.value));
  } finally {
    // The invocation is over: code still running (an abandoned branch) must not poll or checkpoint.
    // Terminating stops both the queue and the polling (each listens for it); once the outcome is
    // decided this is a no-op, as they stopped then.
    termination.terminate({ kind: 'suspend' });
  }
}

/** Flushes outstanding checkpoints, then returns `output` (or the termination that happened meanwhile). */
async function finish(runtime: InvocationRuntime, output: DurableInvocationOutput): Promise<DurableInvocationOutput> {
  const flushed = await Promise.race([runtime.queue.flush().then(() => undefined), runtime.termination.outcome]);
  if (flushed) return endEarly(flushed);
  if (runtime.termination.current) return endEarly(runtime.termination.current);
  return output;
}

async function succeeded(runtime: InvocationRuntime, value: unknown): Promise<DurableInvocationOutput> {
  let result: string | undefined;
  try {
    result = jsonWithoutLoss(value);
  } catch (error) {
    return failed(
      new SerdesError(
        `The workflow's return value cannot be serialised to JSON: ${(error as Error).message}. Return JSON-serialisable data (no BigInt, no cycles, no Map or Set).`,
        { cause: error },
      ),
    );
  }
  if (result === undefined) return { Status: 'SUCCEEDED' };
  const size = Buffer.byteLength(result, 'utf8');
  if (size > MAX_EXECUTION_RESULT_BYTES) {
    return failed(
      new SerdesError(
        `The workflow's result is ${size} bytes once serialised to JSON; a durable execution's result may be at most ` +
          `${MAX_EXECUTION_RESULT_BYTES} bytes (6 MiB; 1 MB when the execution was started asynchronously). Return less: ` +
          'store large data elsewhere (e.g. S3, from a step) and return a reference to it.',
      ),
    );
  }
  const output: DurableInvocationOutput = { Status: 'SUCCEEDED', Result: result };
  if (Buffer.byteLength(JSON.stringify(output), 'utf8') <= MAX_OUTPUT_BYTES) return output;
  // Too large for a Lambda response: record the result with the execution, return an empty one (§1.3).
  runtime.queue.enqueue({ Id: runtime.executionOperationId, Type: 'EXECUTION', Action: 'SUCCEED', Payload: result }).catch(() => undefined);
  return { Status: 'SUCCEEDED', Result: '' };
}

function failed(error: unknown): DurableInvocationOutput {
  return { Status: 'FAILED', Error: fitOutputError(toErrorObject(error)) };
}

function endEarly(outcome: TerminationOutcome): DurableInvocationOutput {
  if (outcome.kind === 'suspend') return { Status: 'PENDING' };
  if (outcome.kind === 'fail') return failed(outcome.error);
  throw outcome.error;
}

function fitOutputError(error: ErrorObject): ErrorObject {
  return truncateErrorToFit(error, (candidate) => Buffer.byteLength(JSON.stringify({ Status: 'FAILED', Error: candidate }), 'utf8'), MAX_ERROR_UPDATE_BYTES);
}
