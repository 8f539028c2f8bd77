/**
 * The official AWS durable runtime's chained invoke of a plain function on the HTTP local service:
 * the target is hosted with `durable: false` and runs as a plain invocation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalDurableService } from '../../local';
import { bundleOfficialWorkflow } from './official-bundle';

const ENTRY = path.join(__dirname, '../fixtures/local/official/invoke-plain.ts');
const PRICING = path.join(__dirname, '../fixtures/local/operations/pricing.js');

test('the official runtime chain-invokes a plain function and polls with waitForCondition on the local service', async () => {
  const svc = await LocalDurableService.start({ handlerOutput: 'silent' });
  let outDir: string | undefined;
  try {
    ({ outDir } = await bundleOfficialWorkflow(ENTRY, 'official-invoke-'));
    await svc.registerFunction({ name: 'pricing', bundle: PRICING, durable: false });
    await svc.registerFunction({ name: 'official-invoke', bundle: path.join(outDir, 'index.js') });
    const run = await svc.run('official-invoke:live', { qty: 3 }, { timeoutMs: 60_000 });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result).toEqual({ quote: { total: 21 }, polls: 2 });
    expect(run.history.find((e) => e.EventType === 'ChainedInvokeSucceeded')?.ChainedInvokeSucceededDetails?.Result?.Payload).toBe('{"total":21}');
    expect(run.timeline).toMatch(/CHAINED_INVOKE\/ChainedInvoke "quote" -> pricing\s+SUCCEEDED/);
  } finally {
    await svc.stop();
    if (outDir !== undefined) fs.rmSync(outDir, { recursive: true, force: true });
  }
}, 90_000);
