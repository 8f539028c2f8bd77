/**
 * Test support for the replay gate: workflow versions written to a temporary folder, recorded on
 * the local durable-execution service and saved as history files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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

  /** Runs `entry` to its end on a local service and saves its history as `<name>.json`. */
  async record(name: string, entry: string, input: unknown = {}, drive?: (svc: LocalDurableService, arn: string) => Promise<void>): Promise<string> {
    const svc = await LocalDurableService.start({ handlerOutput: 'silent' });
    try {
      await svc.registerFunction({ name: 'wf', bundle: entry });
      const arn = await svc.startExecution('wf:live', input, { executionName: name });
      if (drive) await drive(svc, arn);
      await svc.waitForExecution(arn, 60_000);
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
