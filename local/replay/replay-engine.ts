/**
 * The replay gate: re-runs recorded executions against new workflow code, without running any
 * step function, and says per execution whether the new code is compatible with it.
 *
 * Each history is turned back into the operations it recorded; the new bundle is invoked once,
 * in a replay-only invocation, with those operations as its state, against a backend that answers
 * from the recording ({@link ReplaySession}). The runtime's own determinism checks report a
 * divergence exactly as they would in production; the backend reports operations the recording
 * does not have (the new code's future, compatible) and updates whose identity differs; the
 * runtime's replay trace tells which recorded operations the new code never reached (a
 * divergence too, see {@link firstUnreached}).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ErrorObject, Operation } from '@aws-sdk/client-lambda';
import { FunctionHost } from '../hosting/function-host';
import { resolveHostedFunction } from '../hosting/hosted-function';
import { DurableHttpServer } from '../http/server';
import { parseHistoryFile, type SavedExecution } from '../viewer/history-file';
import { recordedState } from './recorded-state';
import { ReplayBackend, ReplaySession, type OperationIdentityView } from './replay-backend';
import { prepareReplayBundle, type ReplayBundle, type ReplayCodeSource } from './replay-bundle';
import { userSourceLocation } from './source-location';
import { firstRetargetedInvoke, firstUnreached, readReplayTrace, type RetargetedInvoke, type UnreachedOperation } from './unreached';

/**
 * The event field that makes an invocation replay-only. It must equal the runtime's
 * `REPLAY_ONLY_EVENT_KEY` (runtime/invocation/event.ts); `local/` does not import runtime code.
 */
export const REPLAY_ONLY_EVENT_KEY = 'CdkDurableFunctionReplayOnly';

/**
 * What to replay: the new code, and the recorded executions.
 *
 * @example
 * await replayHistories({ entry: 'src/orders.ts', histories: ['histories/order-1.json'] });
 */
export type ReplayOptions = ReplayCodeSource & {
  /** History files (written by `cdk-durable history export` or `--save-history`) or parsed histories. */
  readonly histories: ReadonlyArray<string | SavedExecution>;
  /** Real seconds one replay may take before it is reported as failed (default 60). */
  readonly timeoutSeconds?: number;
  /** Receives the new code's log output (default: dropped). */
  readonly handlerOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
};

/** One operation's identity in a report. */
export interface ReplayedOperation {
  readonly type?: string;
  readonly name?: string;
  readonly subType?: string;
  /** For a chained invoke whose target differs: the function it names. */
  readonly target?: string;
}

/**
 * The first place where the new code stops matching the recording.
 *
 * @example
 * // { position: 2, where: 'operation #2 of the root context', field: 'Name',
 * //   recorded: { type: 'STEP', name: 'charge', subType: 'Step' }, requested: { type: 'STEP', name: 'charge-card', subType: 'Step' },
 * //   location: 'src/orders.ts:14:13', message: 'Non-deterministic execution: …' }
 */
export interface ReplayDivergence {
  readonly errorType: 'NonDeterministicError';
  /** Id of the recorded operation. */
  readonly operationId: string;
  /** 1-based position in its context, when known. */
  readonly position?: number;
  /** The place in words, e.g. `operation #2 of the root context`. */
  readonly where: string;
  /**
   * The field that differs first (`Type`, `Name`, `SubType`, `BranchName`, `ParentId`, a chained
   * invoke's `FunctionName`), or
   * `NeverReached`: the new code ended without asking for this recorded operation.
   */
  readonly field: string;
  readonly recorded: ReplayedOperation;
  /**
   * What the new code asks for there (undefined fields: the code has nothing there). For
   * `NeverReached`, the first operation the new code started that the recording does not have, if any.
   */
  readonly requested: ReplayedOperation;
  /** For `NeverReached`: what the new code did instead, e.g. `it completed (SUCCEEDED)`. */
  readonly instead?: string;
  /** For `NeverReached`: how many recorded operations the new code never reached in all. */
  readonly unreachedCount?: number;
  /** The workflow line that asked for it (`src/orders.ts:14:13`), when the bundle has a source map. */
  readonly location?: string;
  readonly message: string;
}

/**
 * The verdict for one recorded execution.
 *
 * - `compatible`: the new code replays the whole recording; `appended` lists what it does next.
 * - `divergent`: the new code asks for other operations than the recording has, or ends without
 *   reaching one the recording has (`divergence`).
 * - `failed`: the new code fails on the recording (an error thrown between operations, a crash,
 *   a timeout) where the recorded execution did not.
 */
export interface ReplayReport {
  /** The history's file, or its execution name for a parsed history. */
  readonly source: string;
  readonly executionArn: string;
  readonly executionName: string;
  /** The recorded execution's status. */
  readonly recordedStatus: string;
  readonly verdict: 'compatible' | 'divergent' | 'failed';
  readonly divergence?: ReplayDivergence;
  /** Operations the new code started that the recording does not have, in order. */
  readonly appended: ReadonlyArray<ReplayedOperation & { readonly parent?: string }>;
  /** Number of operations in the recording (the EXECUTION one included). */
  readonly recordedOperations: number;
  /** How the replay invocation ended: SUCCEEDED / FAILED / PENDING (stopped at the recorded end), or ERROR. */
  readonly outcome: 'SUCCEEDED' | 'FAILED' | 'PENDING' | 'ERROR';
  /** The error the new code ended with, when it failed. */
  readonly error?: ErrorObject;
  /** Things that make this replay approximate. */
  readonly warnings: readonly string[];
}

/**
 * Replays every history against the new code and reports on each, in order. Never runs a step
 * function or a callback submitter of the new code.
 *
 * @throws ReplayInputError when the code cannot be bundled or a history cannot be read.
 * @example
 * const reports = await replayHistories({ entry: 'src/orders.ts', histories: ['histories/order-1.json'] });
 * expect(reports.every((r) => r.verdict === 'compatible')).toBe(true);
 */
export async function replayHistories(options: ReplayOptions): Promise<ReplayReport[]> {
  const histories = options.histories.map((history) => (typeof history === 'string' ? readHistory(history) : { source: history.execution.DurableExecutionName, saved: history }));
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-durable-replay-'));
  const backend = new ReplayBackend();
  let server: DurableHttpServer | undefined;
  let host: FunctionHost | undefined;
  try {
    const bundle = prepareReplayBundle(options, workDir);
    server = await DurableHttpServer.start({ backend });
    host = new FunctionHost({ endpoint: server.endpoint, handlerOutput: options.handlerOutput ?? (() => undefined) });
    host.register(resolveHostedFunction({ name: 'replay', bundle: bundle.bundlePath, handler: bundle.handler, timeout: options.timeoutSeconds ?? 60 }));
    const reports: ReplayReport[] = [];
    let counter = 0;
    for (const { source, saved } of histories) {
      counter += 1;
      reports.push(await replayOne(host, backend, bundle, source, saved, counter));
    }
    return reports;
  } finally {
    await host?.close();
    await server?.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * Input the replay cannot use: code that does not bundle, a history that cannot be read.
 *
 * @example
 * try { await replayHistories(options); } catch (err) { if (err instanceof ReplayInputError) console.error(err.message); }
 */
export class ReplayInputError extends Error {
  override readonly name = 'ReplayInputError';
}

function readHistory(file: string): { source: string; saved: SavedExecution } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ReplayInputError(`Cannot read the history ${file}: ${(error as Error).message}`);
  }
  try {
    return { source: file, saved: parseHistoryFile(text, file) };
  } catch (error) {
    throw new ReplayInputError((error as Error).message);
  }
}

async function replayOne(
  host: FunctionHost,
  backend: ReplayBackend,
  bundle: ReplayBundle,
  source: string,
  saved: SavedExecution,
  counter: number,
): Promise<ReplayReport> {
  const { operations, warnings, inferredReplayChildren } = recordedState(saved.events);
  const base = {
    source,
    executionArn: saved.execution.DurableExecutionArn,
    executionName: saved.execution.DurableExecutionName,
    recordedStatus: saved.execution.Status,
    recordedOperations: operations.length,
  };
  if (!operations.some((op) => op.Type === 'EXECUTION')) {
    return {
      ...base,
      verdict: 'failed',
      appended: [],
      outcome: 'ERROR',
      error: { ErrorType: 'ReplayInputError', ErrorMessage: `${source} has no ExecutionStarted event, so the execution's input is unknown. Export the whole history.` },
      warnings,
    };
  }
  // A replay-local ARN: the recorded one may be of another region or account, and is only shown.
  const executionArn = `arn:aws:lambda:us-east-1:000000000000:function:replay:$LATEST/durable-execution/replay-${counter}/${counter}`;
  const session = new ReplaySession(executionArn, operations);
  backend.add(session);
  try {
    const event = {
      DurableExecutionArn: executionArn,
      CheckpointToken: session.checkpointToken,
      InitialExecutionState: session.firstPage(),
      [REPLAY_ONLY_EVENT_KEY]: true,
    };
    const outcome = await host.invoke({ executionArn, functionName: 'replay', executedVersion: '$LATEST' }, event as never, {
      requestId: `replay-${counter}`,
      virtualNow: Date.now(),
    });
    const appended = session.appended.map((op) => ({ ...view(op), ...(op.ParentId !== undefined ? { parent: describeParent(session, op.ParentId) } : {}) }));
    if (outcome.kind === 'error') {
      return { ...base, verdict: 'failed', appended, outcome: 'ERROR', error: outcome.error, warnings };
    }
    const output = (outcome.output ?? {}) as { Status?: string; Error?: ErrorObject };
    if (output.Status === 'FAILED' && output.Error?.ErrorType === 'NonDeterministicError') {
      return { ...base, verdict: 'divergent', divergence: divergenceFrom(output.Error, session, bundle), appended, outcome: 'FAILED', error: output.Error, warnings };
    }
    const mismatch = session.mismatches[0];
    if (mismatch) {
      return {
        ...base,
        verdict: 'divergent',
        divergence: {
          errorType: 'NonDeterministicError',
          operationId: mismatch.recorded.Id,
          where: `operation ${mismatch.recorded.Id}`,
          field: firstDifference(mismatch.recorded, mismatch.requested),
          recorded: view(mismatch.recorded),
          requested: view(mismatch.requested),
          message: `The new code checkpointed operation ${mismatch.recorded.Id} as ${describe(view(mismatch.requested))} under ${mismatch.requested.ParentId ?? 'the root'}, but the recording has ${describe(view(mismatch.recorded))} under ${mismatch.recorded.ParentId ?? 'the root'}.`,
        },
        appended,
        outcome: statusOf(output.Status),
        warnings,
      };
    }
    if (output.Status === 'FAILED' && saved.execution.Status !== 'FAILED') {
      return { ...base, verdict: 'failed', appended, outcome: 'FAILED', error: output.Error, warnings };
    }
    if (output.Status !== 'SUCCEEDED' && output.Status !== 'FAILED' && output.Status !== 'PENDING') {
      return {
        ...base,
        verdict: 'failed',
        appended,
        outcome: 'ERROR',
        error: { ErrorType: 'InvalidHandlerOutput', ErrorMessage: `The handler returned ${JSON.stringify(outcome.output)}, not a durable invocation output.` },
        warnings,
      };
    }
    const ended = { outcome: statusOf(output.Status), ...(output.Status === 'FAILED' ? { error: output.Error } : {}) };
    const trace = readReplayTrace(outcome.output);
    if (!trace) {
      warnings.push('the bundled runtime does not report which recorded operations it reached, so recorded operations the new code never reaches are not checked; bundle the workflow with this version of cdk-durable-function.');
    } else {
      const retargeted = firstRetargetedInvoke(operations, saved.events, trace);
      if (retargeted) return { ...base, verdict: 'divergent', divergence: retargetedDivergence(retargeted), appended, ...ended, warnings };
      const unreached = firstUnreached(operations, trace, new Set(inferredReplayChildren));
      if (unreached) return { ...base, verdict: 'divergent', divergence: unreachedDivergence(unreached, pendingReached(operations, trace.visited), output, appended), appended, ...ended, warnings };
    }
    return { ...base, verdict: 'compatible', appended, ...ended, warnings };
  } finally {
    backend.remove(session);
  }
}

function divergenceFrom(error: ErrorObject, session: ReplaySession, bundle: ReplayBundle): ReplayDivergence {
  let details: {
    operationId?: string;
    field?: string;
    recorded?: string;
    requested?: string;
    where?: string;
    position?: number;
    recordedOperation?: { Type?: string; Name?: string; SubType?: string };
    requestedOperation?: { Type?: string; Name?: string; SubType?: string };
    stack?: string[];
  } = {};
  try {
    details = JSON.parse(error.ErrorData ?? '{}') as typeof details;
  } catch {
    // An older runtime: only the message is known.
  }
  const operationId = details.operationId ?? '';
  const recordedOp = session.recordedOperation(operationId);
  const recorded: ReplayedOperation =
    details.field === 'BranchName'
      ? { type: 'CONTEXT', name: details.recorded }
      : view(details.recordedOperation ?? recordedOp ?? {});
  const requested: ReplayedOperation =
    details.field === 'BranchName' ? { type: 'CONTEXT', ...(details.requested !== undefined ? { name: details.requested } : {}) } : view(details.requestedOperation ?? {});
  const location = userSourceLocation(details.stack, bundle.bundlePath, { runtimeDir: bundle.runtimeDir, sourcesDir: bundle.sourcesDir });
  return {
    errorType: 'NonDeterministicError',
    operationId,
    ...(details.position !== undefined ? { position: details.position } : {}),
    where: details.where ?? 'unknown',
    field: details.field ?? 'unknown',
    recorded,
    requested,
    ...(location !== undefined ? { location } : {}),
    message: error.ErrorMessage ?? '',
  };
}

/** A recorded operation the new code never reached, as a divergence that says what the code did instead. */
function unreachedDivergence(
  unreached: UnreachedOperation,
  pending: Operation | undefined,
  output: { Status?: string; Error?: ErrorObject },
  appended: ReadonlyArray<ReplayedOperation>,
): ReplayDivergence {
  const { operation, position, parent, count } = unreached;
  const recorded = view(operation);
  const where = placeInWords(position, parent);
  const firstNew = appended[0];
  let instead: string;
  if (output.Status === 'SUCCEEDED') instead = 'it completed (SUCCEEDED)';
  else if (output.Status === 'FAILED') instead = `it failed (${output.Error?.ErrorType ?? 'Error'}: ${output.Error?.ErrorMessage ?? 'no message'})`;
  else if (firstNew) instead = `it suspended at ${describe(firstNew)}, an operation the recording does not have`;
  else instead = pending ? `it suspended at ${describe(view(pending))}, still pending in the recording` : 'it suspended';
  const more = count > 1 ? ` (${count} recorded operations in all were not reached)` : '';
  return {
    errorType: 'NonDeterministicError',
    operationId: operation.Id as string,
    position,
    where,
    field: 'NeverReached',
    recorded,
    requested: firstNew ? view({ Type: firstNew.type, Name: firstNew.name, SubType: firstNew.subType }) : {},
    instead,
    unreachedCount: count,
    message:
      `Non-deterministic execution: ${where} (id ${String(operation.Id)}), ${describe(recorded)}, is in the execution history ` +
      `but the new code never reaches it: ${instead}${more}. The code no longer asks for an operation the execution recorded: ` +
      'it was removed, or the ids of the operations changed (a context renamed or nested differently, operations moved into or out ' +
      'of a child context). Keep the recorded operations, in the same contexts, for running executions (deploy changes as a new version).',
  };
}

/** `operation #<position> of <its context>`, as the runtime words the place of a divergence. */
function placeInWords(position: number, parent: Operation | undefined): string {
  return `operation #${position} of ${parent ? describe(view(parent)) : 'the root context'}`;
}

/** A recorded chained invoke whose target the new code changed, as a divergence. */
function retargetedDivergence(changed: RetargetedInvoke): ReplayDivergence {
  const { operation, position, parent, recordedTarget, requestedTarget } = changed;
  const where = placeInWords(position, parent);
  return {
    errorType: 'NonDeterministicError',
    operationId: operation.Id as string,
    position,
    where,
    field: 'FunctionName',
    recorded: { ...view(operation), target: recordedTarget },
    requested: { ...view(operation), target: requestedTarget },
    message:
      `Non-deterministic execution: ${where} (id ${String(operation.Id)}), ${describe(view(operation))}, invoked ${JSON.stringify(recordedTarget)} ` +
      `in the execution history but the new code invokes ${JSON.stringify(requestedTarget)}. A replay returns the recorded outcome, so executions ` +
      'in flight would go on with the old function\'s result (or wait for it). Keep the target for running executions, or invoke the new ' +
      'function under a new name (deploy the change as a new version).',
  };
}

/** The first recorded operation the new code reached that the recording leaves unfinished (a wait, a callback, a step retrying). */
function pendingReached(operations: readonly Operation[], visited: readonly string[]): Operation | undefined {
  const reached = new Set(visited);
  return operations.find(
    (op) => op.Type !== 'EXECUTION' && op.Type !== 'CONTEXT' && reached.has(op.Id as string) && (op.Status === 'STARTED' || op.Status === 'PENDING' || op.Status === 'READY'),
  );
}

function view(op: { Type?: string; Name?: string; SubType?: string }): ReplayedOperation {
  return {
    ...(op.Type !== undefined ? { type: op.Type } : {}),
    ...(op.Name !== undefined ? { name: op.Name } : {}),
    ...(op.SubType !== undefined ? { subType: op.SubType } : {}),
  };
}

function describeParent(session: ReplaySession, parentId: string): string {
  const parent = session.recordedOperation(parentId);
  return parent ? describe(view(parent)) : `operation ${parentId}`;
}

function firstDifference(a: OperationIdentityView, b: OperationIdentityView): string {
  for (const field of ['Type', 'Name', 'SubType', 'ParentId'] as const) if (a[field] !== b[field]) return field;
  return 'none';
}

function statusOf(status: string | undefined): 'SUCCEEDED' | 'FAILED' | 'PENDING' {
  return status === 'SUCCEEDED' || status === 'FAILED' ? status : 'PENDING';
}

/**
 * An operation in words: `STEP "charge" (Step)`, `WAIT (unnamed)`.
 *
 * @example
 * describe({ type: 'STEP', name: 'charge', subType: 'Step' }); // 'STEP "charge" (Step)'
 */
export function describe(op: ReplayedOperation): string {
  if (op.type === undefined && op.name === undefined) return '(nothing)';
  const name = op.name === undefined ? '(unnamed)' : JSON.stringify(op.name);
  return `${op.type ?? '?'} ${name}${op.subType !== undefined && op.subType !== op.type ? ` (${op.subType})` : ''}`;
}
