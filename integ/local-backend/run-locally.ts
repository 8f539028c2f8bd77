/**
 * The local backend of the scenarios: the bundles from the synthesized integ app, registered on
 * the embedded local durable-execution service, driven by the same assertion modules as the
 * cloud through a `LambdaClient` pointed at the service.
 *
 * @example
 * const { reports } = await runScenariosLocally({ onProgress: console.log });
 * console.log(formatSummaryTable(reports));
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { LocalDurableService, localServiceSource, type ExecutionSource } from '../../local';
import { SCENARIO_ALIAS, SCENARIO_NAMES, type ScenarioName } from '../catalog';
import { SCENARIO_ASSERTIONS } from '../assertions';
import { runScenario, type ScenarioReport } from '../assertions/scenario';
import { synthesizeScenarios, type ScenarioBundle, type SynthesizedScenarios } from './assembly';

/** How the local service runs the functions. */
export interface LocalServiceOptions {
  /** `virtual` (default): durable time jumps ahead whenever nothing is running. `real`: wall-clock time. */
  readonly clock?: 'virtual' | 'real';
  /** Run every invocation in a new process, so nothing survives in memory between invocations. */
  readonly freshProcessPerInvocation?: boolean;
  /** What happens to the handlers' stdout/stderr: `silent` (default) drops it, `inherit` passes it through. */
  readonly handlerOutput?: 'inherit' | 'silent';
}

/** A running local service with the scenario functions registered. */
export interface LocalScenarioService {
  /** The service's base URL (what `AWS_ENDPOINT_URL_LAMBDA` would be set to). */
  readonly endpoint: string;
  /** A client for the service's endpoint. */
  readonly client: LambdaClient;
  /** The alias-qualified name to invoke a scenario through. */
  qualifiedName(scenario: ScenarioName): string;
  /** The registered functions' names. */
  readonly functionNames: readonly string[];
  /** The service's current time (its virtual clock, unless it runs in real time). */
  now(): number;
  /** The executions of the registered functions, for the execution viewer. */
  viewerSource(): ExecutionSource;
  /** Stops the service and its function hosts. */
  stop(): Promise<void>;
}

/** Thrown when a scenario is run on a local service it was not registered on. */
export class ScenarioNotRegisteredError extends Error {
  constructor(scenario: ScenarioName) {
    super(`Scenario ${scenario} was not registered on this local service; pass its bundle to startLocalScenarioService.`);
    this.name = 'ScenarioNotRegisteredError';
  }
}

/** Wall-clock pause between status polls on the local service. */
const LOCAL_POLL_INTERVAL_MS = 10;
/** A page size well below a scenario's event count, so every run reads its history over several pages. */
const LOCAL_HISTORY_PAGE_SIZE = 7;

/**
 * Starts a local service and registers every given bundle under its deployed function name,
 * with the durable and Lambda settings its template declares. Its `live` alias points at version 1.
 *
 * @example
 * const service = await startLocalScenarioService([bundles['happy-path']], { clock: 'virtual' });
 * service.qualifiedName('happy-path'); // 'DurableParallelScenarios-happy-path:live'
 */
export async function startLocalScenarioService(
  bundles: readonly ScenarioBundle[],
  options: LocalServiceOptions = {},
): Promise<LocalScenarioService> {
  const service = await LocalDurableService.start({
    clock: options.clock ?? 'virtual',
    freshProcessPerInvocation: options.freshProcessPerInvocation ?? false,
    handlerOutput: options.handlerOutput ?? 'silent',
  });
  try {
    for (const bundle of bundles) {
      await service.registerFunction({
        name: bundle.functionName,
        bundle: bundle.bundleFile,
        handler: bundle.handlerExport,
        executionTimeout: bundle.executionTimeoutSeconds,
        retentionDays: bundle.retentionDays,
        timeout: bundle.timeoutSeconds,
        memorySize: bundle.memorySize,
        environment: bundle.environment,
      });
    }
  } catch (error) {
    await service.stop();
    throw error;
  }
  const names = new Map(bundles.map((bundle) => [bundle.scenario, bundle.functionName]));
  return {
    endpoint: service.endpoint,
    client: service.client(),
    qualifiedName(scenario) {
      const name = names.get(scenario);
      if (name === undefined) {
        throw new ScenarioNotRegisteredError(scenario);
      }
      return `${name}:${SCENARIO_ALIAS}`;
    },
    functionNames: bundles.map((bundle) => bundle.functionName),
    now: () => service.clock.now(),
    viewerSource: () => localServiceSource(service, bundles.map((bundle) => bundle.functionName)),
    stop: () => service.stop(),
  };
}

/**
 * Runs one scenario's assertion module against a local service.
 *
 * @example
 * const report = await runScenarioLocally(service, 'happy-path');
 */
export function runScenarioLocally(service: LocalScenarioService, scenario: ScenarioName): Promise<ScenarioReport> {
  return runScenario(service.client, service.qualifiedName(scenario), SCENARIO_ASSERTIONS[scenario], {
    pollIntervalMs: LOCAL_POLL_INTERVAL_MS,
    timeoutMs: 120_000,
    historyPageSize: LOCAL_HISTORY_PAGE_SIZE,
  });
}

/** Options of {@link runScenariosLocally}. */
export interface LocalRunOptions extends LocalServiceOptions {
  /** Which scenarios to run, in order. Default: all six. */
  readonly scenarios?: readonly ScenarioName[];
  /** Where to synthesize; default a temporary directory, removed afterwards. */
  readonly outdir?: string;
  /** Progress messages (synth, registration, each scenario). */
  readonly onProgress?: (message: string) => void;
  /** Called after the last scenario, before the service stops (for example to serve the execution viewer). */
  readonly beforeStop?: (service: LocalScenarioService, reports: readonly ScenarioReport[]) => Promise<void>;
}

/** What a local run produced. */
export interface LocalRunResult {
  readonly reports: ScenarioReport[];
  readonly synthesized: SynthesizedScenarios;
}

/**
 * Synthesizes the integ app, registers the bundles on a fresh local service and runs the scenarios.
 *
 * @example
 * const { reports } = await runScenariosLocally({ scenarios: ['max-concurrency'], clock: 'real' });
 */
export async function runScenariosLocally(options: LocalRunOptions = {}): Promise<LocalRunResult> {
  const progress = options.onProgress ?? (() => undefined);
  const scenarios = options.scenarios ?? SCENARIO_NAMES;
  const outdir = options.outdir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'durable-scenarios-'));
  try {
    progress(`Synthesizing the integ app and bundling ${SCENARIO_NAMES.length} scenario functions into ${outdir} ...`);
    const synthesized = synthesizeScenarios(outdir);
    progress(`Starting the local durable-execution service (${options.clock ?? 'virtual'} clock) ...`);
    const service = await startLocalScenarioService(
      scenarios.map((scenario) => synthesized.bundles[scenario]),
      options,
    );
    const reports: ScenarioReport[] = [];
    try {
      for (const scenario of scenarios) {
        progress(`Running ${scenario} ...`);
        reports.push(await runScenarioLocally(service, scenario));
      }
      await options.beforeStop?.(service, reports);
    } finally {
      await service.stop();
    }
    return { reports, synthesized };
  } finally {
    if (options.outdir === undefined) {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }
}
