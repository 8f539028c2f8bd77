/**
 * The bench's bytes floor (bench/harness/bytes-floor.ts) is exact: on the in-process service
 * (same core, same checkpoint tokens as the bench's HTTP service), the request bodies this runtime
 * sends for each sequential workload shape are the floor plus, to the byte, what its decimal
 * call-path ids add over the shortest possible ids: no ClientToken, nothing else. Counts, not timings.
 */
import { withDurableExecution } from '../../runtime';
import { InProcessDurableService, type RunResult } from '../../local/testing';
import { bytesFloor, envelopeBytes, shortestIdLength } from '../../bench/harness/bytes-floor';
import type { Workload } from '../../bench/workloads/catalog';
import { workflows } from './workflows';


const shapes: Array<Pick<Workload, 'id' | 'entry' | 'input'>> = [
  { id: 'steps-80', entry: 'steps', input: { steps: 80 } },
  { id: 'replay-120', entry: 'replay', input: { steps: 120, waits: 3, waitSeconds: 60 } },
  { id: 'waits-12', entry: 'waits', input: { waits: 12, waitSeconds: 60 } },
];

const workload = (shape: (typeof shapes)[number]): Workload => ({ ...shape, title: shape.id, repetitions: 1, expected: undefined }) as Workload;

/** The request bodies of a run's checkpoint calls, as the SDK serializes them (the ARN is in the path). */
function bodies(run: RunResult): string[] {
  return run.invocations
    .flatMap((inv) => inv.dataPlaneCalls)
    .filter((call) => call.command === 'CheckpointDurableExecution')
    .map(({ input: { DurableExecutionArn: _arn, ...body } }) => JSON.stringify(body));
}

describe('the bytes floor of the sequential workloads', () => {
  it.each(shapes)('is what $id sends, less the extra characters of decimal ids', async (shape) => {
    const floor = bytesFloor(workload(shape));
    expect(floor).toBeDefined();
    const svc = new InProcessDurableService();
    try {
      svc.registerHandler(shape.id, withDurableExecution(workflows[shape.entry], { client: svc.client }));
      const run = await svc.run(shape.id, shape.input);
      expect(run.status).toBe('SUCCEEDED');
      const sent = bodies(run);
      expect(sent).toHaveLength(floor?.calls ?? -1);
      // Every operation here is a root operation with a decimal id "1", "2", …; steps send it twice.
      const ops = run.operations.filter((op) => op.Type !== 'EXECUTION');
      const idExcess = ops.reduce((sum, op, index) => {
        expect(op.Id).toBe(String(index + 1));
        const extra = String(index + 1).length - shortestIdLength(index + 1);
        return sum + extra * (op.Type === 'STEP' ? 2 : 1);
      }, 0);
      const total = sent.reduce((sum, body) => sum + Buffer.byteLength(body), 0);
      expect(total).toBe((floor?.bytes ?? 0) + idExcess);
    } finally {
      await svc.close();
    }
  });

  it('counts ids of the 64-character alphabet and the token the service issues for each call', () => {
    expect([1, 64, 65, 64 + 4096, 64 + 4097].map(shortestIdLength)).toEqual([1, 1, 2, 2, 3]);
    // ct1:<36>:<invocation>:<call>:<36> in base64: 81 bytes → 108 characters, 84 → 112.
    expect(envelopeBytes(1, 1)).toBe('{"CheckpointToken":"","Updates":[]}'.length + 108);
    expect(envelopeBytes(1, 1000)).toBe('{"CheckpointToken":"","Updates":[]}'.length + 112);
  });

  it('is not derived for the batch workloads', () => {
    expect(bytesFloor({ id: 'map-10', title: 'map', entry: 'map', input: { items: 10 }, repetitions: 1, expected: undefined })).toBeUndefined();
  });
});
