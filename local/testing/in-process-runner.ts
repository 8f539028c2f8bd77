/**
 * The in-process mode: the workflow module runs in the test's own process, so `jest.mock` (or
 * any module mock) of its dependencies applies, on the real service core with a virtual clock.
 * The workflow is wrapped exactly as the construct's generated entry wraps it: a plain workflow
 * gets `withDurableExecution`, a handler already made with it keeps its options and only talks to
 * the in-process service instead of AWS.
 */
import { withDurableExecution, workflowOf, type DurableHandler } from '../../runtime/handler';
import type { DurableContext } from '../../runtime/types';
import { InProcessDurableService } from './in-process-service';
import { coreRunnerBackend } from './core-backend';
import { DurableTestRunner, durationToMs, type DurationLike } from './test-runner';

/**
 * A workflow as your module exports it: `(input, ctx) => result`, or a handler made with
 * `withDurableExecution`.
 *
 * @example
 * import { handler } from '../src/orders';
 * const runner = await InProcessTestRunner.create({ handler });
 */
export type WorkflowExport = ((input: never, ctx: DurableContext) => Promise<unknown>) | DurableHandler;

/**
 * How the service clock behaves in a test.
 *
 * - `skip` (default): virtual; idle time is skipped, so waits and retry delays pass at once.
 *   `advanceTime` moves it further.
 * - `manual`: virtual, but only `advanceTime` moves it past a timer (time otherwise flows at the
 *   real pace), to check what the workflow does before a wait or timeout ends.
 * - `real`: wall-clock time.
 *
 * @example
 * await InProcessTestRunner.create({ handler, time: 'manual' });
 */
export type TestTime = 'skip' | 'manual' | 'real';

/**
 * Options of {@link InProcessTestRunner.create}.
 *
 * @example
 * await InProcessTestRunner.create({ handler, executionTimeout: Duration.hours(2), time: 'manual' });
 */
export interface InProcessTestRunnerOptions {
  /** The workflow export of your module. */
  readonly handler: WorkflowExport;
  /** The durable execution timeout (default one day). */
  readonly executionTimeout?: DurationLike;
  /** The function timeout of one invocation, real time (default 60 seconds). */
  readonly invocationTimeout?: DurationLike;
  readonly time?: TestTime;
  /** Invocations one execution may take before it is stopped as a runaway (default 1,000). */
  readonly maxInvocations?: number;
}

const FUNCTION_NAME = 'workflow';

/**
 * A {@link DurableTestRunner} that runs the workflow in this process.
 *
 * @example
 * jest.mock('../src/payments', () => ({ charge: jest.fn(async () => 'receipt-1') }));
 * import { handler } from '../src/orders';
 *
 * const runner = await InProcessTestRunner.create({ handler });
 * const execution = await runner.run({ orderId: '42' });
 * expect(execution.status).toBe('SUCCEEDED');
 * await runner.close();
 */
export class InProcessTestRunner {
  /** Starts an in-process service with the workflow registered. */
  static async create(options: InProcessTestRunnerOptions): Promise<DurableTestRunner> {
    if (typeof options.handler !== 'function') {
      throw new TypeError(`InProcessTestRunner needs the workflow function your module exports as 'handler'; got ${typeof options.handler}.`);
    }
    const time = options.time ?? 'skip';
    if (!['skip', 'manual', 'real'].includes(time)) {
      throw new TypeError(`time must be 'skip', 'manual' or 'real'; got ${String(time)}.`);
    }
    const service = new InProcessDurableService({ clock: time === 'real' ? 'real' : 'virtual', maxInvocations: options.maxInvocations });
    const parts = workflowOf(options.handler);
    const handler = parts
      ? withDurableExecution(parts.workflow, { ...parts.options, client: service.client })
      : withDurableExecution(options.handler as (input: unknown, ctx: DurableContext) => Promise<unknown>, { client: service.client });
    service.registerHandler(FUNCTION_NAME, handler, {
      executionTimeoutSeconds: Math.ceil(durationToMs(options.executionTimeout ?? 86_400_000) / 1000),
      timeoutSeconds: durationToMs(options.invocationTimeout ?? 60_000) / 1000,
    });
    const releaseClock = time === 'manual' ? service.holdClock() : undefined;
    return new DurableTestRunner(
      coreRunnerBackend({
        mode: 'in-process',
        core: service.core,
        clock: service.clock,
        start: (input, executionName) =>
          service.start(FUNCTION_NAME, input === undefined ? undefined : (JSON.parse(input) as unknown), { executionName, invocationType: 'Event' }),
        kick: () => service.scheduler.kick(),
        ...(time === 'skip' ? { holdClock: () => service.holdClock() } : {}),
        close: async () => {
          releaseClock?.();
          await service.close();
        },
      }),
    );
  }
}
