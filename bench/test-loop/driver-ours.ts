/**
 * Test-loop driver: the five workflow tests on this package's in-process service (the testing
 * entry point, `local/testing`), in one process, as a user's test file would run them. Prints one
 * JSON line ({@link TestLoopReport}).
 */
import { SendDurableExecutionCallbackSuccessCommand } from '@aws-sdk/client-lambda';
import { withDurableExecution } from 'cdk-durable-function/runtime';
import { InProcessDurableService } from '../../local/testing';
import { checkOutcome, elapsedMs, TEST_CASES, type TestLoopReport } from './cases';
import { WORKFLOWS } from './ours-workflows';

async function main(): Promise<void> {
  const setupMs = elapsedMs();
  const tests: Array<{ id: string; ms: number }> = [];
  for (const test of TEST_CASES) {
    const started = elapsedMs();
    // A fresh service per test, as a test's beforeEach would create it.
    const svc = new InProcessDurableService();
    try {
      svc.registerHandler(test.id, withDurableExecution(WORKFLOWS[test.id], { client: svc.client }));
      // The virtual clock would run to the execution timeout while the callback waits: hold it
      // until the test has answered.
      const release = test.callbackAnswer !== undefined ? svc.holdClock() : () => undefined;
      const arn = await svc.start(test.id, test.input);
      if (test.callbackAnswer !== undefined) {
        const callbackId = await svc.waitForCallbackId(arn);
        await svc.client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: JSON.stringify(test.callbackAnswer) }));
      }
      release();
      const run = await svc.waitFor(arn);
      checkOutcome(test, run.status, run.result);
    } finally {
      await svc.close();
    }
    tests.push({ id: test.id, ms: elapsedMs() - started });
  }
  const report: TestLoopReport = { totalMs: elapsedMs(), setupMs, tests };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
