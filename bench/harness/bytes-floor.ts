/**
 * The fewest request-body bytes the protocol allows for the sequential workloads (`steps`,
 * `waits`, `replay`), derived from their input and the local service's token length. The bench
 * prints it next to the measured bytes of both runtimes.
 *
 * The floor is the sum, over the protocol's minimum of calls (protocol-minimum.ts), of the
 * smallest body each call can have:
 * - B1 every call carries `{"CheckpointToken":"…","Updates":[…]}` with the token the service issued
 *   for it. Its length is the service's (local/core/tokens.ts: base64 of
 *   `ct1:<execution id>:<invocation>:<call>:<nonce>`, so it grows with the digits of the invocation
 *   and call numbers) and the same for both runtimes;
 * - B2 every update carries its required `Id`, `Type` and `Action` (protocol.md §2.5), and the
 *   Ids are the shortest distinct strings of the Id alphabet (`[A-Za-z0-9_-]`, 64 characters):
 *   64 of one character, then two characters, … in the order the operations are created;
 * - B3 an operation's first update carries its `Name` and `SubType` as both runtimes record them
 *   in the history (`s<i>` / `Step`, `w<i>` or `pause<i>` / `Wait`): without them the service's
 *   operations and history events would lose them;
 * - B4 a step's `SUCCEED` carries its result as `Payload` (replay must find it), a wait's `START`
 *   its `WaitOptions`; a result that fits the handler output is returned there, not checkpointed;
 * - B5 `ClientToken` is optional (§3.1): the floor has none. Without it an SDK retry after a
 *   lost response ends the invocation, and the service's next invocation replays the call's
 *   updates (runtime/invocation/client-token.ts); nothing is lost or applied twice.
 * JSON has no whitespace, and key order does not change the size.
 *
 * @example
 * bytesFloor(WORKLOADS.find((w) => w.id === 'waits-20')!)?.bytes; // 4,974
 */
import { randomUUID } from 'node:crypto';
import { newCheckpointToken } from '../../local/core/tokens';
import type { Workload } from '../workloads/catalog';
import { valueOf, type ReplayInput, type StepsInput, type WaitsInput } from '../workloads/inputs';

/** The floor for one workload and the reasoning behind it. */
export interface BytesFloor {
  /** Fewest request-body bytes (B1–B5). */
  readonly bytes: number;
  /** Checkpoint calls the floor counts (the protocol minimum). */
  readonly calls: number;
  /** One line: what the bytes are made of. */
  readonly derivation: string;
}

const ID_ALPHABET = 64;

/** Length of the n-th (1-based) shortest distinct Id (B2). */
export function shortestIdLength(n: number): number {
  let length = 1;
  let count = ID_ALPHABET;
  let rest = n;
  while (rest > count) {
    rest -= count;
    length += 1;
    count = ID_ALPHABET ** length;
  }
  return length;
}

/** Bytes of `{"CheckpointToken":"<token>","Updates":[]}` for the call-th call of an invocation (B1). */
export function envelopeBytes(invocation: number, call: number): number {
  const token = newCheckpointToken(randomUUID(), invocation, call, randomUUID());
  return JSON.stringify({ CheckpointToken: token, Updates: [] }).length;
}

const json = (value: unknown): number => JSON.stringify(value).length;

/** Step i's START and SUCCEED (B2–B4), with the comma between them. */
function stepUpdatesBytes(i: number, n: number): number {
  const Id = 'x'.repeat(shortestIdLength(n));
  return (
    json({ Id, Type: 'STEP', Action: 'START', Name: `s${i}`, SubType: 'Step' }) +
    1 +
    json({ Id, Type: 'STEP', Action: 'SUCCEED', Payload: JSON.stringify(valueOf(i)) })
  );
}

/** A wait's START (B2–B4). */
function waitUpdateBytes(name: string, n: number, seconds: number): number {
  return json({ Id: 'x'.repeat(shortestIdLength(n)), Type: 'WAIT', Action: 'START', Name: name, SubType: 'Wait', WaitOptions: { WaitSeconds: seconds } });
}

function floor(bytes: number, calls: number, derivation: string): BytesFloor {
  return { bytes, calls, derivation };
}

/**
 * The bytes floor of `workload`, or undefined for a workload it is not derived for (the batch
 * workloads: their bytes depend on how updates share calls, and both runtimes' ratio there is
 * already well below the sequential ones').
 *
 * @example
 * bytesFloor(WORKLOADS.find((w) => w.id === 'steps-200')!); // { bytes: 55,900, calls: 200, … }
 */
export function bytesFloor(workload: Workload): BytesFloor | undefined {
  switch (workload.entry) {
    case 'steps': {
      // One invocation, one call per step (R4): call i+1 carries step i's START and SUCCEED.
      const { steps } = workload.input as StepsInput;
      let bytes = 0;
      for (let i = 0; i < steps; i++) bytes += envelopeBytes(1, i + 1) + stepUpdatesBytes(i, i + 1);
      return floor(bytes, steps, `${steps} calls of token + one step's START{Name,SubType} and SUCCEED{Payload}`);
    }
    case 'waits': {
      // Invocation i+1 sends wait i's START as its first and only call; the last one returns the result.
      const { waits, waitSeconds } = workload.input as WaitsInput;
      let bytes = 0;
      for (let i = 0; i < waits; i++) bytes += envelopeBytes(i + 1, 1) + waitUpdateBytes(`w${i}`, i + 1, waitSeconds);
      return floor(bytes, waits, `${waits} calls of token + one wait START{Name,SubType,WaitOptions}`);
    }
    case 'replay': {
      // Invocation 1: one call per step, then the first wait's START; invocations 2…: one wait each.
      const { steps, waits, waitSeconds } = workload.input as ReplayInput;
      let bytes = 0;
      for (let i = 0; i < steps; i++) bytes += envelopeBytes(1, i + 1) + stepUpdatesBytes(i, i + 1);
      for (let k = 0; k < waits; k++) {
        bytes += (k === 0 ? envelopeBytes(1, steps + 1) : envelopeBytes(k + 1, 1)) + waitUpdateBytes(`pause${k}`, steps + k + 1, waitSeconds);
      }
      return floor(bytes, steps + waits, `${steps} step calls + ${waits} wait calls, as for steps and waits`);
    }
    default:
      return undefined;
  }
}
