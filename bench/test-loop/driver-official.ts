/**
 * Test-loop driver: the five workflow tests on the official testing package's
 * LocalDurableTestRunner with `skipTime`, in one process, as its README shows. Prints one JSON
 * line ({@link TestLoopReport}).
 */
import { LocalDurableTestRunner, WaitingOperationStatus } from '@aws/durable-execution-sdk-js-testing';
import { checkOutcome, elapsedMs, TEST_CASES, type TestLoopReport } from './cases';
import { HANDLERS } from './official-workflows';

async function main(): Promise<void> {
  await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
  const setupMs = elapsedMs();
  const tests: Array<{ id: string; ms: number }> = [];
  try {
    for (const test of TEST_CASES) {
      const started = elapsedMs();
      // A fresh runner per test, as the README's beforeEach creates it.
      const runner = new LocalDurableTestRunner({ handlerFunction: HANDLERS[test.id] });
      const execution = runner.run({ payload: test.input });
      if (test.callbackAnswer !== undefined) {
        const callback = runner.getOperation('approval');
        await callback.waitForData(WaitingOperationStatus.SUBMITTED);
        // The official runtime hands a callback's result to the workflow as the raw string it was sent.
        await callback.sendCallbackSuccess(test.callbackAnswer);
      }
      const result = await execution;
      checkOutcome(test, result.getStatus(), result.getResult());
      tests.push({ id: test.id, ms: elapsedMs() - started });
    }
  } finally {
    await LocalDurableTestRunner.teardownTestEnvironment();
  }
  const report: TestLoopReport = { totalMs: elapsedMs(), setupMs, tests };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
