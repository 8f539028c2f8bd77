/**
 * The local service publishes what Lambda publishes about durable executions: a status-change
 * event (EventBridge shape) when an execution starts and when it ends, and the durable execution
 * metrics per function. Executions of this project's runtime are driven to each terminal status
 * over HTTP with a LambdaClient, as a user would.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  GetDurableExecutionCommand,
  InvokeCommand,
  LambdaClient,
  StopDurableExecutionCommand,
  type Event,
} from '@aws-sdk/client-lambda';
import { build } from 'esbuild';
import { LocalDurableService, type DurableExecutionStatusChangeEvent } from '../../local';
import { runCli, type CliOutput } from '../../local/cli';

const ENTRY = path.join(__dirname, '../fixtures/local/observability/outcomes.ts');
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

function bytes(text: string | undefined): number {
  return text === undefined ? 0 : Buffer.byteLength(text, 'utf8');
}

/** Payload bytes the execution wrote: its input and every step result, from its history. */
function writtenBytes(input: string, history: readonly Event[]): number {
  return bytes(input) + history.reduce((sum, e) => sum + bytes(e.StepSucceededDetails?.Result?.Payload), 0);
}

describe('status-change events and metrics on the local service', () => {
  let outDir: string;
  let svc: LocalDurableService;
  let client: LambdaClient;
  const fromOption: DurableExecutionStatusChangeEvent[] = [];
  const fromMethod: DurableExecutionStatusChangeEvent[] = [];
  let stopListening: () => void;

  beforeAll(async () => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'observability-'));
    const bundle = path.join(outDir, 'index.js');
    await build({ entryPoints: [ENTRY], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
    svc = await LocalDurableService.start({ handlerOutput: 'silent', onExecutionStatusChange: (event) => fromOption.push(event) });
    stopListening = svc.onExecutionStatusChange((event) => fromMethod.push(event));
    await svc.registerFunction({ name: 'succeeds', bundle, handler: 'succeeds' });
    await svc.registerFunction({ name: 'fails', bundle, handler: 'fails' });
    await svc.registerFunction({ name: 'outlives', bundle, handler: 'outlivesItsTimeout', executionTimeout: 3600 });
    await svc.registerFunction({ name: 'approvals', bundle, handler: 'awaitsApproval' });
    client = svc.client();
  }, 60_000);

  afterAll(async () => {
    await svc?.stop();
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  /** Events of one execution, in the order they were published. */
  const eventsOf = (arn: string) => fromOption.filter((e) => e.detail.durableExecutionArn === arn);

  /** The envelope and detail Lambda documents, for one status of one execution. */
  async function expectedEvent(arn: string, fn: string, status: string): Promise<DurableExecutionStatusChangeEvent> {
    const execution = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }));
    const start = execution.StartTimestamp as Date;
    const end = execution.EndTimestamp as Date;
    const at = status === 'RUNNING' ? start : end;
    return {
      'version': '0',
      'id': expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown as string,
      'detail-type': 'Durable Execution Status Change',
      'source': 'aws.lambda',
      'account': ACCOUNT,
      'time': `${at.toISOString().slice(0, 19)}Z`,
      'region': REGION,
      'resources': [],
      'detail': {
        durableExecutionArn: arn,
        durableExecutionName: execution.DurableExecutionName as string,
        functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fn}:1`,
        status: status as never,
        startTimestamp: start.toISOString(),
        ...(status === 'RUNNING' ? {} : { endTimestamp: end.toISOString() }),
      },
    };
  }

  it('SUCCEEDED: RUNNING then SUCCEEDED events, and the counts, duration, operations and bytes of the execution', async () => {
    const input = '{"orderId":"42"}';
    const response = await client.send(new InvokeCommand({ FunctionName: 'succeeds:live', Payload: Buffer.from(input), DurableExecutionName: 'order-42' }));
    expect(response.FunctionError).toBeUndefined();
    const arn = response.DurableExecutionArn as string;
    const run = svc.describe(arn);
    expect(run.status).toBe('SUCCEEDED');

    expect(eventsOf(arn)).toEqual([await expectedEvent(arn, 'succeeds', 'RUNNING'), await expectedEvent(arn, 'succeeds', 'SUCCEEDED')]);
    expect(eventsOf(arn)[0].detail.durableExecutionName).toBe('order-42');

    const execution = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }));
    const durationMs = (execution.EndTimestamp as Date).getTime() - (execution.StartTimestamp as Date).getTime();
    expect(durationMs).toBeGreaterThanOrEqual(3_600_000);
    const m = svc.metrics('succeeds');
    expect(m).toEqual({
      functionName: 'succeeds',
      DurableExecutionStarted: 1,
      DurableExecutionSucceeded: 1,
      DurableExecutionFailed: 0,
      DurableExecutionTimedOut: 0,
      DurableExecutionStopped: 0,
      DurableExecutionDuration: { sampleCount: 1, sum: durationMs, minimum: durationMs, maximum: durationMs, average: durationMs },
      // EXECUTION, reserve, settle, charge: what the 3,000-operation limit counts.
      DurableExecutionOperations: { sampleCount: 1, sum: 4, minimum: 4, maximum: 4, average: 4 },
      DurableExecutionStorageWrittenBytes: expect.objectContaining({ sampleCount: 1, maximum: writtenBytes(input, run.history) }),
      ApproximateRunningDurableExecutions: { current: 0, maximum: 1 },
    });
    expect(run.operations).toHaveLength(4);
    expect(m.DurableExecutionStorageWrittenBytes.maximum).toBe(bytes(input) + bytes('"reserved-42"') + bytes('"charged-42"'));
  });

  it('FAILED: the FAILED event, and DurableExecutionFailed counts the execution once, not its invocations', async () => {
    const response = await client.send(new InvokeCommand({ FunctionName: 'fails:live', Payload: Buffer.from('{"orderId":"7"}') }));
    expect(response.FunctionError).toBe('Unhandled');
    const arn = response.DurableExecutionArn as string;
    expect(svc.describe(arn).invocations).toHaveLength(2);
    expect(eventsOf(arn)).toEqual([await expectedEvent(arn, 'fails', 'RUNNING'), await expectedEvent(arn, 'fails', 'FAILED')]);
    expect(svc.metrics('fails')).toEqual(expect.objectContaining({
      DurableExecutionStarted: 1,
      DurableExecutionFailed: 1,
      DurableExecutionSucceeded: 0,
      ApproximateRunningDurableExecutions: { current: 0, maximum: 1 },
    }));
  });

  it('TIMED_OUT: a two-hour wait under a one-hour execution timeout', async () => {
    const arn = await svc.startExecution('outlives:live', {});
    const run = await svc.waitForExecution(arn, 30_000);
    expect(run.status).toBe('TIMED_OUT');
    expect(eventsOf(arn)).toEqual([await expectedEvent(arn, 'outlives', 'RUNNING'), await expectedEvent(arn, 'outlives', 'TIMED_OUT')]);
    const m = svc.metrics('outlives');
    expect(m.DurableExecutionTimedOut).toBe(1);
    expect(m.DurableExecutionDuration.maximum).toBeGreaterThanOrEqual(3_600_000);
    expect(m.DurableExecutionDuration.maximum).toBeLessThan(7_200_000);
  });

  it('STOPPED: an execution waiting for a callback, stopped with StopDurableExecution', async () => {
    const response = await client.send(new InvokeCommand({ FunctionName: 'approvals:live', InvocationType: 'Event', Payload: Buffer.from('{}') }));
    const arn = response.DurableExecutionArn as string;
    expect(eventsOf(arn).map((e) => e.detail.status)).toEqual(['RUNNING']);
    expect(svc.metrics('approvals').ApproximateRunningDurableExecutions.current).toBe(1);
    for (let i = 0; i < 200 && !svc.core.getOperations(arn).some((op) => op.Type === 'CALLBACK'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await client.send(new StopDurableExecutionCommand({ DurableExecutionArn: arn, Error: { ErrorType: 'Cancelled', ErrorMessage: 'order withdrawn' } }));
    expect(eventsOf(arn)).toEqual([await expectedEvent(arn, 'approvals', 'RUNNING'), await expectedEvent(arn, 'approvals', 'STOPPED')]);
    expect(svc.metrics('approvals')).toEqual(expect.objectContaining({
      DurableExecutionStarted: 1,
      DurableExecutionStopped: 1,
      ApproximateRunningDurableExecutions: { current: 0, maximum: 1 },
    }));
  });

  it('every listener saw the same events, and the recorded list matches; a removed listener hears nothing more', async () => {
    expect(fromMethod).toEqual(fromOption);
    expect(svc.observability.events()).toEqual(fromOption);
    expect(fromOption.map((e) => e.detail.status).filter((s) => s !== 'RUNNING').sort()).toEqual(['FAILED', 'STOPPED', 'SUCCEEDED', 'TIMED_OUT']);
    stopListening();
    await svc.run('succeeds:live', { orderId: '43' });
    expect(fromOption).toHaveLength(10);
    expect(fromMethod).toHaveLength(8);
    expect(svc.metrics('succeeds').DurableExecutionStarted).toBe(2);
  });

  it('lists the metrics of every function that ran, and an empty set for one that did not', () => {
    expect(svc.metrics().map((m) => m.functionName)).toEqual(['approvals', 'fails', 'outlives', 'succeeds']);
    expect(svc.metrics('never-ran')).toEqual(expect.objectContaining({ DurableExecutionStarted: 0, DurableExecutionDuration: expect.objectContaining({ sampleCount: 0 }) }));
  });
});

describe('cdk-durable local prints the counts at the end of a run', () => {
  it('adds a Metrics section after the timeline', async () => {
    const out = { stdout: '', stderr: '' };
    const sink: CliOutput = { write: (stream, text) => { out[stream] += text; } };
    const code = await runCli(['local', ENTRY, '--handler', 'fails', '--input', '{"orderId":"9"}'], sink);
    expect(code).toBe(1);
    const metrics = out.stdout.slice(out.stdout.indexOf('Metrics:'));
    expect(out.stdout.indexOf('Metrics:')).toBeGreaterThan(out.stdout.indexOf('Timeline:'));
    expect(metrics).toMatch(/^Metrics:\n {2}outcomes: started 1, succeeded 0, failed 1, timed out 0, stopped 0, running 0\n/);
    expect(metrics).toMatch(/max per execution: 3 of 3000 operations, \d+ bytes written of 100 MB, \d+ ms running/);
  }, 60_000);
});
