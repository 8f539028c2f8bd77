/**
 * The workflow tests of the test-loop workload: the same five tests, written once per way of
 * running them (this package's in-process service, the official testing package's local runner,
 * this package's HTTP service with the deployed bundle). Each test runs its workflow to the end
 * and checks the result; the callback test answers the callback itself, as a user's test would.
 */

/** One workflow test. */
export interface TestCase {
  /** Also the name of the workflow's handler export. */
  readonly id: 'retries' | 'wait' | 'callback' | 'parallel' | 'map100';
  readonly title: string;
  readonly input: unknown;
  readonly expected: unknown;
  /** The answer the test sends to the callback named `approval`, when the workflow waits for one. */
  readonly callbackAnswer?: string;
}

const valueOf = (i: number): number => (i * 7919) % 1000;

// Captured when the drivers load, before any testing package installs fake timers: the official
// runner's skipTime fakes the clocks the tests would otherwise read.
const realNow: () => number = performance.now.bind(performance);

/**
 * Real milliseconds since the process started, unaffected by fake timers.
 *
 * @example
 * const started = elapsedMs();
 */
export function elapsedMs(): number {
  return realNow();
}

/**
 * Every test, in the order each run executes them.
 *
 * @example
 * for (const test of TEST_CASES) console.log(test.id, test.title);
 */
export const TEST_CASES: readonly TestCase[] = [
  { id: 'retries', title: 'a step that fails twice, then succeeds on its third attempt', input: { failures: 2 }, expected: 3 },
  { id: 'wait', title: 'step, 30-second wait, step', input: { name: 'loop' }, expected: 'hello loop, bye loop' },
  { id: 'callback', title: 'waitForCallback answered by the test', input: { order: 7 }, expected: 'approved order 7', callbackAnswer: 'approved' },
  { id: 'parallel', title: 'parallel of 3 branches, one step each', input: { branches: 3 }, expected: [0, 919, 838] },
  { id: 'map100', title: 'map over 100 items, one step each', input: { items: 100 }, expected: Array.from({ length: 100 }, (_, i) => valueOf(i)) },
];

/** The value of item `i`, shared by both runtimes' workflows. */
export { valueOf };

/** What one driver process reports on stdout (one JSON line). */
export interface TestLoopReport {
  /** Time from the process's start to the end of the last test's teardown, ms. */
  readonly totalMs: number;
  /** Time from the process's start until the tests could start (packages loaded, service up), ms. */
  readonly setupMs: number;
  /** Each test's time, from starting its execution to its checked result, ms. */
  readonly tests: ReadonlyArray<{ readonly id: string; readonly ms: number }>;
}

/** Throws when a test's outcome differs from the expected one, naming the test. */
export function checkOutcome(test: TestCase, status: string | undefined, result: unknown): void {
  if (status !== 'SUCCEEDED' || JSON.stringify(result) !== JSON.stringify(test.expected)) {
    throw new Error(`test-loop '${test.id}': expected SUCCEEDED with ${JSON.stringify(test.expected).slice(0, 120)}, got ${status} with ${JSON.stringify(result).slice(0, 120)}`);
  }
}
