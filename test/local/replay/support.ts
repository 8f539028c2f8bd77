/**
 * Test support for the replay gate: workflow versions written to a temporary folder, recorded on
 * the local durable-execution service and saved as history files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SendDurableExecutionCallbackSuccessCommand, type Event } from '@aws-sdk/client-lambda';
import { LocalDurableService } from '../../../local';
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
        `import { Duration, withDurableExecution } from ${JSON.stringify(RUNTIME)};`,
        'void Duration;',
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
   * Runs `entry` on a local service and saves its history as `<name>.json`: when it ends, or,
   * with `until`, as soon as `until` says so (an execution still in flight).
   */
  async record(
    name: string,
    entry: string,
    options: { input?: unknown; drive?: (svc: LocalDurableService, arn: string) => Promise<void>; until?: (events: Event[]) => boolean } = {},
  ): Promise<string> {
    const svc = await LocalDurableService.start({ handlerOutput: 'silent' });
    try {
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
