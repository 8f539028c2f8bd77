/**
 * The bench's protocol minimum of checkpoint calls (bench/harness/protocol-minimum.ts) is reached
 * by this runtime: each workload shape, at a size that keeps the test fast, runs on the in-process
 * service and makes exactly the derived number of CheckpointDurableExecution calls. Counts, not
 * timings: they depend only on the protocol and the runtime's batching.
 */
import { withDurableExecution } from '../../runtime';
import { InProcessDurableService } from '../../local/testing';
import { protocolMinimum } from '../../bench/harness/protocol-minimum';
import type { Workload } from '../../bench/workloads/catalog';
import { workflows } from './workflows';


const shapes: Array<Pick<Workload, 'id' | 'entry' | 'input'>> = [
  { id: 'steps-20', entry: 'steps', input: { steps: 20 } },
  { id: 'parallel-100', entry: 'parallel', input: { branches: 100 } },
  { id: 'parallel-200-c50', entry: 'parallel', input: { branches: 200, maxConcurrency: 50 } },
  { id: 'map-300', entry: 'map', input: { items: 300 } },
  { id: 'wide-map-600', entry: 'wide-map', input: { items: 600, waits: 2, waitSeconds: 60 } },
  { id: 'replay-30', entry: 'replay', input: { steps: 30, waits: 2, waitSeconds: 60 } },
  { id: 'waits-5', entry: 'waits', input: { waits: 5, waitSeconds: 60 } },
];

describe('the protocol minimum of checkpoint calls', () => {
  it.each(shapes)('is what $id takes on this runtime', async (shape) => {
    const workload = { ...shape, title: shape.id, repetitions: 1, expected: undefined } as Workload;
    const svc = new InProcessDurableService();
    try {
      svc.registerHandler(shape.id, withDurableExecution(workflows[shape.entry], { client: svc.client }));
      const run = await svc.run(shape.id, shape.input);
      expect(run.status).toBe('SUCCEEDED');
      const calls = run.invocations.flatMap((inv) => inv.dataPlaneCalls).filter((call) => call.command === 'CheckpointDurableExecution');
      expect(calls).toHaveLength(protocolMinimum(workload).calls);
    } finally {
      await svc.close();
    }
  });

  it('names the workload it has no derivation for', () => {
    expect(() => protocolMinimum({ id: 'x', title: 'x', entry: 'unknown', input: {}, repetitions: 1, expected: undefined })).toThrow(/No protocol minimum .* 'unknown'/);
  });
});
