/**
 * Test-loop driver, realistic mode: the five workflow tests on this package's local HTTP service,
 * which hosts the deployed bundle (`TEST_LOOP_BUNDLE`, esbuild output of `ours-handlers.ts`) in a
 * function process and talks to it over HTTP with the AWS SDK client. Prints one JSON line
 * ({@link TestLoopReport}).
 */
import { GetDurableExecutionHistoryCommand, LambdaClient, SendDurableExecutionCallbackSuccessCommand } from '@aws-sdk/client-lambda';
import { LocalDurableService } from '../../local';
import { checkOutcome, elapsedMs, TEST_CASES, type TestLoopReport } from './cases';

/** Polls the execution's history over HTTP until the callback has started; returns its id. */
async function waitForCallbackId(client: LambdaClient, executionArn: string): Promise<string> {
  for (let attempt = 0; attempt < 2000; attempt++) {
    const page = await client.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: executionArn, MaxItems: 1000 }));
    const started = page.Events?.find((event) => event.EventType === 'CallbackStarted');
    const id = started?.CallbackStartedDetails?.CallbackId;
    if (id !== undefined) return id;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`The callback of ${executionArn} did not start within 2,000 polls.`);
}

async function main(): Promise<void> {
  const bundle = process.env.TEST_LOOP_BUNDLE;
  if (bundle === undefined) throw new Error('Set TEST_LOOP_BUNDLE to the bundled ours-handlers.js.');
  const svc = await LocalDurableService.start({ handlerOutput: 'silent' });
  const client = svc.client();
  const setupMs = elapsedMs();
  const tests: Array<{ id: string; ms: number }> = [];
  try {
    for (const test of TEST_CASES) {
      const started = elapsedMs();
      await svc.registerFunction({ name: test.id, bundle, handler: test.id, nodeBinary: process.execPath, environment: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
      // The virtual clock would run to the execution timeout while the callback waits: hold it
      // until the test has answered.
      const release = test.callbackAnswer !== undefined ? svc.holdClock() : () => undefined;
      const arn = await svc.startExecution(`${test.id}:live`, test.input);
      if (test.callbackAnswer !== undefined) {
        const callbackId = await waitForCallbackId(client, arn);
        await client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: JSON.stringify(test.callbackAnswer) }));
      }
      release();
      const run = await svc.waitForExecution(arn);
      checkOutcome(test, run.status, run.result);
      tests.push({ id: test.id, ms: elapsedMs() - started });
    }
  } finally {
    await svc.stop();
  }
  const report: TestLoopReport = { totalMs: elapsedMs(), setupMs, tests };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
