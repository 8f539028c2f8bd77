/**
 * One test file, three places to run it: `createTestRunner` picks the mode from one option (or
 * the `DURABLE_TEST_MODE` environment variable), so the same assertions run in process, on the
 * local service with the synthesized bundle, and against the deployed function.
 */
import type { FunctionBundle } from './bundles';
import { DeployedTestRunner, type DeployedTestRunnerOptions } from './deployed-runner';
import { InProcessTestRunner, type TestTime, type WorkflowExport } from './in-process-runner';
import { LocalTestRunner } from './local-runner';
import type { DurableTestRunner, DurationLike, TestRunnerMode } from './test-runner';

/**
 * Options of {@link createTestRunner}: what each mode needs; only the chosen mode's are used.
 *
 * @example
 * const runner = await createTestRunner({
 *   handler,                                     // in-process
 *   bundle: () => fromStack(new OrdersStack(new App(), 'Orders'), 'Orders'), // local
 *   deployed: { functionArn: process.env.ORDERS_ALIAS_ARN ?? '' },           // deployed
 * });
 */
export interface TestRunnerOptions {
  /** Default: `$DURABLE_TEST_MODE`, else `in-process`. */
  readonly mode?: TestRunnerMode;
  /** in-process: your module's workflow export. */
  readonly handler?: WorkflowExport;
  /** local: the synthesized bundle, or a function giving it (called only in local mode, so other modes skip the synth). */
  readonly bundle?: FunctionBundle | (() => FunctionBundle);
  /** local, instead of `bundle`: a workflow entry bundled like the construct does. */
  readonly entry?: string;
  /** deployed: the function to drive. */
  readonly deployed?: DeployedTestRunnerOptions;
  /** in-process and local: environment variables (in-process: the workflow shares the test's `process.env`). */
  readonly environment?: Readonly<Record<string, string>>;
  /** in-process and local: the clock (default `skip`). */
  readonly time?: TestTime;
  /** in-process and local: the durable execution timeout. */
  readonly executionTimeout?: DurationLike;
}

const MODES: readonly TestRunnerMode[] = ['in-process', 'local', 'deployed'];

/**
 * Creates the runner of the chosen mode.
 *
 * @throws TypeError when the mode is unknown or its option is missing.
 * @example
 * // DURABLE_TEST_MODE=local npx jest test/orders.test.ts
 * const runner = await createTestRunner({ handler, bundle: () => fromStack(stack(), 'Orders') });
 */
export async function createTestRunner(options: TestRunnerOptions): Promise<DurableTestRunner> {
  const mode = options.mode ?? ((process.env.DURABLE_TEST_MODE || 'in-process') as TestRunnerMode);
  if (!MODES.includes(mode)) {
    throw new TypeError(`Unknown test runner mode '${String(mode)}' (from ${options.mode !== undefined ? 'the mode option' : 'DURABLE_TEST_MODE'}); use ${MODES.join(', ')}.`);
  }
  switch (mode) {
    case 'in-process': {
      if (options.handler === undefined) {
        throw new TypeError("The in-process mode needs `handler`: import your workflow module's export and pass it.");
      }
      return InProcessTestRunner.create({ handler: options.handler, time: options.time, executionTimeout: options.executionTimeout });
    }
    case 'local': {
      if (options.bundle === undefined && options.entry === undefined) {
        throw new TypeError('The local mode needs `bundle` (fromStack(stack, id) or bundleOf(fn)) or `entry` (a workflow file).');
      }
      const bundle = typeof options.bundle === 'function' ? options.bundle() : options.bundle;
      return LocalTestRunner.create({
        ...(bundle !== undefined ? { bundle } : { entry: options.entry }),
        environment: options.environment,
        time: options.time,
        executionTimeout: options.executionTimeout,
      });
    }
    case 'deployed': {
      if (options.deployed === undefined) {
        throw new TypeError('The deployed mode needs `deployed: { functionArn }`: the alias ARN of the deployed DurableFunction.');
      }
      return DeployedTestRunner.create(options.deployed);
    }
  }
}
