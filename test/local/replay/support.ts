/**
 * Test support for the replay gate: workflow versions written to a temporary folder, recorded on
 * the local durable-execution service and saved as history files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SendDurableExecutionCallbackSuccessCommand, type Event } from '@aws-sdk/client-lambda';
import { LocalDurableService } from '../../../local';
import { replayHistories, type ReplayReport } from '../../../local/replay';
import { exportHistory } from '../../../local/replay/export-history';

const RUNTIME = path.resolve(__dirname, '../../../runtime');

/** A temporary folder of workflow versions and histories. */
export class ReplayWorkspace {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-test-'));

  /** Writes `<name>.ts`: a workflow whose body is `body` (it sees `input`, `ctx` and `Duration`). */
  workflow(name: string, body: string): string {
    const file = path.join(this.dir, `${name}.ts`);
    fs.writeFileSync(
      file,
      [
        // One line each, so a body line's number in the file stays its index + 5.
        `import { Duration, WaitStrategies, withDurableExecution } from ${JSON.stringify(RUNTIME)}; import * as fs from 'node:fs';`,
        'void Duration; void WaitStrategies; void fs;',
        '// eslint-disable-next-line @typescript-eslint/no-explicit-any',
        'export const handler = withDurableExecution(async (input: any, ctx) => {',
        body,
        '});',
        '',
      ].join('\n'),
    );
    return file;
  }

  /**
   * A side-effect counter: `counter.touch` is a statement that appends one character to its file
   * (for a workflow body, where `fs` is imported), `counter.count()` how many were appended.
   */
  counter(name: string): { readonly touch: string; readonly file: string; count(): number } {
    const file = path.join(this.dir, `${name}.count`);
    fs.writeFileSync(file, '');
    return { file, touch: `fs.appendFileSync(${JSON.stringify(file)}, 'x')`, count: () => fs.readFileSync(file, 'utf8').length };
  }

  /** Writes `<name>.js`: a plain (non-durable) handler `async (event) => { <body> }`, run with `fs` in scope. */
  plainFunction(name: string, body: string): string {
    const file = path.join(this.dir, `${name}.js`);
    fs.writeFileSync(file, `const fs = require('node:fs');
exports.handler = async (event) => {
${body}
};
`);
    return file;
  }

  /**
   * Runs `entry` on a local service and saves its history as `<name>.json`: when it ends, or,
   * with `until`, as soon as `until` says so (an execution still in flight).
   */
  async record(
    name: string,
    entry: string,
    options: {
      input?: unknown;
      drive?: (svc: LocalDurableService, arn: string) => Promise<void>;
      until?: (events: Event[]) => boolean;
      /** Plain (non-durable) functions the workflow invokes, by name. */
      functions?: Record<string, string>;
    } = {},
  ): Promise<string> {
    const svc = await LocalDurableService.start({ handlerOutput: 'silent' });
    try {
      for (const [name, bundle] of Object.entries(options.functions ?? {})) await svc.registerFunction({ name, bundle, durable: false });
      await svc.registerFunction({ name: 'wf', bundle: entry });
      // A history taken in flight must not see the virtual clock skip its waits meanwhile.
      if (options.until) svc.holdClock();
      const arn = await svc.startExecution('wf:live', options.input ?? {}, { executionName: name });
      if (options.drive) await options.drive(svc, arn);
      if (options.until) {
        const until = options.until;
        await waitUntil(() => until(svc.history(arn)));
      } else {
        await svc.waitForExecution(arn, 60_000);
      }
      const file = path.join(this.dir, `${name}.json`);
      fs.writeFileSync(file, await exportHistory(svc.client(), arn, { virtualClock: true }));
      return file;
    } finally {
      await svc.stop();
    }
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Resolves once `check` is true (polled every 20 ms, for at most 30 s). */
export async function waitUntil(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the execution');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The CallbackId of the first started callback, once it exists. */
export async function callbackIdOf(svc: LocalDurableService, arn: string): Promise<string> {
  let id: string | undefined;
  await waitUntil(() => {
    id = svc.history(arn).find((e) => e.EventType === 'CallbackStarted')?.CallbackStartedDetails?.CallbackId;
    return id !== undefined;
  });
  return id as string;
}

/** Completes the execution's first callback with `result`. */
export async function completeCallback(svc: LocalDurableService, arn: string, result: unknown): Promise<void> {
  const callbackId = await callbackIdOf(svc, arn);
  await svc.client().send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: new TextEncoder().encode(JSON.stringify(result)) }));
}

/** Replays one history file against `entry` and returns its report. */
export async function replay(entry: string, history: string): Promise<ReplayReport> {
  const [report] = await replayHistories({ entry, histories: [history] });
  return report;
}

/** Expects a compatible report with no warnings, whose appended operations are `appended` (names, or `(TYPE)`). */
export function expectCompatible(report: ReplayReport, appended: string[] = []): void {
  expect({ verdict: report.verdict, divergence: report.divergence, error: report.error, warnings: report.warnings }).toEqual({
    verdict: 'compatible',
    divergence: undefined,
    error: undefined,
    warnings: [],
  });
  expect(report.appended.map((op) => op.name ?? `(${op.type})`)).toEqual(appended);
}
