import * as path from 'node:path';
import { LocalDurableService } from '../../local';

// The README's workflow example must keep compiling and doing what the README says it does.
describe('examples/orders-workflow.ts', () => {
  let svc: LocalDurableService;

  beforeAll(async () => {
    svc = await LocalDurableService.start({ clock: 'virtual', handlerOutput: 'silent' });
    await svc.registerFunction({ name: 'orders', bundle: path.join(__dirname, '../../examples/orders-workflow.ts') });
  });

  afterAll(async () => {
    await svc.stop();
  });

  it('runs to completion on the local service, suspending once for the wait', async () => {
    const run = await svc.run('orders:live', { orderId: '42' });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual({
      invoice: 'invoice 1001 for order 42: 3 lines',
      shipped: ['shipped book', 'shipped lamp', 'shipped chair'],
    });
    expect(run.history.filter((e) => e.EventType === 'InvocationCompleted')).toHaveLength(2);
    expect(run.history.filter((e) => e.EventType === 'WaitSucceeded')[0]?.WaitSucceededDetails?.Duration).toBe(300);
  });
});
