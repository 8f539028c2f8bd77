/**
 * The decision logic of the version cleanup: which published versions of a durable function may
 * be deleted. It runs inside the cleanup Lambda function and is kept free of anything but
 * `@aws-sdk/client-lambda`, so the same code is tested against the local durable-execution service.
 */
import { ListDurableExecutionsByFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';

/** Execution statuses after which nothing runs on the version any more. */
const FINISHED: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'STOPPED']);

/** What the cleanup knows about the function before looking at executions. */
export interface VersionInventory {
  /** Published version numbers (`$LATEST` is ignored if present). */
  readonly versions: readonly string[];
  /** Every version an alias points at, routing config included: never deleted. */
  readonly aliasVersions: readonly string[];
  /** How many versions older than the newest alias version are kept anyway. */
  readonly keep: number;
}

/** Why a version stays. */
export type KeptReason = 'alias' | 'newer than the alias' | 'kept' | 'executions in flight';

/** The outcome for every version. */
export interface VersionCleanupPlan {
  /** Versions to delete, oldest first. */
  readonly remove: readonly string[];
  /** Versions that stay, with the reason. */
  readonly keep: ReadonlyArray<{ readonly version: string; readonly reason: KeptReason }>;
}

function isVersionNumber(version: string): boolean {
  return /^[0-9]+$/.test(version);
}

/**
 * The versions that may be deleted if no execution is in flight on them: older than the newest
 * version an alias points at, not pointed at by any alias, and not among the `keep` newest of those.
 *
 * @example
 * deletionCandidates({ versions: ['1', '2', '3', '4'], aliasVersions: ['4'], keep: 1 }); // ['1', '2']
 */
export function deletionCandidates(inventory: VersionInventory): string[] {
  const aliasNumbers = inventory.aliasVersions.filter(isVersionNumber).map(Number);
  if (aliasNumbers.length === 0) {
    return []; // no alias on a version: nothing tells which versions are old
  }
  const newestAlias = Math.max(...aliasNumbers);
  const older = inventory.versions
    .filter((v) => isVersionNumber(v) && Number(v) < newestAlias && !inventory.aliasVersions.includes(v))
    .sort((a, b) => Number(b) - Number(a));
  return older.slice(Math.max(0, inventory.keep)).sort((a, b) => Number(a) - Number(b));
}

/**
 * The full plan: {@link deletionCandidates} minus the versions that still have an execution in
 * flight (`inFlight`, from {@link findVersionsInFlight}).
 */
export function planVersionCleanup(inventory: VersionInventory, inFlight: ReadonlySet<string>): VersionCleanupPlan {
  const candidates = new Set(deletionCandidates(inventory));
  const aliasNumbers = inventory.aliasVersions.filter(isVersionNumber).map(Number);
  const newestAlias = aliasNumbers.length > 0 ? Math.max(...aliasNumbers) : Number.POSITIVE_INFINITY;
  const remove: string[] = [];
  const keep: Array<{ version: string; reason: KeptReason }> = [];
  for (const version of inventory.versions.filter(isVersionNumber).sort((a, b) => Number(a) - Number(b))) {
    if (inventory.aliasVersions.includes(version)) {
      keep.push({ version, reason: 'alias' });
    } else if (Number(version) > newestAlias) {
      keep.push({ version, reason: 'newer than the alias' });
    } else if (!candidates.has(version)) {
      keep.push({ version, reason: 'kept' });
    } else if (inFlight.has(version)) {
      keep.push({ version, reason: 'executions in flight' });
    } else {
      remove.push(version);
    }
  }
  return { remove, keep };
}

/**
 * Which of `versions` have an execution that has not finished (RUNNING, or any status that is not
 * SUCCEEDED, FAILED, TIMED_OUT or STOPPED, such as PAUSED), asking
 * `ListDurableExecutionsByFunction` with each version as the `Qualifier`.
 *
 * @example
 * const inFlight = await findVersionsInFlight(client, 'orders', ['1', '2']);
 */
export async function findVersionsInFlight(client: LambdaClient, functionName: string, versions: readonly string[]): Promise<Set<string>> {
  const inFlight = new Set<string>();
  for (const version of versions) {
    let marker: string | undefined;
    do {
      const page = await client.send(new ListDurableExecutionsByFunctionCommand({
        FunctionName: functionName,
        Qualifier: version,
        MaxItems: 1000,
        Marker: marker,
      }));
      if ((page.DurableExecutions ?? []).some((execution) => !FINISHED.has(String(execution.Status)))) {
        inFlight.add(version);
        break;
      }
      marker = page.NextMarker;
    } while (marker !== undefined);
  }
  return inFlight;
}
