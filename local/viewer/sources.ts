/**
 * Where the execution viewer reads executions from: the durable-execution API (a local service's
 * endpoint or a real account, through the same `LambdaClient` calls) or saved history files.
 *
 * @example
 * const source = lambdaSource({ client: service.client(), functionNames: ['orders'], kind: 'local', virtualClock: true, now: () => service.clock.now() });
 * const source2 = fileSource(['histories/order-1.json']);
 */
import * as fs from 'node:fs';
import {
  GetDurableExecutionCommand,
  GetDurableExecutionHistoryCommand,
  ListDurableExecutionsByFunctionCommand,
  type Event,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { parseHistoryFile, type SavedExecution } from './history-file';
import { buildTimelineModel, type ExecutionSummaryView, type TimelineModel } from './timeline-model';

/** What the viewer's server asks of a source. */
export interface ExecutionSource {
  /** The executions to list, newest first. */
  list(): Promise<ExecutionSummaryView[]>;
  /** One execution's timeline, or undefined when the source does not have it. */
  timeline(executionArn: string): Promise<TimelineModel | undefined>;
}

/** How {@link lambdaSource} reaches the executions. */
export interface LambdaSourceOptions {
  readonly client: LambdaClient;
  /** The functions whose executions are listed (names, `name:alias` or ARNs); read again on every list. */
  readonly functionNames: readonly string[] | (() => readonly string[]);
  /** `local` for a local service, `aws` for a real account. */
  readonly kind: 'local' | 'aws';
  /** True when the service runs a virtual clock (the page says so). */
  readonly virtualClock?: boolean;
  /** The service's current time, to draw running operations up to (default: the wall clock). */
  readonly now?: () => number;
  /** At most this many executions per function (newest first; default 200). */
  readonly maxExecutionsPerFunction?: number;
}

const HISTORY_PAGE_SIZE = 1000;
const LIST_PAGE_SIZE = 100;

/**
 * Reads executions through `ListDurableExecutionsByFunction`, `GetDurableExecution` and
 * `GetDurableExecutionHistory`, so it works the same against a local endpoint and a real account.
 *
 * @example
 * lambdaSource({ client: new LambdaClient({ region: 'eu-west-1' }), functionNames: ['orders:live'], kind: 'aws' });
 */
export function lambdaSource(options: LambdaSourceOptions): ExecutionSource {
  const virtualClock = options.virtualClock ?? false;
  const now = options.now ?? (() => Date.now());
  const limit = options.maxExecutionsPerFunction ?? 200;
  const names = (): readonly string[] => (typeof options.functionNames === 'function' ? options.functionNames() : options.functionNames);
  return {
    async list() {
      const all: ExecutionSummaryView[] = [];
      for (const functionName of names()) {
        let marker: string | undefined;
        let count = 0;
        do {
          const page = await options.client.send(
            new ListDurableExecutionsByFunctionCommand({
              FunctionName: functionName,
              ReverseOrder: true,
              MaxItems: Math.min(LIST_PAGE_SIZE, limit - count),
              Marker: marker,
            }),
          );
          for (const execution of page.DurableExecutions ?? []) {
            all.push({
              arn: execution.DurableExecutionArn ?? '',
              name: execution.DurableExecutionName ?? '',
              functionArn: execution.FunctionArn,
              status: execution.Status ?? 'UNKNOWN',
              startedAt: execution.StartTimestamp?.getTime(),
              endedAt: execution.EndTimestamp?.getTime(),
              source: options.kind,
              virtualClock,
            });
            count += 1;
          }
          marker = page.NextMarker || undefined;
        } while (marker && count < limit);
      }
      return newestFirst(dedupe(all));
    },
    async timeline(executionArn) {
      const execution = await options.client.send(new GetDurableExecutionCommand({ DurableExecutionArn: executionArn }));
      const events: Event[] = [];
      let marker: string | undefined;
      do {
        const page = await options.client.send(
          new GetDurableExecutionHistoryCommand({
            DurableExecutionArn: executionArn,
            IncludeExecutionData: true,
            MaxItems: HISTORY_PAGE_SIZE,
            Marker: marker,
          }),
        );
        events.push(...(page.Events ?? []));
        marker = page.NextMarker || undefined;
      } while (marker);
      const summary: ExecutionSummaryView = {
        arn: executionArn,
        name: execution.DurableExecutionName ?? '',
        functionArn: execution.FunctionArn,
        status: execution.Status ?? 'UNKNOWN',
        startedAt: execution.StartTimestamp?.getTime(),
        endedAt: execution.EndTimestamp?.getTime(),
        source: options.kind,
        virtualClock,
      };
      return buildTimelineModel(summary, events, now());
    },
  };
}

/**
 * Reads saved history files once (the format of `history-file.ts`); each file is one execution,
 * listed under its execution ARN.
 *
 * @throws HistoryFileError for a file that cannot be read as a history (at creation, so nothing is served half-read).
 * @example
 * fileSource(['histories/order-1.json', 'histories/order-2.json']);
 */
export function fileSource(files: readonly string[]): ExecutionSource {
  const saved = new Map<string, SavedExecution>();
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const execution = parseHistoryFile(text, file);
    saved.set(execution.execution.DurableExecutionArn, execution);
  }
  const summaryOf = (entry: SavedExecution): ExecutionSummaryView => ({
    arn: entry.execution.DurableExecutionArn,
    name: entry.execution.DurableExecutionName,
    functionArn: entry.execution.FunctionArn,
    status: entry.execution.Status,
    startedAt: entry.execution.StartTimestamp?.getTime(),
    endedAt: entry.execution.EndTimestamp?.getTime(),
    source: 'file',
    virtualClock: entry.virtualClock,
  });
  return {
    async list() {
      return newestFirst([...saved.values()].map(summaryOf));
    },
    async timeline(executionArn) {
      const entry = saved.get(executionArn);
      if (!entry) return undefined;
      const lastEvent = entry.events[entry.events.length - 1]?.EventTimestamp;
      return buildTimelineModel(summaryOf(entry), entry.events, lastEvent ? new Date(lastEvent).getTime() : Date.now());
    },
  };
}

function dedupe(executions: ExecutionSummaryView[]): ExecutionSummaryView[] {
  const seen = new Map<string, ExecutionSummaryView>();
  for (const execution of executions) seen.set(execution.arn, execution);
  return [...seen.values()];
}

function newestFirst(executions: ExecutionSummaryView[]): ExecutionSummaryView[] {
  return executions.sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0) || a.name.localeCompare(b.name));
}
