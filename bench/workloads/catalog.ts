/**
 * The benchmark workloads: what each runs, with which input, how often, and the result both
 * runtimes must produce. Each workload has one entry file per runtime, `ours/<entry>.ts` and
 * `official/<entry>.ts`, written idiomatically for that runtime.
 */
import { MapInput, ParallelInput, ReplayInput, StepsInput, WaitsInput, WideMapInput, valueOf } from './inputs';

/** The two runtimes compared. */
export type RuntimeName = 'ours' | 'official';

/** Both runtimes, in the order the table shows them. */
export const RUNTIMES: readonly RuntimeName[] = ['ours', 'official'];

/** One benchmark workload. */
export interface Workload {
  /** Short id, used in file names and `--only`. */
  readonly id: string;
  /** What the table calls it. */
  readonly title: string;
  /** Entry file name (without `.ts`) in `ours/` and `official/`. */
  readonly entry: string;
  /** The execution input. */
  readonly input: unknown;
  /** How many executions per runtime (the wall time is their median). */
  readonly repetitions: number;
  /** The result every execution must return, on both runtimes. */
  readonly expected: unknown;
  /**
   * When set, invocations after the first are replays of a full history; their handler time
   * (start to PENDING/SUCCEEDED) is reported as the replay time.
   */
  readonly measuresReplay?: boolean;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => valueOf(i));
const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

const steps: StepsInput = { steps: 200 };
const parallel100: ParallelInput = { branches: 100 };
const parallel1000: ParallelInput = { branches: 1000, maxConcurrency: 50 };
const map1000: MapInput = { items: 1000 };
// 1 EXECUTION + 2,990 steps + 5 waits = 2,996 operations, just under the 3,000 limit.
const replay: ReplayInput = { steps: 2990, waits: 5, waitSeconds: 60 };
const waits: WaitsInput = { waits: 20, waitSeconds: 60 };
// 1 EXECUTION + 1 Map + 2,900 MapIteration contexts + 3 waits = 2,905 operations, near the 3,000 limit.
const wideMap: WideMapInput = { items: 2900, waits: 3, waitSeconds: 60 };

/**
 * Every workload, in table order.
 *
 * @example
 * const w = WORKLOADS.find((x) => x.id === 'steps-200');
 */
export const WORKLOADS: readonly Workload[] = [
  { id: 'steps-200', title: '200 sequential steps', entry: 'steps', input: steps, repetitions: 7, expected: range(steps.steps) },
  { id: 'parallel-100', title: 'parallel, 100 branches × 1 step', entry: 'parallel', input: parallel100, repetitions: 7, expected: range(100) },
  {
    id: 'parallel-1000',
    title: 'parallel, 1,000 branches × 1 step, maxConcurrency 50',
    entry: 'parallel',
    input: parallel1000,
    repetitions: 5,
    expected: range(1000),
  },
  { id: 'map-1000', title: 'map, 1,000 items × 1 step', entry: 'map', input: map1000, repetitions: 5, expected: range(1000) },
  {
    id: 'replay-3000',
    title: 'replay of 2,990 steps (5 waits after them)',
    entry: 'replay',
    input: replay,
    // Each execution yields 5 replaying invocations; building the history is the slow part.
    repetitions: 3,
    expected: sum(range(replay.steps)),
    measuresReplay: true,
  },
  {
    id: 'map-2900',
    title: 'map, 2,900 items (one context each, no step), then 3 waits',
    entry: 'wide-map',
    input: wideMap,
    // Each execution yields 3 invocations that replay the finished map.
    repetitions: 3,
    expected: range(wideMap.items),
    measuresReplay: true,
  },
  { id: 'waits-20', title: '20 waits, run to completion', entry: 'waits', input: waits, repetitions: 5, expected: waits.waits },
];
