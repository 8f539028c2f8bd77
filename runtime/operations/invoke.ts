import type { Operation } from '@aws-sdk/client-lambda';
import type { DurableContextImpl } from '../context/durable-context';
import {
  beforeStarting,
  checkpoint,
  describeOperation,
  operationIdentity,
  recordedOperation,
  throwIfAborted,
  waitForOperation,
} from '../context/operation-support';
import { typedErrorFrom } from '../error-object';
import { InvokeError, SerdesError, ValidationError } from '../errors';
import { validateName } from '../names';
import { deserializeValue, MAX_OPERATION_PAYLOAD_BYTES, payloadBytes, Serdes, serializeValue, type SerdesSubject } from '../serdes';
import type { InvokeConfig } from '../types';

/** Protocol §2.5: `ChainedInvokeOptions.FunctionName` is a name or ARN of 1–140 characters. */
const FUNCTION_NAME = /^(arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:)?[a-zA-Z0-9_-]{1,64}(:(\$LATEST|[a-zA-Z0-9_-]{1,128}))?$/;
const PARTIAL_ARN = /^\d{12}:function:[a-zA-Z0-9_-]{1,64}(:(\$LATEST|[a-zA-Z0-9_-]{1,128}))?$/;

/**
 * `ctx.invoke`: a chained invoke (CHAINED_INVOKE, SubType `ChainedInvoke`). Checkpoints `START`
 * with `ChainedInvokeOptions` and the serialised input, then waits (the invocation may suspend)
 * until the service records the target's outcome. Resolves with the target's result; rejects with
 * an {@link InvokeError} carrying the recorded error when the target failed, timed out or was
 * stopped. Replay returns the recorded outcome without invoking again.
 */
export async function runInvoke<TInput, TOutput>(
  ctx: DurableContextImpl,
  name: string | undefined,
  functionName: string,
  input: TInput | undefined,
  config: InvokeConfig<TInput, TOutput> = {},
): Promise<TOutput> {
  validateName(name, 'an invoke');
  const what = describeOperation('invoke', name);
  validateInvoke(what, functionName, config);
  const { id, position } = ctx.allocateOperationId();
  throwIfAborted(ctx, what);
  const identity = operationIdentity(id, ctx.scope.parentId, 'CHAINED_INVOKE', 'ChainedInvoke', name);
  const subject: SerdesSubject = { what, context: { operationId: id, executionArn: ctx.runtime.executionArn } };
  const recorded = recordedOperation(ctx, identity, position);
  if (recorded) ctx.runtime.replayTrace?.invoke(id, functionName);
  if (!recorded) {
    const gate = beforeStarting(ctx, what);
    if (gate) await gate;
    const payload = input === undefined ? undefined : await serializeValue(config.payloadSerdes ?? Serdes.json<TInput>(), input, subject);
    const size = payloadBytes(payload);
    if (size > MAX_OPERATION_PAYLOAD_BYTES) {
      throw new SerdesError(
        `The input of ${what} is ${size} bytes once serialised; the service stores at most ${MAX_OPERATION_PAYLOAD_BYTES} bytes ` +
          'per chained invoke. Pass a reference to the data (e.g. an S3 key) instead.',
      );
    }
    await checkpoint(
      ctx,
      {
        ...identity,
        Action: 'START',
        ...(payload !== undefined ? { Payload: payload } : {}),
        ChainedInvokeOptions: { FunctionName: functionName, ...(config.tenantId !== undefined ? { TenantId: config.tenantId } : {}) },
      },
      what,
    );
  }
  const done = await waitForOperation(ctx, id, (operation) => operation.Status !== 'STARTED' && operation.Status !== 'PENDING', () => undefined, what);
  return settle(done, config.resultSerdes ?? Serdes.json<TOutput>(), subject, what);
}

function validateInvoke(what: string, functionName: unknown, config: InvokeConfig<unknown, unknown>): void {
  if (typeof functionName !== 'string' || functionName.length > 140 || !(FUNCTION_NAME.test(functionName) || PARTIAL_ARN.test(functionName))) {
    throw new ValidationError(
      `${what} needs the target's function name or ARN (1-140 characters, optionally with a :version or :alias qualifier); ` +
        `got ${JSON.stringify(functionName)}. A durable target must be qualified, e.g. 'orders:live'.`,
    );
  }
  if (config === null || typeof config !== 'object') throw new ValidationError(`${what}: config must be an object.`);
  const { tenantId } = config;
  if (tenantId !== undefined && (typeof tenantId !== 'string' || tenantId.length < 1 || tenantId.length > 256)) {
    throw new ValidationError(`${what}: tenantId must be a string of 1 to 256 characters; got ${JSON.stringify(tenantId)}.`);
  }
  for (const field of ['payloadSerdes', 'resultSerdes'] as const) {
    const serdes = config[field] as { serialize?: unknown; deserialize?: unknown } | undefined;
    if (serdes !== undefined && (serdes === null || typeof serdes.serialize !== 'function' || typeof serdes.deserialize !== 'function')) {
      throw new ValidationError(`${what}: ${field} must be an object with serialize and deserialize functions.`);
    }
  }
  if ('timeout' in config) {
    throw new ValidationError(
      `${what}: a chained invoke has no timeout of its own (the protocol has none); the target's function timeout ` +
        "or, for a durable target, its execution timeout ends it. Remove 'timeout'.",
    );
  }
}

async function settle<T>(operation: Operation, serdes: Serdes<T>, subject: SerdesSubject, what: string): Promise<T> {
  if (operation.Status === 'SUCCEEDED') return deserializeValue(serdes, operation.ChainedInvokeDetails?.Result, subject);
  const error = operation.ChainedInvokeDetails?.Error ?? {
    ErrorType: 'InvokeError',
    ErrorMessage: `The target of ${what} ended with status ${String(operation.Status)}.`,
  };
  throw typedErrorFrom(InvokeError, error);
}
