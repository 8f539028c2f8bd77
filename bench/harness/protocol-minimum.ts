/**
 * The fewest CheckpointDurableExecution calls the protocol allows for each workload, derived from
 * its input. The bench prints it next to the measured calls of both runtimes.
 *
 * The rules the bound rests on (protocol.md §3.1, §4.1, §5.2):
 * - R1 one call in flight: calls are sequential, and code waiting for an acknowledgement can only
 *   put its next updates into a later call;
 * - R2 at most 250 updates (and 750 KB) per call;
 * - R3 order: a context's START travels in the same call as its first child's update or earlier
 *   (a child's ParentId must name an existing or earlier-started CONTEXT);
 * - R4 a step's result is acknowledged before the code after the step runs (replay must find it);
 *   a wait's START is acknowledged before the invocation suspends on it;
 * - R5 every step attempt sends its START: the service writes `StepStarted` only for a START
 *   update (an operation closed by its first update gets only its closing event), and the
 *   histories recorded from the real service show `StepStarted` before every step's end. START and
 *   the close of an at-least-once step may share a call (§4.1 item 4);
 * - a result that fits the handler output (6 MiB) is returned there, not checkpointed.
 *
 * @example
 * protocolMinimum(WORKLOADS[0]).calls; // 200 for 200 sequential steps
 */
import type { MapInput, ParallelInput, ReplayInput, StepsInput, WaitsInput, WideMapInput } from '../workloads/inputs';
import type { Workload } from '../workloads/catalog';

/** Updates per call (R2). */
export const UPDATES_PER_CALL = 250;

/** The bound for one workload and the reasoning behind it. */
export interface ProtocolMinimum {
  readonly calls: number;
  /** One line: how the bound follows from the rules. */
  readonly derivation: string;
}

/**
 * The fewest checkpoint calls for `workload`.
 *
 * @example
 * protocolMinimum(WORKLOADS.find((w) => w.id === 'map-1000')!); // { calls: 17, derivation: '…' }
 */
export function protocolMinimum(workload: Workload): ProtocolMinimum {
  switch (workload.entry) {
    case 'steps': {
      const { steps } = workload.input as StepsInput;
      return { calls: steps, derivation: `${steps} steps: each call can carry one step's START+SUCCEED, the next step runs only after its ack (R4)` };
    }
    case 'waits': {
      const { waits } = workload.input as WaitsInput;
      return { calls: waits, derivation: `${waits} waits: each invocation sends one wait START and suspends after its ack (R4)` };
    }
    case 'replay': {
      const { steps, waits } = workload.input as ReplayInput;
      return { calls: steps + waits, derivation: `${steps} steps one call each (R4) + ${waits} waits one call each` };
    }
    case 'parallel': {
      const { branches, maxConcurrency } = workload.input as ParallelInput;
      return oneStepBatch(branches, maxConcurrency);
    }
    case 'map': {
      const { items } = workload.input as MapInput;
      return oneStepBatch(items, undefined);
    }
    case 'wide-map': {
      const { items, waits } = workload.input as WideMapInput;
      // Nothing inside an item waits for an ack: the item contexts' STARTs and closes may all
      // share calls, so only the update limit binds. A context's close needs no ack, so the first
      // wait's START may ride in the map's last call; every later wait is the only update of its
      // invocation (R4).
      const updates = 2 + 2 * items + (waits > 0 ? 1 : 0);
      const firstCalls = Math.ceil(updates / UPDATES_PER_CALL);
      const later = Math.max(0, waits - 1);
      return {
        calls: firstCalls + later,
        derivation: `⌈${updates} updates (map, items, first wait) / ${UPDATES_PER_CALL}⌉ = ${firstCalls} (R2), + ${later} later waits`,
      };
    }
    default:
      throw new Error(`No protocol minimum is derived for workload entry '${workload.entry}'; add it to bench/harness/protocol-minimum.ts.`);
  }
}

/**
 * A batch (parallel or map) of `n` children of one step each. Updates: the batch's START and
 * SUCCEED, and per child its START, the step's START and SUCCEED, and its close: U = 4n + 2.
 * Before any close, the child's step SUCCEED must have been acknowledged (R4), so in k calls all
 * P = 3n + 1 "opening" updates of the children closed in the last call fit in the first k − 1
 * calls: k ≥ 1 + ⌈P / 250⌉; and k ≥ ⌈U / 250⌉ (R2). With a concurrency limit c, one call can
 * acknowledge at most c step results (at most c children are open when it is sent), so
 * k ≥ ⌈n / c⌉ + 1. The bound is the largest of these; filling every call in order reaches it.
 */
function oneStepBatch(n: number, maxConcurrency: number | undefined): ProtocolMinimum {
  const updates = 4 * n + 2;
  const opening = 3 * n + 1;
  const byLimit = Math.ceil(updates / UPDATES_PER_CALL);
  const byAck = 1 + Math.ceil(opening / UPDATES_PER_CALL);
  const byConcurrency = maxConcurrency === undefined ? 0 : Math.ceil(n / maxConcurrency) + 1;
  const calls = Math.max(byLimit, byAck, byConcurrency);
  const parts = [`⌈${updates} updates / ${UPDATES_PER_CALL}⌉ = ${byLimit} (R2)`, `1 + ⌈${opening} opening updates / ${UPDATES_PER_CALL}⌉ = ${byAck} (R4, R5)`];
  if (maxConcurrency !== undefined) parts.push(`⌈${n} / ${maxConcurrency}⌉ rounds + 1 = ${byConcurrency} (R4)`);
  return { calls, derivation: `max of ${parts.join(', ')}` };
}
