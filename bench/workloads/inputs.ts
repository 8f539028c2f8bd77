/**
 * The inputs of the benchmark workloads, shared by both runtimes' variants so they run the very
 * same workflow. Each workload returns a value derived from every operation, which the harness
 * compares between the runtimes.
 */

/** `steps` sequential trivial steps; result: the list of step values. */
export interface StepsInput {
  readonly steps: number;
}

/** A parallel of `branches` branches of one step each; result: every branch's value, in order. */
export interface ParallelInput {
  readonly branches: number;
  /** Omitted: unlimited. */
  readonly maxConcurrency?: number;
}

/** A map over `items` items of one step each; result: every item's value, in order. */
export interface MapInput {
  readonly items: number;
}

/**
 * A map over `items` items whose function returns a value without any durable operation inside
 * (so each item is one MapIteration context), then `waits` waits; every invocation after a wait
 * replays the map from its recorded summary. Result: every item's value, in order.
 */
export interface WideMapInput {
  readonly items: number;
  readonly waits: number;
  readonly waitSeconds: number;
}

/**
 * `steps` sequential steps, then `waits` waits, then the sum of the step values. Every invocation
 * after a wait replays all the steps from the stored history.
 */
export interface ReplayInput {
  readonly steps: number;
  readonly waits: number;
  readonly waitSeconds: number;
}

/** `waits` sequential waits; result: how many waits ran. */
export interface WaitsInput {
  readonly waits: number;
  readonly waitSeconds: number;
}

/** The value of step / branch / item `i`: cheap, deterministic and different per index. */
export function valueOf(i: number): number {
  return (i * 7919) % 1000;
}
