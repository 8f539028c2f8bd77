import type { ErrorObject } from '@aws-sdk/client-lambda';
import { SerdesError } from '../errors';
import type { BatchItemStatus } from './batch-result';
import type { CompletionReason } from './completion-policy';

/**
 * How a batch parent records its outcome (parallel.md rule 7).
 *
 * The *inline* summary carries every dispatched branch's outcome, so a completed batch replays
 * without its children (which the service stops returning once the parent is complete):
 * `{CompletionReason, Branches:[{Index, Name, Status, Result?, Error?}]}`.
 *
 * When that is too large, the *compact* summary keeps counts and one status letter per declared
 * branch (`S` succeeded, `F` failed, `R` running when decided, `-` never started), and the parent
 * is closed with ReplayChildren so the branch checkpoints stay available to rebuild the results.
 */

/** The recorded outcome of one dispatched branch. `Result` is the item serdes' output. */
export interface BranchRecord {
  readonly Index: number;
  readonly Name: string;
  readonly Status: BatchItemStatus;
  readonly Result?: string;
  readonly Error?: ErrorObject;
}

export interface InlineSummary {
  readonly CompletionReason: CompletionReason;
  readonly Branches: readonly BranchRecord[];
}

export interface CompactSummary {
  readonly type: 'ParallelResult' | 'MapResult';
  readonly totalCount: number;
  readonly successCount: number;
  readonly failureCount: number;
  readonly startedCount: number;
  readonly completionReason: CompletionReason;
  readonly status: 'SUCCEEDED' | 'FAILED';
  /** One letter per declared branch: S, F, R or - (see above). */
  readonly statuses: string;
}

const LETTER: Record<BatchItemStatus, string> = { SUCCEEDED: 'S', FAILED: 'F', STARTED: 'R' };
const STATUS_OF: Record<string, BatchItemStatus | undefined> = { S: 'SUCCEEDED', F: 'FAILED', R: 'STARTED' };

export function encodeInline(reason: CompletionReason, branches: readonly BranchRecord[]): string {
  const summary: InlineSummary = {
    CompletionReason: reason,
    Branches: branches.map((branch) => ({
      Index: branch.Index,
      Name: branch.Name,
      Status: branch.Status,
      ...(branch.Result !== undefined ? { Result: branch.Result } : {}),
      ...(branch.Error !== undefined ? { Error: branch.Error } : {}),
    })),
  };
  return JSON.stringify(summary);
}

export function encodeCompact(
  type: CompactSummary['type'],
  reason: CompletionReason,
  declared: number,
  branches: readonly BranchRecord[],
): string {
  const letters = new Array<string>(declared).fill('-');
  for (const branch of branches) letters[branch.Index] = LETTER[branch.Status];
  const count = (status: BatchItemStatus) => branches.filter((branch) => branch.Status === status).length;
  const summary: CompactSummary = {
    type,
    totalCount: branches.length,
    successCount: count('SUCCEEDED'),
    failureCount: count('FAILED'),
    startedCount: count('STARTED'),
    completionReason: reason,
    status: count('FAILED') > 0 ? 'FAILED' : 'SUCCEEDED',
    statuses: letters.join(''),
  };
  return JSON.stringify(summary);
}

export function decodeInline(text: string | undefined, what: string): InlineSummary {
  const parsed = parse(text, what) as Partial<InlineSummary>;
  if (typeof parsed.CompletionReason !== 'string' || !Array.isArray(parsed.Branches)) {
    throw corrupt(what, 'expected {CompletionReason, Branches}');
  }
  for (const branch of parsed.Branches) {
    if (!branch || !Number.isInteger(branch.Index) || typeof branch.Name !== 'string' || !(branch.Status in LETTER)) {
      throw corrupt(what, 'a branch record lacks Index, Name or Status');
    }
  }
  return parsed as InlineSummary;
}

export function decodeCompact(text: string | undefined, what: string): { reason: CompletionReason; statuses: Map<number, BatchItemStatus> } {
  const parsed = parse(text, what) as Partial<CompactSummary>;
  if (typeof parsed.completionReason !== 'string' || typeof parsed.statuses !== 'string') {
    throw corrupt(what, 'expected a compact summary with completionReason and statuses');
  }
  const statuses = new Map<number, BatchItemStatus>();
  [...parsed.statuses].forEach((letter, index) => {
    const status = STATUS_OF[letter];
    if (status) statuses.set(index, status);
  });
  return { reason: parsed.completionReason, statuses };
}

function parse(text: string | undefined, what: string): Record<string, unknown> {
  if (text === undefined || text === '') throw corrupt(what, 'the summary is missing');
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw corrupt(what, error instanceof Error ? error.message : String(error));
  }
}

function corrupt(what: string, detail: string): SerdesError {
  return new SerdesError(
    `The recorded summary of ${what} cannot be read (${detail}). It was probably written with a custom serdes ` +
      'that this code no longer passes; pass the same serdes as when the execution started.',
  );
}
