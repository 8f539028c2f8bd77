/**
 * The operations of the local service as the HTTP layer sees them: one function per API that
 * turns a routed request into a backend call and the backend's answer into the exact response
 * `@aws-sdk/client-lambda` expects (protocol.md §3 and §6).
 */
import type {
  CheckpointDurableExecutionRequest,
  CheckpointDurableExecutionResponse,
  ErrorObject,
  ExecutionStatus,
  GetDurableExecutionHistoryRequest,
  GetDurableExecutionHistoryResponse,
  GetDurableExecutionRequest,
  GetDurableExecutionResponse,
  GetDurableExecutionStateRequest,
  GetDurableExecutionStateResponse,
  ListDurableExecutionsByFunctionRequest,
  ListDurableExecutionsByFunctionResponse,
  StopDurableExecutionRequest,
  StopDurableExecutionResponse,
  PauseDurableExecutionRequest,
  PauseDurableExecutionResponse,
  ResumeDurableExecutionRequest,
  ResumeDurableExecutionResponse,
  DeleteDurableExecutionRequest,
  DeleteDurableExecutionResponse,
} from '@aws-sdk/client-lambda';
import { decodeCheckpointBody, decodeErrorObjectBody, parseJsonObject } from './request-bodies';
import type { OperationName } from './routes';
import { HttpReply, HttpServiceError } from './service-errors';
import { encodeJsonBody, QueryReader } from './wire-format';

/**
 * How an Invoke call asks to run (the `X-Amz-Invocation-Type` header).
 *
 * @example
 * const type: InvocationType = 'Event';
 */
export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

/**
 * An Invoke call, decoded from the path, query and headers.
 *
 * @example
 * const request: InvokeApiRequest = { functionName: 'orders:live', invocationType: 'RequestResponse', payload: '{"orderId":"42"}' };
 */
export interface InvokeApiRequest {
  /** The path's FunctionName: a name, `name:qualifier`, partial or full ARN. */
  readonly functionName: string;
  readonly qualifier?: string;
  readonly invocationType: InvocationType;
  /** `X-Amz-Durable-Execution-Name`. */
  readonly executionName?: string;
  /** The payload as UTF-8 text; undefined when the body is empty. */
  readonly payload?: string;
  /** `X-Amz-Tenant-Id`. */
  readonly tenantId?: string;
}

/**
 * What an Invoke call produced.
 *
 * @example
 * const result: InvokeApiResult = { kind: 'accepted', executionArn: arn, executedVersion: '1' };
 */
export type InvokeApiResult =
  /** DryRun: the function and qualifier resolve; nothing was started. */
  | { readonly kind: 'dry-run'; readonly executedVersion: string }
  /** Event: the execution was started (or already existed) and runs on. */
  | { readonly kind: 'accepted'; readonly executionArn: string; readonly executedVersion: string }
  /** RequestResponse: the execution ran to its end. */
  | {
      readonly kind: 'finished';
      readonly executionArn: string;
      readonly executedVersion: string;
      readonly status: ExecutionStatus;
      /** The execution's result (JSON text) when it SUCCEEDED. */
      readonly result?: string;
      readonly error?: ErrorObject;
    };

/**
 * What the HTTP layer needs from the service behind it. Methods may answer synchronously (the
 * core) or asynchronously (a wrapper that injects faults or waits for executions); errors are
 * thrown as service errors (`{name, httpStatus, message}`).
 *
 * @example
 * const backend: DurableApiBackend = coreBackend(core, invoke);
 */
export interface DurableApiBackend {
  invoke(request: InvokeApiRequest): Promise<InvokeApiResult>;
  checkpoint(
    request: CheckpointDurableExecutionRequest,
  ): CheckpointDurableExecutionResponse | Promise<CheckpointDurableExecutionResponse>;
  getState(request: GetDurableExecutionStateRequest): GetDurableExecutionStateResponse | Promise<GetDurableExecutionStateResponse>;
  getExecution(request: GetDurableExecutionRequest): GetDurableExecutionResponse | Promise<GetDurableExecutionResponse>;
  getHistory(
    request: GetDurableExecutionHistoryRequest,
  ): GetDurableExecutionHistoryResponse | Promise<GetDurableExecutionHistoryResponse>;
  listExecutions(
    request: ListDurableExecutionsByFunctionRequest,
  ): ListDurableExecutionsByFunctionResponse | Promise<ListDurableExecutionsByFunctionResponse>;
  stopExecution(request: StopDurableExecutionRequest): StopDurableExecutionResponse | Promise<StopDurableExecutionResponse>;
  sendCallbackSuccess(callbackId: string, result?: string): void | Promise<void>;
  sendCallbackFailure(callbackId: string, error?: ErrorObject): void | Promise<void>;
  sendCallbackHeartbeat(callbackId: string): void | Promise<void>;
  pauseExecution(request: PauseDurableExecutionRequest): PauseDurableExecutionResponse | Promise<PauseDurableExecutionResponse>;
  resumeExecution(request: ResumeDurableExecutionRequest): ResumeDurableExecutionResponse | Promise<ResumeDurableExecutionResponse>;
  deleteExecution(request: DeleteDurableExecutionRequest): DeleteDurableExecutionResponse | Promise<DeleteDurableExecutionResponse>;
}

/**
 * A routed request: the operation, its decoded labels, query, headers (lower-case) and raw body.
 *
 * @example
 * const request: ApiRequest = { operation: 'GetDurableExecution', labels: { DurableExecutionArn: arn }, query: new URLSearchParams(), headers: {}, body: Buffer.alloc(0) };
 */
export interface ApiRequest {
  readonly operation: OperationName;
  readonly labels: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
}

const EXECUTION_STATUSES: readonly string[] = ['RUNNING', 'PAUSING', 'PAUSED', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'STOPPED', 'DELETING'];

/**
 * Runs one API operation against the backend and encodes its response.
 *
 * @example
 * const reply = await handleApiRequest(backend, {
 *   operation: 'GetDurableExecution', labels: { DurableExecutionArn: arn },
 *   query: new URLSearchParams(), headers: {}, body: Buffer.alloc(0),
 * });
 */
export async function handleApiRequest(backend: DurableApiBackend, request: ApiRequest): Promise<HttpReply> {
  const query = new QueryReader(request.query);
  const arn = request.labels.DurableExecutionArn;
  const callbackId = request.labels.CallbackId;
  switch (request.operation) {
    case 'Invoke':
      return invoke(backend, request, query);
    case 'CheckpointDurableExecution': {
      requireJsonContent(request);
      const body = decodeCheckpointBody(arn, parseJsonObject(request.body));
      return json(await backend.checkpoint(body));
    }
    case 'GetDurableExecutionState':
      return json(
        await backend.getState({
          DurableExecutionArn: arn,
          CheckpointToken: query.string('CheckpointToken') as string,
          Marker: query.string('Marker'),
          MaxItems: query.integer('MaxItems', 0, 1000),
        }),
      );
    case 'GetDurableExecution':
      return json(
        await backend.getExecution({
          DurableExecutionArn: arn,
          IncludeExecutionData: query.boolean('IncludeExecutionData'),
        }),
      );
    case 'GetDurableExecutionHistory':
      return json(
        await backend.getHistory({
          DurableExecutionArn: arn,
          IncludeExecutionData: query.boolean('IncludeExecutionData'),
          MaxItems: query.integer('MaxItems', 0, 1000),
          Marker: query.string('Marker'),
          ReverseOrder: query.boolean('ReverseOrder'),
        }),
      );
    case 'ListDurableExecutionsByFunction':
      return json(await backend.listExecutions(decodeListQuery(request.labels.FunctionName, query)));
    case 'StopDurableExecution': {
      requireJsonContent(request);
      const error = decodeErrorObjectBody(parseJsonObject(request.body));
      return json(await backend.stopExecution({ DurableExecutionArn: arn, Error: error }));
    }
    case 'SendDurableExecutionCallbackSuccess': {
      // The body is the raw result; its size rule belongs to the core.
      const result = request.body.length === 0 ? undefined : request.body.toString('utf8');
      await backend.sendCallbackSuccess(callbackId, result);
      return json({});
    }
    case 'SendDurableExecutionCallbackFailure': {
      requireJsonContent(request);
      await backend.sendCallbackFailure(callbackId, decodeErrorObjectBody(parseJsonObject(request.body)));
      return json({});
    }
    case 'SendDurableExecutionCallbackHeartbeat':
      await backend.sendCallbackHeartbeat(callbackId);
      return json({});
    case 'PauseDurableExecution': {
      requireJsonContent(request);
      const body = parseJsonObject(request.body);
      // The core checks each member's type, so a wrong one gets its own message.
      const input = { ...body, DurableExecutionArn: arn } as PauseDurableExecutionRequest;
      return json(await backend.pauseExecution(pickMembers(input, ['DurableExecutionArn', 'ClientToken', 'Reason', 'ExecutionTimeoutPaused'])), 202);
    }
    case 'ResumeDurableExecution': {
      requireJsonContent(request);
      const body = parseJsonObject(request.body);
      const input = { ...body, DurableExecutionArn: arn } as ResumeDurableExecutionRequest;
      return json(await backend.resumeExecution(pickMembers(input, ['DurableExecutionArn', 'ClientToken', 'Reason'])), 202);
    }
    case 'DeleteDurableExecution':
      return json(await backend.deleteExecution({ DurableExecutionArn: arn }), 202);
  }
}

function json(value: unknown, status = 200): HttpReply {
  return { status, headers: { 'Content-Type': 'application/json' }, body: encodeJsonBody(value) };
}

/** Only the modelled members of a request body reach the backend; unknown ones are ignored, as the SDK's server would. */
function pickMembers<T extends object>(input: T, members: ReadonlyArray<keyof T>): T {
  const out: Partial<T> = {};
  for (const member of members) {
    if (input[member] !== undefined) out[member] = input[member];
  }
  return out as T;
}

/**
 * JSON operations take JSON; a body of another declared type is refused up front rather than
 * misread. A missing Content-Type is tolerated because some HTTP tools omit it.
 */
function requireJsonContent(request: ApiRequest): void {
  const contentType = request.headers['content-type'];
  if (request.body.length === 0 || contentType === undefined) {
    return;
  }
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  if (mediaType !== 'application/json' && !mediaType.endsWith('+json') && !mediaType.startsWith('application/x-amz-json')) {
    throw new HttpServiceError(
      'UnsupportedMediaTypeException',
      `${request.operation} takes an application/json body, got Content-Type '${contentType}'.`,
    );
  }
}

function decodeListQuery(functionName: string, query: QueryReader): ListDurableExecutionsByFunctionRequest {
  const statuses = query.list('Statuses');
  for (const status of statuses ?? []) {
    if (!EXECUTION_STATUSES.includes(status)) {
      throw new HttpServiceError(
        'InvalidParameterValueException',
        `Query parameter Statuses has unknown value '${status}'; use one of ${EXECUTION_STATUSES.join(', ')}.`,
      );
    }
  }
  return {
    FunctionName: functionName,
    Qualifier: query.string('Qualifier'),
    DurableExecutionName: query.string('DurableExecutionName'),
    Statuses: statuses as ExecutionStatus[] | undefined,
    StartedAfter: query.timestamp('StartedAfter'),
    StartedBefore: query.timestamp('StartedBefore'),
    ReverseOrder: query.boolean('ReverseOrder'),
    Marker: query.string('Marker'),
    MaxItems: query.integer('MaxItems', 0, 1000),
  };
}

async function invoke(backend: DurableApiBackend, request: ApiRequest, query: QueryReader): Promise<HttpReply> {
  const invocationType = decodeInvocationType(request.headers['x-amz-invocation-type']);
  // Input size limits (6 MB sync, 1 MB async) are the core's rule; only JSON-ness is checked here.
  const payload = request.body.length === 0 ? undefined : request.body.toString('utf8');
  if (payload !== undefined) {
    try {
      JSON.parse(payload);
    } catch (error) {
      throw new HttpServiceError(
        'InvalidRequestContentException',
        `Could not parse request body into json: ${(error as Error).message}`,
      );
    }
  }
  const result = await backend.invoke({
    functionName: request.labels.FunctionName,
    qualifier: query.string('Qualifier'),
    invocationType,
    executionName: request.headers['x-amz-durable-execution-name'],
    payload,
    tenantId: request.headers['x-amz-tenant-id'],
  });
  switch (result.kind) {
    case 'dry-run':
      return { status: 204, headers: { 'X-Amz-Executed-Version': result.executedVersion } };
    case 'accepted':
      return {
        status: 202,
        headers: {
          'X-Amz-Executed-Version': result.executedVersion,
          'X-Amz-Durable-Execution-Arn': result.executionArn,
        },
      };
    case 'finished': {
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        'X-Amz-Executed-Version': result.executedVersion,
        'X-Amz-Durable-Execution-Arn': result.executionArn,
      };
      if (result.status === 'SUCCEEDED') {
        // A workflow that returns undefined has no Result; Lambda serializes that as JSON null.
        return { status: 200, headers, body: result.result === undefined || result.result === '' ? 'null' : result.result };
      }
      headers['X-Amz-Function-Error'] = 'Unhandled';
      return { status: 200, headers, body: JSON.stringify(functionErrorBody(result.status, result.error)) };
    }
  }
}

/** The Lambda "function error" payload for an execution that did not succeed (protocol.md §6.1). */
function functionErrorBody(status: ExecutionStatus, error: ErrorObject | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = {
    errorType: error?.ErrorType ?? defaultErrorType(status),
    errorMessage: error?.ErrorMessage ?? `The durable execution ended with status ${status}.`,
  };
  if (error?.StackTrace !== undefined) {
    body.trace = error.StackTrace;
  }
  return body;
}

function defaultErrorType(status: ExecutionStatus): string {
  switch (status) {
    case 'TIMED_OUT':
      return 'DurableExecutionTimedOut';
    case 'STOPPED':
      return 'DurableExecutionStopped';
    default:
      return 'DurableExecutionFailed';
  }
}

function decodeInvocationType(header: string | undefined): InvocationType {
  if (header === undefined || header === '') {
    return 'RequestResponse';
  }
  if (header === 'RequestResponse' || header === 'Event' || header === 'DryRun') {
    return header;
  }
  throw new HttpServiceError(
    'InvalidParameterValueException',
    `X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, got '${header}'.`,
  );
}
