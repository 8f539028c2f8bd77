/**
 * Checkpoint request validation (protocol.md §4.1): every rule is checked against a staged view
 * of the request before anything is applied, so a rejected request changes nothing.
 */
import type { ErrorObject, Operation, OperationStatus, OperationType, OperationUpdate } from '@aws-sdk/client-lambda';
import { invalidParameter } from './errors';
import {
  MAX_DURATION_SECONDS,
  MAX_ERROR_UPDATE_BYTES,
  MAX_EXECUTION_DATA_BYTES,
  MAX_OPERATION_PAYLOAD_BYTES,
  MAX_OPERATIONS_PER_EXECUTION,
  MAX_PAYLOAD_BYTES,
  utf8Bytes,
} from './limits';

/** The exact messages of §4.1 (and the extra checks), so tests and callers can match them. */
export const CheckpointMessages = {
  tokenRequired: 'Checkpoint token is required',
  missingId: 'Operation update must have an Id.',
  multipleExecutionUpdates: 'Cannot checkpoint multiple EXECUTION updates.',
  executionUpdateNotLast: 'EXECUTION checkpoint must be the last update.',
  sameOperationTwice: 'Cannot update the same operation twice in a single request.',
  invalidParent: 'Invalid parent operation id.',
  invalidAction: (type: string) => `Invalid ${type} action.`,
  stepStart: 'Invalid current STEP state to start.',
  stepClose: 'Invalid current STEP state to close.',
  stepRetry: 'Invalid current STEP state to re-attempt.',
  stepOptions: 'Invalid StepOptions for the given action.',
  contextExists: 'Cannot start a CONTEXT that already exists.',
  contextClose: 'Invalid current CONTEXT state to close.',
  alreadyExists: (type: string) => `Cannot start a ${type} that already exists.`,
  cannotCancel: (type: string) => `Cannot cancel a ${type} that does not exist or has already completed.`,
  payloadOnFail: 'Cannot provide a Payload for FAIL action.',
  errorOnSucceed: 'Cannot provide an Error for SUCCEED action.',
  payloadAndErrorOnRetry: 'Cannot provide both a Payload and an Error for RETRY action.',
  errorTooLarge: `Error object size must be less than ${MAX_ERROR_UPDATE_BYTES} bytes.`,
  payloadTooLarge: 'Payload size exceeds maximum allowed size.',
} as const;

const OPERATION_TYPES: readonly OperationType[] = ['EXECUTION', 'CONTEXT', 'STEP', 'WAIT', 'CALLBACK', 'CHAINED_INVOKE'];

const ALLOWED_ACTIONS: Readonly<Record<OperationType, readonly string[]>> = {
  EXECUTION: ['SUCCEED', 'FAIL'],
  CONTEXT: ['START', 'SUCCEED', 'FAIL'],
  STEP: ['START', 'SUCCEED', 'FAIL', 'RETRY'],
  WAIT: ['START', 'CANCEL'],
  CALLBACK: ['START', 'CANCEL'],
  CHAINED_INVOKE: ['START', 'CANCEL'],
};

/** The status an operation has after an update (§4.2), used to stage a request. */
const RESULT_STATUS: Readonly<Record<string, OperationStatus>> = {
  START: 'STARTED',
  SUCCEED: 'SUCCEEDED',
  FAIL: 'FAILED',
  RETRY: 'PENDING',
  CANCEL: 'CANCELLED',
};

const ID_RE = /^[a-zA-Z0-9_-]{1,64}$/;
const NAME_RE = /^[\x20-\x7E]{1,256}$/;
const SUBTYPE_RE = /^[a-zA-Z0-9_-]{1,32}$/;

/** What validation needs to know about the stored execution. */
export interface CheckpointStateView {
  /** The stored operation with this Id, if any. */
  operation(id: string): Operation | undefined;
  /** Operations stored so far, the EXECUTION operation included. */
  readonly operationCount: number;
  /** Payload and error bytes written so far. */
  readonly dataBytes: number;
}

/** One validated update. */
export interface PlannedUpdate {
  readonly update: OperationUpdate;
  readonly type: OperationType;
  /** True when this update creates its operation. */
  readonly creates: boolean;
}

/** A validated request, ready to apply. */
export interface CheckpointPlan {
  readonly updates: readonly PlannedUpdate[];
  /** Payload and error bytes the request writes. */
  readonly dataBytes: number;
}

/**
 * Describes what is wrong with a value that should be an `ErrorObject` (§2.4), or returns
 * undefined when it is one.
 * @example errorObjectProblem({ ErrorMessage: 3 }) // 'ErrorMessage must be a string'
 */
export function errorObjectProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return 'an error must be an object {ErrorType?, ErrorMessage?, ErrorData?, StackTrace?}';
  }
  const e = value as Record<string, unknown>;
  for (const field of ['ErrorType', 'ErrorMessage', 'ErrorData'] as const) {
    if (e[field] !== undefined && typeof e[field] !== 'string') {
      return `${field} must be a string`;
    }
  }
  if (e.StackTrace !== undefined && (!Array.isArray(e.StackTrace) || e.StackTrace.some((l) => typeof l !== 'string'))) {
    return 'StackTrace must be a list of strings';
  }
  return undefined;
}

/** UTF-8 bytes an update writes to the execution (its payload and error). */
function writtenBytes(update: OperationUpdate): number {
  return (update.Payload === undefined ? 0 : utf8Bytes(update.Payload)) + (update.Error === undefined ? 0 : utf8Bytes(JSON.stringify(update.Error)));
}

function isDuration(value: unknown, min: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= MAX_DURATION_SECONDS;
}

/**
 * Validates the `Updates` of a checkpoint against the stored state.
 *
 * @throws CoreServiceError 400 `InvalidParameterValueException` with the §4.1 message of the first problem.
 * @example const plan = planCheckpoint(req.Updates, view);
 */
export function planCheckpoint(updates: unknown, view: CheckpointStateView): CheckpointPlan {
  if (updates === undefined || updates === null) {
    return { updates: [], dataBytes: 0 };
  }
  if (!Array.isArray(updates)) {
    throw invalidParameter('Updates must be a list of operation updates.');
  }
  const list = updates as OperationUpdate[];
  list.forEach((u, i) => {
    if (u === null || typeof u !== 'object' || Array.isArray(u)) {
      throw invalidParameter(`Updates[${i}] must be an operation update object.`);
    }
    if (typeof u.Id !== 'string' || u.Id.length === 0) {
      throw invalidParameter(CheckpointMessages.missingId);
    }
  });
  const executionIndexes = list.flatMap((u, i) => (u.Type === 'EXECUTION' ? [i] : []));
  if (executionIndexes.length > 1) {
    throw invalidParameter(CheckpointMessages.multipleExecutionUpdates);
  }
  if (executionIndexes.length === 1 && executionIndexes[0] !== list.length - 1) {
    throw invalidParameter(CheckpointMessages.executionUpdateNotLast);
  }

  const staged = new Map<string, { type: OperationType; status: OperationStatus }>();
  const seen = new Map<string, { count: number; type: unknown; action: unknown }>();
  const planned: PlannedUpdate[] = [];
  let created = 0;
  let dataBytes = 0;

  for (const u of list) {
    const type = u.Type as OperationType;
    if (!OPERATION_TYPES.includes(type)) {
      throw invalidParameter(`Invalid operation type "${String(u.Type)}" for operation ${u.Id}: use one of ${OPERATION_TYPES.join(', ')}.`);
    }
    const isExecution = type === 'EXECUTION';
    // The reference SDKs give the EXECUTION update a synthetic Id; it addresses the execution, not an operation.
    if (!isExecution && !ID_RE.test(u.Id as string)) {
      throw invalidParameter(`Invalid operation Id "${u.Id}": use 1-64 characters of [a-zA-Z0-9-_].`);
    }
    const id = u.Id as string;

    const prior = seen.get(id);
    if (prior) {
      const allowed =
        prior.count === 1 &&
        (prior.type === 'STEP' || prior.type === 'CONTEXT') &&
        prior.action === 'START' &&
        u.Type === prior.type &&
        u.Action !== 'START';
      if (!allowed) {
        throw invalidParameter(CheckpointMessages.sameOperationTwice);
      }
      prior.count++;
    } else {
      seen.set(id, { count: 1, type: u.Type, action: u.Action });
    }

    if (!isExecution && u.ParentId !== undefined) {
      const parentType =
        typeof u.ParentId === 'string' ? (staged.get(u.ParentId)?.type ?? view.operation(u.ParentId)?.Type) : undefined;
      if (u.ParentId === id || parentType !== 'CONTEXT') {
        throw invalidParameter(CheckpointMessages.invalidParent);
      }
    }
    if (u.Name !== undefined && (typeof u.Name !== 'string' || !NAME_RE.test(u.Name))) {
      throw invalidParameter(`Invalid Name for operation ${id}: use 1-256 printable ASCII characters.`);
    }
    if (u.SubType !== undefined && (typeof u.SubType !== 'string' || !SUBTYPE_RE.test(u.SubType))) {
      throw invalidParameter(`Invalid SubType for operation ${id}: use 1-32 characters of [a-zA-Z0-9-_].`);
    }
    if (typeof u.Action !== 'string' || !ALLOWED_ACTIONS[type].includes(u.Action)) {
      throw invalidParameter(CheckpointMessages.invalidAction(type));
    }
    const action = u.Action;

    const stored = isExecution ? undefined : view.operation(id);
    const current = staged.get(id) ?? (stored ? { type: stored.Type as OperationType, status: stored.Status as OperationStatus } : undefined);
    if (current && current.type !== type) {
      throw invalidParameter(`Operation ${id} is a ${current.type}; an update cannot address it as a ${type}.`);
    }
    checkTransition(type, action, current?.status, u);

    if (u.Payload !== undefined && typeof u.Payload !== 'string') {
      throw invalidParameter(`Payload of operation ${id} must be a string.`);
    }
    if (action === 'FAIL' && u.Payload !== undefined) {
      throw invalidParameter(CheckpointMessages.payloadOnFail);
    }
    if (action === 'SUCCEED' && u.Error !== undefined) {
      throw invalidParameter(CheckpointMessages.errorOnSucceed);
    }
    if (action === 'RETRY' && u.Payload !== undefined && u.Error !== undefined) {
      throw invalidParameter(CheckpointMessages.payloadAndErrorOnRetry);
    }
    if (u.Error !== undefined) {
      const problem = errorObjectProblem(u.Error);
      if (problem) {
        throw invalidParameter(`Invalid Error of operation ${id}: ${problem}.`);
      }
      if (utf8Bytes(JSON.stringify(u)) > MAX_ERROR_UPDATE_BYTES) {
        throw invalidParameter(CheckpointMessages.errorTooLarge);
      }
    }
    if (u.Payload !== undefined && utf8Bytes(u.Payload) > (isExecution ? MAX_PAYLOAD_BYTES : MAX_OPERATION_PAYLOAD_BYTES)) {
      throw invalidParameter(CheckpointMessages.payloadTooLarge);
    }
    checkOptions(type, action, u);

    const creates = !isExecution && current === undefined;
    if (creates) {
      created++;
      if (view.operationCount + created > MAX_OPERATIONS_PER_EXECUTION) {
        throw invalidParameter(
          `Operation limit exceeded: an execution holds at most ${MAX_OPERATIONS_PER_EXECUTION} operations ` +
            `(it has ${view.operationCount}; this request adds ${created} or more).`,
        );
      }
    }
    dataBytes += writtenBytes(u);
    if (view.dataBytes + dataBytes > MAX_EXECUTION_DATA_BYTES) {
      throw invalidParameter(
        `Execution data limit exceeded: an execution may write at most ${MAX_EXECUTION_DATA_BYTES} bytes of payloads and errors.`,
      );
    }
    if (!isExecution) {
      staged.set(id, { type, status: type === 'CHAINED_INVOKE' && action === 'CANCEL' ? 'STOPPED' : RESULT_STATUS[action] });
    }
    planned.push({ update: u, type, creates });
  }
  return { updates: planned, dataBytes };
}

/** §4.1 item 7: the action must be allowed from the operation's current status. */
function checkTransition(type: OperationType, action: string, status: OperationStatus | undefined, u: OperationUpdate): void {
  switch (type) {
    case 'STEP':
      if (action === 'START' && status !== undefined && status !== 'READY') {
        throw invalidParameter(CheckpointMessages.stepStart);
      }
      if (action !== 'START' && status !== undefined && status !== 'STARTED' && status !== 'READY') {
        throw invalidParameter(action === 'RETRY' ? CheckpointMessages.stepRetry : CheckpointMessages.stepClose);
      }
      if (action === 'RETRY' && !isDuration(u.StepOptions?.NextAttemptDelaySeconds, 1)) {
        throw invalidParameter(CheckpointMessages.stepOptions);
      }
      return;
    case 'CONTEXT':
      if (action === 'START' && status !== undefined) {
        throw invalidParameter(CheckpointMessages.contextExists);
      }
      if (action !== 'START' && status !== undefined && status !== 'STARTED') {
        throw invalidParameter(CheckpointMessages.contextClose);
      }
      return;
    case 'WAIT':
    case 'CALLBACK':
    case 'CHAINED_INVOKE':
      if (action === 'START' && status !== undefined) {
        throw invalidParameter(CheckpointMessages.alreadyExists(type));
      }
      if (action === 'CANCEL' && status !== 'STARTED') {
        throw invalidParameter(CheckpointMessages.cannotCancel(type));
      }
      return;
    case 'EXECUTION':
      // The token check already established that the execution is RUNNING.
      return;
  }
}

/** The per-type options a START needs (§2.5). */
function checkOptions(type: OperationType, action: string, u: OperationUpdate): void {
  if (action !== 'START') {
    return;
  }
  if (type === 'WAIT' && !isDuration(u.WaitOptions?.WaitSeconds, 1)) {
    throw invalidParameter(
      `Invalid WaitOptions for WAIT ${u.Id}: WaitSeconds must be an integer from 1 to ${MAX_DURATION_SECONDS}.`,
    );
  }
  if (type === 'CALLBACK') {
    const o = u.CallbackOptions;
    if (o !== undefined && (typeof o !== 'object' || o === null)) {
      throw invalidParameter(`Invalid CallbackOptions for CALLBACK ${u.Id}: expected {TimeoutSeconds?, HeartbeatTimeoutSeconds?}.`);
    }
    for (const field of ['TimeoutSeconds', 'HeartbeatTimeoutSeconds'] as const) {
      const v = o?.[field];
      if (v !== undefined && !isDuration(v, 0)) {
        throw invalidParameter(
          `Invalid CallbackOptions for CALLBACK ${u.Id}: ${field} must be an integer from 0 to ${MAX_DURATION_SECONDS} (0 = no timeout).`,
        );
      }
    }
  }
  if (type === 'CHAINED_INVOKE') {
    const o = u.ChainedInvokeOptions;
    if (typeof o?.FunctionName !== 'string' || o.FunctionName.length < 1 || o.FunctionName.length > 140) {
      throw invalidParameter(
        `Invalid ChainedInvokeOptions for CHAINED_INVOKE ${u.Id}: FunctionName is required (1-140 characters, a name or ARN with an optional qualifier).`,
      );
    }
    if (o.TenantId !== undefined && (typeof o.TenantId !== 'string' || o.TenantId.length < 1 || o.TenantId.length > 256)) {
      throw invalidParameter(`Invalid ChainedInvokeOptions for CHAINED_INVOKE ${u.Id}: TenantId must have 1-256 characters.`);
    }
  }
}

/** Validates a standalone ErrorObject parameter (Stop, callback failure). @throws CoreServiceError 400. */
export function assertErrorObject(value: unknown, what: string): asserts value is ErrorObject | undefined {
  if (value === undefined) {
    return;
  }
  const problem = errorObjectProblem(value);
  if (problem) {
    throw invalidParameter(`Invalid ${what}: ${problem}.`);
  }
}
