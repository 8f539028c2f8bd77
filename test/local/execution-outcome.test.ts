import { InProcessDurableService } from '../../local/testing';

// Both services describe an execution through the same reader; a result that is not JSON text
// (any handler may return one) must be reported, not thrown on.
describe('describing an execution outcome', () => {
  let svc: InProcessDurableService;

  beforeEach(() => {
    svc = new InProcessDurableService();
  });

  afterEach(async () => {
    await svc.close();
  });

  it('keeps a non-JSON result as its text and parses a JSON one', async () => {
    svc.registerHandler('plain-text', async () => ({ Status: 'SUCCEEDED', Result: 'done, not JSON' }));
    svc.registerHandler('json', async () => ({ Status: 'SUCCEEDED', Result: '{"ok":true}' }));

    const text = await svc.run('plain-text');
    expect(text.status).toBe('SUCCEEDED');
    expect(text.resultPayload).toBe('done, not JSON');
    expect('result' in text).toBe(false);

    const json = await svc.run('json');
    expect(json.result).toEqual({ ok: true });
    expect(json.resultPayload).toBe('{"ok":true}');
    expect(json.history.at(-1)?.EventType).toBe('ExecutionSucceeded');
  });
});
