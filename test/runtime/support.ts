/**
 * Helpers shared by the runtime tests: the id formula computed independently of the runtime,
 * and readers for what the in-process service recorded.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import {
  CheckpointDurableExecutionCommand,
  LambdaClient,
  type CheckpointDurableExecutionCommandOutput,
  type Event,
  type Operation,
  type OperationUpdate,
} from '@aws-sdk/client-lambda';
import type { RecordedCall, RunResult } from '../../local/testing';

/**
 * Bundles a workflow module given as TypeScript `source` (it imports the runtime by absolute path)
 * with esbuild, the AWS SDK included, into `index.js` of a new temporary directory, which is
 * returned: a deployable bundle for the local HTTP service. Remove the directory when done.
 */
export async function bundleWorkflowSource(source: string, label: string): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), `runtime-${label}-`));
  await build({
    stdin: { contents: source, resolveDir: __dirname, loader: 'ts', sourcefile: `${label}-workflow.ts` },
    outfile: path.join(outDir, 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
  });
  return outDir;
}

/** sha256 hex of a text. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The first 12 base64url characters of the SHA-256 of a text. */
export function idHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 12);
}

/** The wire id of a call path (runtime/ids.ts): the path while shorter than 12 characters, else its hash. */
export function idOfPath(path: string): string {
  return path.length < 12 ? path : idHash(path);
}

/** Id of the n-th operation at the root. */
export function rootId(n: number): string {
  return idOfPath(String(n));
}

/** Id of the n-th operation inside the context with id `parent`. */
export function childId(parent: string, n: number): string {
  return idOfPath(`${parent}-${n}`);
}

/** The successful CheckpointDurableExecution requests among `calls`. */
export function checkpointCalls(calls: readonly RecordedCall[]): RecordedCall[] {
  return calls.filter((call) => call.command === 'CheckpointDurableExecution');
}

/**
 * Each checkpoint request's updates, as `Type:Action:Name` strings (Name omitted when absent). The
 * runtime sends an operation's Name only on its first update; the summary shows it on every update
 * of that operation, as the service records it.
 */
export function updateSummary(calls: readonly RecordedCall[]): string[][] {
  const identify = identityFiller();
  return checkpointCalls(calls).map((call) =>
    updatesOf(call)
      .map(identify)
      .map((u) => [u.Type, u.Action, u.Name].filter((x) => x !== undefined).join(':')),
  );
}

/**
 * Returns the updates with `ParentId`, `Name` and `SubType` filled in from the first update of the
 * same operation among them: the runtime sends those only once per operation, and the service
 * copies them from the first update (protocol.md §4.2).
 */
export function withIdentities(updates: readonly OperationUpdate[]): OperationUpdate[] {
  return updates.map(identityFiller());
}

function identityFiller(): (update: OperationUpdate) => OperationUpdate {
  const first = new Map<string, OperationUpdate>();
  return (update) => {
    const id = update.Id as string;
    const earlier = first.get(id);
    if (earlier === undefined) {
      first.set(id, update);
      return update;
    }
    return {
      ...update,
      ...(earlier.ParentId !== undefined ? { ParentId: earlier.ParentId } : {}),
      ...(earlier.Name !== undefined ? { Name: earlier.Name } : {}),
      ...(earlier.SubType !== undefined ? { SubType: earlier.SubType } : {}),
    };
  };
}

/** The updates a recorded checkpoint request carried. */
export function updatesOf(call: RecordedCall): OperationUpdate[] {
  return (call.input.Updates as OperationUpdate[] | undefined) ?? [];
}

/** Event types of the history, without the execution and invocation bookkeeping when `opsOnly`. */
export function eventTypes(run: RunResult, opsOnly = false): string[] {
  return run.history
    .filter((e) => !opsOnly || (e.EventType !== 'InvocationCompleted' && !String(e.EventType).startsWith('Execution')))
    .map((e) => String(e.EventType));
}

/** The events of one operation. */
export function eventsOf(run: RunResult, id: string): Event[] {
  return run.history.filter((e) => e.Id === id);
}

/** The operation with this id (throws when absent). */
export function operation(run: RunResult, id: string): Operation {
  const found = run.operations.find((op) => op.Id === id);
  if (!found) throw new Error(`no operation ${id}; have ${run.operations.map((op) => `${op.Type}:${op.Name ?? ''}:${op.Id}`).join(', ')}`);
  return found;
}

/** Outcome kinds of every invocation, e.g. ['returned:PENDING', 'returned:SUCCEEDED', 'error']. */
export function invocationOutcomes(run: RunResult): string[] {
  return run.invocations.map((inv) =>
    inv.outcome.kind === 'returned' ? `returned:${String((inv.outcome.output as { Status?: string } | null)?.Status)}` : 'error',
  );
}

/** A promise plus its resolver, to coordinate with code inside a workflow. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Resolves after `ms` real milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A `LambdaClient` that sends every command to `inner` (the real service) unchanged and hands each
 * CheckpointDurableExecution response to `reshape` before the runtime sees it. It stands for
 * responses the real service may send but the emulator never does (e.g. a paginated
 * NewExecutionState), or for a response that takes longer to arrive; the service itself still
 * applies every request.
 */
export function reshapeCheckpointResponses(
  inner: LambdaClient,
  reshape: (
    output: CheckpointDurableExecutionCommandOutput,
    index: number,
    request: CheckpointDurableExecutionCommand['input'],
  ) => CheckpointDurableExecutionCommandOutput | Promise<CheckpointDurableExecutionCommandOutput>,
): LambdaClient {
  const client = new LambdaClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  let index = 0;
  const send = async (command: unknown): Promise<unknown> => {
    const output = await (inner.send as (c: unknown) => Promise<unknown>)(command);
    if (command instanceof CheckpointDurableExecutionCommand) return reshape(output as CheckpointDurableExecutionCommandOutput, index++, command.input);
    return output;
  };
  Object.defineProperty(client, 'send', { value: send, writable: true, configurable: true });
  return client;
}
