/**
 * The soak: many executions of the five soak workflows on one in-process service while faults are
 * injected from a seeded random source, then a tally of what went wrong. The in-suite test runs it
 * small; `npm run soak` runs it long and prints the tally.
 *
 * Faults: throttled (429), failed (500), stale-token (400) and dropped (applied, response lost)
 * data-plane requests, each retried by the client up to its three attempts, and crashed handlers:
 * an invocation that dies before the handler starts, or after it returned with its response lost.
 */
import type { Event } from '@aws-sdk/client-lambda';
import type { FaultCall } from '../../local/faults';
import { InProcessDurableService, type FaultKind, type FaultPlan } from '../../local/testing';
import { answerCallback, answersItself, EffectLedger, expectedResult, expectedSteps, SOAK_WORKFLOWS, soakHandler, type SoakWorkflow } from './workflows';

/** Options of {@link runSoak}. */
export interface SoakOptions {
  /** Executions started in total (spread evenly over the five workflows). */
  readonly executions: number;
  /** Seed of the fault source: the same seed injects the same faults into the same requests. */
  readonly seed: number;
  /** Probability that a data-plane request gets a fault (default 0.15). */
  readonly faultRate?: number;
  /** Probability that an invocation crashes (default 0.1). */
  readonly crashRate?: number;
  /** Items of the map workflow (default 50). */
  readonly mapSize?: number;
  /** Executions in flight at once (default 20). */
  readonly concurrency?: number;
  /** Called after each execution ends, e.g. for progress output. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Faults injected, by kind. */
export type FaultCounts = Record<FaultKind | 'crash-before' | 'crash-after', number>;

/** What a soak found. Every count but `executions` and `faults` must be zero. */
export interface SoakReport {
  readonly executions: number;
  readonly faults: FaultCounts;
  readonly totalFaults: number;
  /** Step effects that never ran though the workflow recorded them, or that are missing. */
  readonly lost: number;
  /** Executions that did not succeed, or succeeded with another result than expected. */
  readonly wrong: number;
  /** Step bodies that ran again after their result was stored, plus duplicate success events. */
  readonly duplicated: number;
  /** Failed invocations during which no fault was injected. */
  readonly spuriousFailedInvocations: number;
  /** Failed invocations in total (each caused by an injected fault when spurious is 0). */
  readonly failedInvocations: number;
  /** Human-readable notes on each problem found (empty when clean). */
  readonly problems: string[];
}

/** A small deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DATA_PLANE_FAULTS: readonly FaultKind[] = ['throttle', 'server-error', 'invalid-token', 'drop-response'];

/**
 * Runs the soak and returns its tally.
 *
 * @example
 * const report = await runSoak({ executions: 30, seed: 7 });
 * expect(report.lost + report.wrong + report.duplicated + report.spuriousFailedInvocations).toBe(0);
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const random = seededRandom(options.seed);
  const faultRate = options.faultRate ?? 0.15;
  const crashRate = options.crashRate ?? 0.1;
  const mapSize = options.mapSize ?? 50;
  const faults: FaultCounts = { throttle: 0, 'server-error': 0, 'invalid-token': 0, 'drop-response': 0, 'crash-before': 0, 'crash-after': 0 };
  /** Request ids of invocations that had a fault injected. */
  const faulted = new Set<string>();
  // The plan needs the service (to tell which invocation a token belongs to) and the service needs the plan.
  const holder: { svc?: InProcessDurableService } = {};
  const pick = (kind: FaultKind) => (call: FaultCall): boolean => {
    if (random() >= faultRate / DATA_PLANE_FAULTS.length) return false;
    const input = call.input as { DurableExecutionArn?: string; CheckpointToken?: string };
    const info = holder.svc?.core.describeCheckpointToken(input.DurableExecutionArn ?? '', input.CheckpointToken ?? '');
    if (info) faulted.add(info.requestId);
    faults[kind]++;
    return true;
  };
  const plan: FaultPlan = DATA_PLANE_FAULTS.map((fault) => ({ fault, when: pick(fault), times: Infinity }));
  const service = new InProcessDurableService({ faults: plan, maxInvocations: 500 });
  holder.svc = service;
  // Callbacks are answered from outside in real time: the service-wide clock must not jump to their
  // timeouts. Each execution still skips its own waits and retry delays (execution-clock.ts).
  service.scheduler.holdServiceClock();
  const ledger = new EffectLedger(service);
  for (const kind of SOAK_WORKFLOWS) {
    const handler = soakHandler(kind, service, ledger, mapSize);
    service.registerHandler(kind, async (event, context) => {
      // A crashed handler: dies before it starts, or after its work with the response lost.
      const roll = random();
      if (roll < crashRate / 2) {
        faults['crash-before']++;
        faulted.add(context.awsRequestId);
        throw new Error('injected crash before the handler ran');
      }
      const output = await handler(event, context);
      if (roll < crashRate) {
        faults['crash-after']++;
        faulted.add(context.awsRequestId);
        throw new Error('injected crash after the handler returned (response lost)');
      }
      return output;
    }, { executionTimeoutSeconds: 7 * 86400 });
  }

  const problems: string[] = [];
  let lost = 0;
  let wrong = 0;
  let duplicatedEvents = 0;
  let spurious = 0;
  let failedInvocations = 0;
  let done = 0;
  const jobs = Array.from({ length: options.executions }, (_, i) => ({ kind: SOAK_WORKFLOWS[i % SOAK_WORKFLOWS.length], n: i }));
  const runOne = async (kind: SoakWorkflow, n: number): Promise<void> => {
    const arn = await service.start(kind, { n }, { executionName: `${kind}-${n}`, invocationType: 'Event' });
    if (kind === 'callback' && !answersItself(n)) {
      let callbackId: string;
      try {
        callbackId = await service.waitForCallbackId(arn);
      } catch {
        const run = service.describe(arn);
        wrong++;
        problems.push(`${kind}-${n}: ${run.status} before its callback appeared: ${JSON.stringify(run.error)}`);
        done++;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 5)));
      answerCallback(service, callbackId, n);
    }
    const run = await service.waitFor(arn);
    const expected = expectedResult(kind, n, mapSize);
    if (run.status !== 'SUCCEEDED' || JSON.stringify(run.result) !== JSON.stringify(expected)) {
      wrong++;
      problems.push(`${kind}-${n}: ${run.status} with ${JSON.stringify(run.result ?? run.error)}; expected ${JSON.stringify(expected)}`);
    }
    const steps = run.operations.filter((op) => op.Type === 'STEP');
    const missing = expectedSteps(kind, mapSize) - steps.filter((op) => op.Status === 'SUCCEEDED' && ledger.ran(arn, op.Id as string)).length;
    if (missing > 0) {
      lost += missing;
      problems.push(`${kind}-${n}: ${missing} step effect(s) lost`);
    }
    const successes = new Map<string, number>();
    for (const event of run.history as Event[]) {
      if (event.EventType === 'StepSucceeded') successes.set(event.Id as string, (successes.get(event.Id as string) ?? 0) + 1);
      if (event.EventType === 'InvocationCompleted' && event.InvocationCompletedDetails?.Error !== undefined) {
        failedInvocations++;
        if (!faulted.has(event.InvocationCompletedDetails.RequestId as string)) {
          spurious++;
          problems.push(`${kind}-${n}: spurious failed invocation: ${JSON.stringify(event.InvocationCompletedDetails.Error.Payload)}`);
        }
      }
    }
    for (const [id, count] of successes) {
      if (count > 1) {
        duplicatedEvents += count - 1;
        problems.push(`${kind}-${n}: step ${id} succeeded ${count} times`);
      }
    }
    done++;
    options.onProgress?.(done, options.executions);
  };
  const concurrency = Math.max(1, options.concurrency ?? 20);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      await runOne(job.kind, job.n);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await service.close();
  }
  if (ledger.duplicated > 0) problems.push(`${ledger.duplicated} step bodies ran again after their result was stored`);
  return {
    executions: options.executions,
    faults,
    totalFaults: Object.values(faults).reduce((a, b) => a + b, 0),
    lost,
    wrong,
    duplicated: ledger.duplicated + duplicatedEvents,
    spuriousFailedInvocations: spurious,
    failedInvocations,
    problems,
  };
}

/** The report as the lines `npm run soak` prints. */
export function formatSoakReport(report: SoakReport): string {
  const faultLines = Object.entries(report.faults).map(([kind, count]) => `  ${kind.padEnd(16)} ${count}`);
  return [
    `executions                   ${report.executions}`,
    `faults injected              ${report.totalFaults}`,
    ...faultLines,
    `failed invocations (faults)  ${report.failedInvocations - report.spuriousFailedInvocations}`,
    `lost effects                 ${report.lost}`,
    `wrong results                ${report.wrong}`,
    `duplicated effects           ${report.duplicated}`,
    `spurious failed invocations  ${report.spuriousFailedInvocations}`,
    ...(report.problems.length > 0 ? ['problems:', ...report.problems.slice(0, 50).map((p) => `  ${p}`)] : []),
  ].join('\n');
}
