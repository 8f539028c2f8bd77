/**
 * Checkpoint calls go out without a ClientToken (runtime/invocation/client-token.ts): the real
 * SDK's pipeline, in a real esbuild bundle hosted by the local HTTP service, sends bodies without
 * the member and with a matching Content-Length; a lost response ends the invocation and the next
 * one replays, with every step recorded once. `stripClientToken` is checked on its own below.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CheckpointDurableExecutionRequest } from '@aws-sdk/client-lambda';
import { LocalDurableService, type ExecutionRun } from '../../local';
import { stripClientToken } from '../../runtime/invocation/client-token';
import { bundleWorkflowSource } from './support';

const RUNTIME = path.join(__dirname, '../../runtime');

const SOURCE = `
import { Duration, withDurableExecution } from ${JSON.stringify(RUNTIME)};
export const handler = withDurableExecution(async (input: { id: string }, ctx) => {
  const first = await ctx.step('first', async () => 'one-' + input.id);
  await ctx.wait('pause', Duration.seconds(1));
  const both = await ctx.parallel('both', [(b) => b.step('left', async () => 'L'), (b) => b.step('right', async () => 'R')]);
  const last = await ctx.step('last', async () => 'two-' + input.id);
  return { first, both: both.getResults(), last };
});
`;

describe('checkpoint calls without a ClientToken', () => {
  let outDir: string;
  let svc: LocalDurableService;

  beforeAll(async () => {
    outDir = await bundleWorkflowSource(SOURCE, 'no-client-token');
  });

  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));
  afterEach(() => svc.stop());

  /** Starts the service recording every checkpoint request's parsed body and its byte count on the socket. */
  async function start(): Promise<{ inputs: CheckpointDurableExecutionRequest[]; bodyBytes: number[] }> {
    const bodyBytes: number[] = [];
    svc = await LocalDurableService.start({
      handlerOutput: 'silent',
      onRequest: (request) => {
        if (request.operation === 'CheckpointDurableExecution') bodyBytes.push(request.requestBodyBytes);
      },
    });
    await svc.registerFunction({ name: 'no-token', bundle: path.join(outDir, 'index.js') });
    return { inputs: [], bodyBytes };
  }

  function expectSucceeded(run: ExecutionRun): void {
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual({ first: 'one-x', both: ['L', 'R'], last: 'two-x' });
    for (const name of ['first', 'left', 'right', 'last']) {
      expect(run.history.filter((e) => e.EventType === 'StepSucceeded' && e.Name === name)).toHaveLength(1);
    }
  }

  it('sends every call without the member, with a Content-Length the service reads the whole body by', async () => {
    const seen = await start();
    svc.injectFaults([{ fault: 'server-error', operation: 'CheckpointDurableExecution', when: (call) => (seen.inputs.push(call.input as CheckpointDurableExecutionRequest), false) }]);
    const run = await svc.run('no-token:live', { id: 'x' });
    expectSucceeded(run);
    expect(seen.inputs.length).toBeGreaterThanOrEqual(4);
    expect(seen.inputs.filter((input) => 'ClientToken' in input)).toEqual([]);
    // What crossed the socket is the JSON of what the service parsed (the ARN travels in the path).
    const serialized = seen.inputs.map(({ DurableExecutionArn: _arn, ...body }) => Buffer.byteLength(JSON.stringify(body)));
    expect(seen.bodyBytes).toEqual(serialized);
  });

  it('ends the invocation whose call lost its response; the next invocation replays it and every step is recorded once', async () => {
    const seen = await start();
    // The second call is applied and its response dropped; the SDK's retry re-sends the identical body.
    svc.injectFaults([
      { fault: 'server-error', operation: 'CheckpointDurableExecution', when: (call) => (seen.inputs.push(call.input as CheckpointDurableExecutionRequest), false) },
      { fault: 'drop-response', operation: 'CheckpointDurableExecution', callIndex: 1 },
    ]);
    const run = await svc.run('no-token:live', { id: 'x' });
    expectSucceeded(run);
    expect(seen.inputs[2]).toEqual(seen.inputs[1]);
    // The call was the wait's START, the last of the first invocation: that invocation fails and
    // the service invokes again, which finds the wait started and goes on.
    expect(seen.inputs[1].Updates?.map((u) => [u.Type, u.Action])).toEqual([['WAIT', 'START']]);
    expect(run.invocations.map((inv) => inv.error?.ErrorType)).toEqual(['CheckpointError', undefined, undefined]);
    expect(run.invocations[0].error?.ErrorMessage).toContain('"Invalid checkpoint token"');
    expect(run.history.filter((e) => e.EventType === 'WaitStarted')).toHaveLength(1);
  });
});

describe('stripClientToken', () => {
  it('takes the member out wherever it stands, with one of its commas', () => {
    expect(stripClientToken('{"CheckpointToken":"t","Updates":[],"ClientToken":"abc"}', 'abc')).toBe('{"CheckpointToken":"t","Updates":[]}');
    expect(stripClientToken('{"ClientToken":"abc","CheckpointToken":"t"}', 'abc')).toBe('{"CheckpointToken":"t"}');
    expect(stripClientToken('{"A":1,"ClientToken":"abc","B":2}', 'abc')).toBe('{"A":1,"B":2}');
    expect(stripClientToken('{"ClientToken":"abc"}', 'abc')).toBe('{}');
  });

  it('leaves a body unchanged when the member is not there in exactly that form', () => {
    for (const body of ['{"CheckpointToken":"t"}', '{"ClientToken": "abc"}', '{"ClientToken":"abd"}']) {
      expect(stripClientToken(body, 'abc')).toBe(body);
    }
  });

  it('never touches text inside a string value, whose quotes JSON escapes', () => {
    const body = JSON.stringify({ CheckpointToken: 't', Updates: [{ Id: '1', Payload: JSON.stringify({ ClientToken: 'abc' }) }] });
    expect(stripClientToken(body, 'abc')).toBe(body);
    expect(stripClientToken(`${body.slice(0, -1)},"ClientToken":"abc"}`, 'abc')).toBe(body);
  });

  it('works on the bytes the SDK serializes, a view into a larger buffer included', () => {
    const pool = Buffer.from('xx{"CheckpointToken":"t","ClientToken":"abc"}yy');
    const view = new Uint8Array(pool.buffer, pool.byteOffset + 2, pool.length - 4);
    expect(Buffer.from(stripClientToken(view, 'abc')).toString()).toBe('{"CheckpointToken":"t"}');
    expect(stripClientToken(view, 'abd')).toBe(view);
  });
});
