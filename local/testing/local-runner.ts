/**
 * The local mode: the synthesized bundle (or a workflow entry bundled like the construct does)
 * runs on the local HTTP durable-execution service, in a sandbox with a Lambda-like environment,
 * exactly as deployed. Only the runner's reads and callbacks take the short way to the core.
 */
import { LocalDurableService } from '../local-service';
import type { FunctionBundle } from './bundles';
import { coreRunnerBackend } from './core-backend';
import type { TestTime } from './in-process-runner';
import { DurableTestRunner, durationToMs, type DurationLike } from './test-runner';

/**
 * Options of {@link LocalTestRunner.create}.
 *
 * @example
 * await LocalTestRunner.create({ bundle: fromStack(stack, 'Orders'), environment: { TABLE: 'orders' } });
 * await LocalTestRunner.create({ entry: 'src/orders.ts' });
 */
export interface LocalTestRunnerOptions {
  /** A synthesized bundle (`fromStack`, `bundleOf`). */
  readonly bundle?: FunctionBundle;
  /** Or a workflow entry, bundled by the construct's bundler. */
  readonly entry?: string;
  /** The entry's export (with `entry`; default `handler`). */
  readonly handler?: string;
  /** Environment variables of the handler (added to a bundle's own). */
  readonly environment?: Readonly<Record<string, string>>;
  /** The durable execution timeout (default: the bundle's, else one day). */
  readonly executionTimeout?: DurationLike;
  readonly time?: TestTime;
  /** Run every invocation in a new Node process (default: reused worker threads). */
  readonly freshProcess?: boolean;
  /** Handler stdout/stderr: `inherit` (default) or `silent`. */
  readonly handlerOutput?: 'inherit' | 'silent';
}

/**
 * A {@link DurableTestRunner} that runs the bundle on the local HTTP service.
 *
 * @example
 * const runner = await LocalTestRunner.create({ bundle: fromStack(stack, 'Orders') });
 * const execution = await runner.run({ orderId: '42' });
 * await runner.close();
 */
export class LocalTestRunner {
  /** Starts a local service with the function registered. */
  static async create(options: LocalTestRunnerOptions): Promise<DurableTestRunner> {
    if ((options.bundle === undefined) === (options.entry === undefined)) {
      throw new TypeError('LocalTestRunner needs exactly one of bundle (fromStack(stack, id) or bundleOf(fn)) and entry (a workflow file).');
    }
    const time = options.time ?? 'skip';
    const service = await LocalDurableService.start({
      clock: time === 'real' ? 'real' : 'virtual',
      freshProcessPerInvocation: options.freshProcess,
      handlerOutput: options.handlerOutput,
    });
    try {
      const executionTimeout =
        options.executionTimeout !== undefined ? Math.ceil(durationToMs(options.executionTimeout) / 1000) : options.bundle?.executionTimeoutSeconds;
      const registered = options.bundle
        ? await service.registerFunction({
            name: options.bundle.name,
            bundle: options.bundle.bundlePath,
            handler: options.bundle.handler,
            executionTimeout,
            timeout: options.bundle.timeoutSeconds,
            environment: { ...options.bundle.environment, ...options.environment },
          })
        : await service.registerFunction({ name: 'workflow', entry: options.entry as string, handler: options.handler, executionTimeout, environment: options.environment });
      const releaseClock = time === 'manual' ? service.holdClock() : undefined;
      return new DurableTestRunner(
        coreRunnerBackend({
          mode: 'local',
          core: service.core,
          clock: service.clock,
          start: (input, executionName) =>
            service.startExecution(`${registered.name}:live`, input === undefined ? undefined : (JSON.parse(input) as unknown), { executionName }),
          // Releasing a hold makes the scheduler look for due work.
          kick: () => service.holdClock()(),
          close: async () => {
            releaseClock?.();
            await service.stop();
          },
        }),
      );
    } catch (error) {
      await service.stop();
      throw error;
    }
  }
}
