/**
 * Pausing, resuming and deleting as a user does it, following the README: the packed package is
 * installed into a fresh app outside the repository, whose own workflow runs on the local service;
 * the app pauses it from code, completes its callback while paused, and resumes and deletes it with
 * the installed `cdk-durable` command line.
 */
import { createPackedApp, type PackedApp } from '../support/packed-app';

jest.setTimeout(10 * 60_000);

let app: PackedApp;

beforeAll(() => {
  // NodeNext resolves the package's subpath exports (`cdk-durable-function/local`) with their types.
  app = createPackedApp({ tsconfig: 'nodenext' });
});

afterAll(() => app?.cleanup());

const WORKFLOW = `import { Duration, withDurableExecution } from 'cdk-durable-function/runtime';

export const handler = withDurableExecution(async (input: { orderId: string }, ctx) => {
  const approval = await ctx.waitForCallback<{ by: string }>('approval', async () => undefined, { timeout: Duration.hours(24) });
  const charged = await ctx.step('charge', async () => 'charged-' + input.orderId);
  return { approval, charged };
});
`;

const CONTROL = `import { execFile } from 'node:child_process';
import { LocalDurableService } from 'cdk-durable-function/local';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['--no-install', 'cdk-durable', ...args], (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const svc = await LocalDurableService.start({ handlerOutput: 'silent' });
  try {
    await svc.registerFunction({ name: 'orders', bundle: 'src/orders.ts', handler: 'handler' });
    const arn = await svc.startExecution('orders:live', { orderId: '42' });
    let callbackId: string | undefined;
    while (callbackId === undefined || svc.core.isInvocationRunning(arn)) {
      await sleep(10);
      callbackId = svc.history(arn).find((e) => e.EventType === 'CallbackStarted')?.CallbackStartedDetails?.CallbackId;
    }
    await svc.pause(arn, { reason: 'payments deploy' });
    const whilePaused = svc.describe(arn).status;
    svc.core.sendCallbackSuccess(callbackId, JSON.stringify({ by: 'alice' }));
    const deleteRunning = await cli(['delete', arn, '--endpoint', svc.endpoint]);
    const resume = await cli(['resume', arn, '--reason', 'deploy done', '--endpoint', svc.endpoint]);
    const run = await svc.waitForExecution(arn);
    const del = await cli(['delete', arn, '--endpoint', svc.endpoint]);
    const deleteAgain = await cli(['delete', arn, '--endpoint', svc.endpoint]);
    console.log(JSON.stringify({
      whilePaused,
      deleteRunning,
      resume,
      status: run.status,
      result: run.result,
      events: run.history.map((e) => e.EventType),
      timeline: run.timeline,
      del,
      deleteAgain,
    }));
  } finally {
    await svc.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

test('a user pauses from code, and resumes and deletes with the installed cdk-durable command', () => {
  app.write('src/orders.ts', WORKFLOW);
  app.write('control.ts', CONTROL);
  const out = app.runOk('npx', ['--no-install', 'ts-node', 'control.ts']);
  const report = JSON.parse(out.stdout.trim().split('\n').pop() as string);
  expect(report.whilePaused).toBe('PAUSED');
  expect(report.deleteRunning.code).toBe(1);
  expect(report.deleteRunning.stderr).toMatch(/ResourceConflictException: Cannot delete an execution in status PAUSED/);
  expect(report.resume.code).toBe(0);
  expect(report.resume.stdout).toMatch(/^Resume requested: arn:aws:lambda:us-east-1:123456789012:function:orders:1\/durable-execution\//);
  expect(report.status).toBe('SUCCEEDED');
  expect(report.result).toEqual({ approval: { by: 'alice' }, charged: 'charged-42' });
  expect(report.events).toEqual(expect.arrayContaining(['ExecutionPaused', 'CallbackSucceeded', 'ExecutionResumed']));
  const types: string[] = report.events;
  expect(types.indexOf('ExecutionPaused')).toBeLessThan(types.indexOf('CallbackSucceeded'));
  expect(types.indexOf('CallbackSucceeded')).toBeLessThan(types.indexOf('ExecutionResumed'));
  expect(report.timeline).toMatch(/paused .*"payments deploy"/);
  expect(report.del.code).toBe(0);
  expect(report.del.stdout).toMatch(/^Deletion requested: /);
  expect(report.deleteAgain.code).toBe(1);
  expect(report.deleteAgain.stderr).toMatch(/ResourceNotFoundException/);
});
