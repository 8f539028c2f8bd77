/**
 * The conformance runner: runs every requirement's handler on the local durable-execution service
 * (real HTTP, the AWS SDK client, virtual clock) and compares the outcome with the requirement.
 *
 * Example:
 * ```ts
 * const reports = await runConformance({ dir: defaultRequirementsDir() });
 * process.stdout.write(formatReport(reports));
 * ```
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  Event,
  GetDurableExecutionCommand,
  GetDurableExecutionHistoryCommand,
  InvokeCommand,
  LambdaClient,
  StopDurableExecutionCommand,
} from '@aws-sdk/client-lambda';
import { LocalDurableService } from '../../local';
import { bundleHandlers } from './bundle';
import { playCallbackActions, type CallbackActor } from './callback-actions';
import { bindingsFromVariables, compareOutcome, ExecutionOutcome } from './compare';
import { declaredDivergences } from './divergences';
import { TARGET_FUNCTIONS } from './handlers/support/targets';
import { checkExpectedLogs, LogCapture } from './logs';
import { RequirementReport } from './report';
import { loadRequirements, Requirement } from './requirement';
import { checkDefaultRetryParameters } from './retry-parameters';
import { generateVariables, randomLowerAlnum, substitute } from './variables';
import type { Difference } from './matcher';
import { decideVerdict, failedVerdict, Verdict } from './verdict';

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  /** The folder holding the requirement YAML files (searched recursively). */
  readonly dir: string;
  /** Runs only the requirements whose id this accepts (default: all). */
  readonly filter?: (id: string) => boolean;
  /** How many requirements run at once on the one service (default 3). */
  readonly concurrency?: number;
  /** Real-time limit for one requirement, in ms (default 60 000). */
  readonly timeoutMs?: number;
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'STOPPED']);

/** The function name a requirement's handler is registered under. */
export function functionNameFor(req: Requirement): string {
  return `conformance-${req.key}`;
}

async function readHistory(client: LambdaClient, arn: string): Promise<Event[]> {
  const events: Event[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(new GetDurableExecutionHistoryCommand({
      DurableExecutionArn: arn, IncludeExecutionData: true, Marker: marker, MaxItems: 1000,
    }));
    events.push(...(page.Events ?? []));
    marker = page.NextMarker || undefined;
  } while (marker);
  return events;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withTimeout<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts the execution and returns its ARN once it is over (synchronous invoke) or, for an
 * asynchronous requirement, once its history holds every expected EventId (it may keep running).
 */
async function execute(
  client: LambdaClient,
  req: Requirement,
  payload: string | undefined,
  deadline: number,
  onStarted: (arn: string) => void = () => undefined,
): Promise<string> {
  const executionName = `c${req.key}-${randomLowerAlnum(12)}`;
  const invoke = await client.send(new InvokeCommand({
    FunctionName: `${functionNameFor(req)}:live`,
    InvocationType: req.asyncInvoke ? 'Event' : 'RequestResponse',
    DurableExecutionName: executionName,
    Payload: payload === undefined ? undefined : Buffer.from(payload, 'utf8'),
  }));
  const arn = invoke.DurableExecutionArn;
  if (!arn) throw new Error('Invoke returned no DurableExecutionArn');
  onStarted(arn);
  if (!req.asyncInvoke) return arn;
  // An expected result needs the end of the execution; a history alone needs its last event.
  const lastEventId = req.expectedResult ? Infinity : Math.max(0, ...req.expectedHistory.map((e) => e.EventId));
  for (;;) {
    const exec = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }));
    if (TERMINAL.has(exec.Status ?? '')) return arn;
    const history = await readHistory(client, arn);
    if (history.some((e) => (e.EventId ?? 0) >= lastEventId)) return arn;
    if (Date.now() > deadline) return arn;
    await sleep(20);
  }
}

/** Stops a still-running execution; one that ended meanwhile is left as it is. */
async function stopIfRunning(client: LambdaClient, arn: string): Promise<void> {
  try {
    await client.send(new StopDurableExecutionCommand({ DurableExecutionArn: arn }));
  } catch (error) {
    const exec = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }));
    if (!TERMINAL.has(exec.Status ?? '')) throw error;
  }
}

async function readOutcome(client: LambdaClient, arn: string): Promise<ExecutionOutcome> {
  const exec = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }));
  const history = await readHistory(client, arn);
  return { status: exec.Status ?? 'UNKNOWN', resultText: exec.Result, error: exec.Error, history };
}

/** What the runner cannot check for a requirement, in words. */
export function uncheckedExpectations(req: Requirement): string[] {
  return req.unknownKeys.map((k) => `${k} (a key this runner does not know)`);
}

/** Lets output the handler wrote just before its invocation ended reach the capture. */
async function settleOutput(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function runOne(
  client: LambdaClient,
  logs: LogCapture,
  req: Requirement,
  hasHandler: boolean,
  timeoutMs: number,
): Promise<Verdict> {
  const unchecked = uncheckedExpectations(req);
  if (!hasHandler) {
    return failedVerdict(`no handler: add test/conformance/handlers/${req.key}.ts exporting \`handler\``, unchecked);
  }
  const differences: Difference[] = [];
  if (req.defaultRetryParameters) {
    differences.push(...checkDefaultRetryParameters(req.defaultRetryParameters));
  }
  const vars = generateVariables(req.variables);
  const input = substitute(req.input, vars);
  const payload = input === null ? undefined : JSON.stringify(input);
  const deadline = Date.now() + timeoutMs;
  let actor: CallbackActor | undefined;
  const startActing = (started: string): void => {
    if (req.callbackActions.length > 0) actor = playCallbackActions(client, started, req.callbackActions, vars);
  };
  let arn: string;
  try {
    arn = await withTimeout(`requirement ${req.id}`, timeoutMs, execute(client, req, payload, deadline, startActing));
  } finally {
    const problems = (await actor?.stop()) ?? [];
    differences.push(...problems.map((problem) => ({ path: 'CallbackActions', expected: 'sent', actual: problem, problem: 'not sent' })));
  }
  const outcome = await readOutcome(client, arn);
  if (req.asyncInvoke && !TERMINAL.has(outcome.status)) {
    // An asynchronous requirement may describe only the start of the execution; end it so the
    // service has nothing left to drive.
    await stopIfRunning(client, arn);
  }
  differences.push(...compareOutcome(req, outcome, bindingsFromVariables(vars)));
  if (req.expectedLogs) {
    await settleOutput();
    differences.push(...checkExpectedLogs(req.expectedLogs, logs.recordsOf(arn), vars));
  }
  return decideVerdict(differences, declaredDivergences(req.id), unchecked);
}

async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(size, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
    }
  });
  await Promise.all(workers);
}

/**
 * Runs the selected requirements of `options.dir` and returns one report per requirement, in id
 * order. Requirement files that cannot be read make this throw (`RequirementFormatError`); any
 * problem while running one requirement becomes that requirement's FAIL.
 */
export async function runConformance(options: ConformanceOptions): Promise<RequirementReport[]> {
  const requirements = loadRequirements(options.dir).filter((r) => options.filter?.(r.id) ?? true);
  const { outDir, bundles } = await bundleHandlers(requirements.map((r) => r.key), Object.keys(TARGET_FUNCTIONS));
  const logs = new LogCapture();
  const svc = await LocalDurableService.start({ clock: 'virtual', handlerOutput: logs.sink });
  const verdicts = new Map<string, Verdict>();
  try {
    for (const [module, name] of Object.entries(TARGET_FUNCTIONS)) {
      await svc.registerFunction({ name, bundle: bundles.get(`target-${module}`) as string, handler: 'handler' });
    }
    for (const req of requirements) {
      const bundle = bundles.get(req.key);
      if (bundle) await svc.registerFunction({ name: functionNameFor(req), bundle, handler: 'handler' });
    }
    const client = svc.client();
    await pool(requirements, options.concurrency ?? 3, async (req) => {
      try {
        verdicts.set(req.id, await runOne(client, logs, req, bundles.has(req.key), options.timeoutMs ?? 60_000));
      } catch (e) {
        verdicts.set(req.id, failedVerdict(`the run failed: ${(e as Error).stack ?? String(e)}`.split('\n').slice(0, 3).join(' | '),
          uncheckedExpectations(req)));
      }
    });
  } finally {
    await svc.stop();
    fs.rmSync(outDir, { recursive: true, force: true });
  }
  return requirements.map((req) => ({
    id: req.id,
    file: path.relative(options.dir, req.file),
    description: req.description,
    optional: req.optional,
    verdict: verdicts.get(req.id) ?? failedVerdict('not run'),
  }));
}
