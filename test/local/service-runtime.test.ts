/**
 * End to end with this project's runtime: a workflow written with `withDurableExecution`,
 * bundled with esbuild into one CommonJS file (as the construct ships it), started and observed
 * over HTTP with a LambdaClient only.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  Event,
  GetDurableExecutionCommand,
  InvokeCommand,
  LambdaClient,
  paginateGetDurableExecutionHistory,
  SendDurableExecutionCallbackSuccessCommand,
} from '@aws-sdk/client-lambda';
import { build } from 'esbuild';
import { LocalDurableService } from '../../local';

const ENTRY = path.join(__dirname, '../fixtures/local/runtime/order-workflow.ts');

/** The wire id of a call path (runtime/ids.ts): the path while shorter than 12 characters, else 12 base64url characters of its sha256. */
const idOf = (path: string) => (path.length < 12 ? path : createHash('sha256').update(path).digest('base64url').slice(0, 12));

async function historyOf(client: LambdaClient, arn: string): Promise<Event[]> {
  const events: Event[] = [];
  for await (const page of paginateGetDurableExecutionHistory({ client, pageSize: 5 }, { DurableExecutionArn: arn })) {
    events.push(...(page.Events ?? []));
  }
  return events;
}

function decode(payload: Uint8Array | undefined): unknown {
  return JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString('utf8'));
}

describe("this project's runtime over HTTP on the local service", () => {
  let outDir: string;
  let svc: LocalDurableService;
  let client: LambdaClient;

  beforeAll(async () => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-e2e-'));
    await build({ entryPoints: [ENTRY], outfile: path.join(outDir, 'index.js'), bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
    svc = await LocalDurableService.start({ handlerOutput: 'silent' });
    await svc.registerFunction({ name: 'orders', bundle: path.join(outDir, 'index.js'), handler: 'handler', executionTimeout: 7 * 86_400 });
    client = svc.client();
  });

  afterAll(async () => {
    await svc?.stop();
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('runs step → wait → retried step → child context, with the history the protocol describes', async () => {
    const response = await client.send(
      new InvokeCommand({ FunctionName: 'orders:live', Payload: Buffer.from('{"orderId":"42"}'), DurableExecutionName: 'order-42' }),
    );
    expect(response.FunctionError).toBeUndefined();
    expect(decode(response.Payload)).toEqual({
      reservation: 'res-42',
      chargedOnAttempt: 2,
      hoursBetweenReserveAndCharge: 1,
      shipment: 'label-42-dispatched',
      approval: 'not needed',
    });
    const arn = response.DurableExecutionArn as string;
    const events = await historyOf(client, arn);

    // Deterministic ids (§2.7): the call path, the counter at the root and "<parent id>-<n>" inside a context.
    const [reserve, settle, charge, ship] = ['1', '2', '3', '4'].map(idOf);
    const [label, shipWait, dispatch] = ['1', '2', '3'].map((n) => idOf(`${ship}-${n}`));
    const summary = events.map((e) => [e.EventType, e.Id ?? '', e.ParentId ?? '', e.Name ?? '', e.SubType ?? '']);
    expect(summary).toEqual([
      ['ExecutionStarted', expect.any(String), '', 'order-42', ''],
      ['StepStarted', reserve, '', 'reserve', 'Step'],
      ['StepSucceeded', reserve, '', 'reserve', 'Step'],
      ['WaitStarted', settle, '', 'settle', 'Wait'],
      ['InvocationCompleted', '', '', '', ''],
      ['WaitSucceeded', settle, '', 'settle', 'Wait'],
      ['StepStarted', charge, '', 'charge', 'Step'],
      ['StepFailed', charge, '', 'charge', 'Step'],
      ['InvocationCompleted', '', '', '', ''],
      ['StepStarted', charge, '', 'charge', 'Step'],
      ['StepSucceeded', charge, '', 'charge', 'Step'],
      ['ContextStarted', ship, '', 'ship', 'RunInChildContext'],
      ['StepStarted', label, ship, 'label', 'Step'],
      ['StepSucceeded', label, ship, 'label', 'Step'],
      ['WaitStarted', shipWait, ship, '', 'Wait'],
      ['InvocationCompleted', '', '', '', ''],
      ['WaitSucceeded', shipWait, ship, '', 'Wait'],
      ['StepStarted', dispatch, ship, 'dispatch', 'Step'],
      ['StepSucceeded', dispatch, ship, 'dispatch', 'Step'],
      ['ContextSucceeded', ship, '', 'ship', 'RunInChildContext'],
      ['InvocationCompleted', '', '', '', ''],
      ['ExecutionSucceeded', expect.any(String), '', expect.any(String), ''],
    ]);
    const byType = (type: string) => events.filter((e) => e.EventType === type);
    expect(byType('StepFailed')[0].StepFailedDetails).toEqual({
      Error: { Payload: expect.objectContaining({ ErrorType: 'GatewayTimeout', ErrorMessage: 'gateway timeout on attempt 1' }), Truncated: false },
      RetryDetails: { CurrentAttempt: 1, NextAttemptDelaySeconds: 10 },
    });
    expect(byType('StepSucceeded').find((e) => e.Id === charge)?.StepSucceededDetails?.RetryDetails).toEqual({ CurrentAttempt: 2 });
    expect(byType('WaitStarted').map((e) => e.WaitStartedDetails?.Duration)).toEqual([3600, 5]);
    expect(byType('ContextSucceeded')[0].ContextSucceededDetails?.Result?.Payload).toBe('"label-42-dispatched"');
    expect(byType('InvocationCompleted').every((e) => e.InvocationCompletedDetails?.Error === undefined)).toBe(true);
  });

  it('waits for a callback that test code completes over HTTP', async () => {
    const started = await client.send(
      new InvokeCommand({ FunctionName: 'orders:live', InvocationType: 'Event', Payload: Buffer.from('{"orderId":"7","needsApproval":true}') }),
    );
    const arn = started.DurableExecutionArn as string;
    let callbackId: string | undefined;
    for (let i = 0; i < 400 && callbackId === undefined; i++) {
      const events = await historyOf(client, arn);
      callbackId = events.find((e) => e.EventType === 'CallbackStarted')?.CallbackStartedDetails?.CallbackId;
      if (callbackId === undefined) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    expect(callbackId).toBeDefined();
    await client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId as string, Result: Buffer.from('{"approvedBy":"dana"}') }));
    await svc.waitForExecution(arn, 30_000);
    const execution = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }));
    expect(execution.Status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.Result as string)).toMatchObject({ approval: { approvedBy: 'dana' }, shipment: 'label-7-dispatched' });
    const events = await historyOf(client, arn);
    expect(events.filter((e) => e.EventType === 'CallbackStarted')[0]).toMatchObject({ Name: 'approval', SubType: 'Callback', CallbackStartedDetails: { Timeout: 86_400 } });
    expect(events.filter((e) => e.EventType === 'CallbackSucceeded')[0].CallbackSucceededDetails?.Result?.Payload).toBe('{"approvedBy":"dana"}');
  });
});
