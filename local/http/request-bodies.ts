/**
 * Decoding of request bodies into the model shapes the core takes. The wire is untyped JSON, the
 * core is typed, so every member is checked against its model type here; a mismatch becomes a 400
 * naming the member and the expected type. Members the model does not define are dropped, as the
 * real service ignores them. Whether a member is *required* is the core's rule (it owns those
 * messages), so presence is not checked here.
 */
import type {
  CheckpointDurableExecutionRequest,
  ErrorObject,
  OperationUpdate,
} from '@aws-sdk/client-lambda';
import { HttpServiceError } from './service-errors';

type Schema =
  | 'string'
  | 'integer'
  | 'boolean'
  | { readonly list: Schema }
  | { readonly object: { readonly [member: string]: Schema } };

const ERROR_OBJECT: Schema = {
  object: { ErrorMessage: 'string', ErrorType: 'string', ErrorData: 'string', StackTrace: { list: 'string' } },
};

const OPERATION_UPDATE: Schema = {
  object: {
    Id: 'string',
    ParentId: 'string',
    Name: 'string',
    Type: 'string',
    SubType: 'string',
    Action: 'string',
    Payload: 'string',
    Error: ERROR_OBJECT,
    ContextOptions: { object: { ReplayChildren: 'boolean' } },
    StepOptions: { object: { NextAttemptDelaySeconds: 'integer' } },
    WaitOptions: { object: { WaitSeconds: 'integer' } },
    CallbackOptions: { object: { TimeoutSeconds: 'integer', HeartbeatTimeoutSeconds: 'integer' } },
    ChainedInvokeOptions: { object: { FunctionName: 'string', TenantId: 'string', XAmznTraceId: 'string' } },
  },
};

const CHECKPOINT_BODY: Schema = {
  object: { CheckpointToken: 'string', Updates: { list: OPERATION_UPDATE }, ClientToken: 'string' },
};

/**
 * Parses a JSON request body. An empty body is `{}` (the SDK sends no body when every member is
 * absent).
 *
 * @throws HttpServiceError `InvalidRequestContentException` when the text is not JSON or not an object.
 * @example
 * parseJsonObject(Buffer.from('{"CheckpointToken":"abc"}')); // { CheckpointToken: 'abc' }
 */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  if (text.trim().length === 0) {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new HttpServiceError(
      'InvalidRequestContentException',
      `Could not parse request body into json: ${(error as Error).message}`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new HttpServiceError(
      'InvalidRequestContentException',
      'Could not parse request body into json: the body must be a JSON object.',
    );
  }
  return parsed as Record<string, unknown>;
}

/**
 * Decodes a CheckpointDurableExecution body (protocol.md §3.1) for the execution named in the path.
 *
 * @example
 * decodeCheckpointBody(arn, { CheckpointToken: 't', Updates: [{ Id: 'a', Type: 'STEP', Action: 'START' }] });
 */
export function decodeCheckpointBody(
  executionArn: string,
  body: Record<string, unknown>,
): CheckpointDurableExecutionRequest {
  const decoded = decode(CHECKPOINT_BODY, body, '') as {
    CheckpointToken?: string;
    Updates?: OperationUpdate[];
    ClientToken?: string;
  };
  return { DurableExecutionArn: executionArn, ...decoded } as CheckpointDurableExecutionRequest;
}

/**
 * Decodes an `ErrorObject` body (StopDurableExecution, SendDurableExecutionCallbackFailure);
 * `{}` means "no error given".
 *
 * @example
 * decodeErrorObjectBody({ ErrorType: 'Cancelled' }); // { ErrorType: 'Cancelled' }
 * decodeErrorObjectBody({});                         // undefined
 */
export function decodeErrorObjectBody(body: Record<string, unknown>): ErrorObject | undefined {
  const decoded = decode(ERROR_OBJECT, body, '') as ErrorObject;
  return Object.keys(decoded).length === 0 ? undefined : decoded;
}

function decode(schema: Schema, value: unknown, path: string): unknown {
  if (schema === 'string') {
    if (typeof value !== 'string') {
      throw typeMismatch(path, 'a string', value);
    }
    return value;
  }
  if (schema === 'integer') {
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw typeMismatch(path, 'an integer', value);
    }
    return value;
  }
  if (schema === 'boolean') {
    if (typeof value !== 'boolean') {
      throw typeMismatch(path, 'a boolean', value);
    }
    return value;
  }
  if ('list' in schema) {
    if (!Array.isArray(value)) {
      throw typeMismatch(path, 'a list', value);
    }
    return value.map((item, index) => decode(schema.list, item, `${path}[${index}]`));
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw typeMismatch(path, 'an object', value);
  }
  const out: Record<string, unknown> = {};
  for (const [member, memberSchema] of Object.entries(schema.object)) {
    const memberValue = (value as Record<string, unknown>)[member];
    // null is how some JSON writers spell "absent"; the model has no nullable members.
    if (memberValue !== undefined && memberValue !== null) {
      out[member] = decode(memberSchema, memberValue, path === '' ? member : `${path}.${member}`);
    }
  }
  return out;
}

function typeMismatch(path: string, expected: string, value: unknown): HttpServiceError {
  const actual = value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
  const where = path === '' ? 'The request body' : `Member ${path}`;
  return new HttpServiceError('InvalidParameterValueException', `${where} must be ${expected}, got ${actual}.`);
}
