/**
 * The workflow shown in the README, kept compiling and runnable:
 *
 *   npx ts-node --transpile-only local/cli/index.ts local examples/orders-workflow.ts --input '{"orderId":"42"}'
 *
 * The business functions below stand in for real services; everything durable is real.
 */
import { CompletionConfig, Duration, RetryPresets, withDurableExecution } from 'cdk-durable-function/runtime';

interface Order {
  readonly id: string;
  readonly lines: readonly string[];
}

async function loadOrder(orderId: string): Promise<Order> {
  return { id: orderId, lines: ['book', 'lamp', 'chair'] };
}

async function nextInvoiceNumber(): Promise<number> {
  return 1001;
}

async function render(order: Order, invoiceNumber: number): Promise<string> {
  return `invoice ${invoiceNumber} for order ${order.id}: ${order.lines.length} lines`;
}

async function ship(line: string): Promise<string> {
  return `shipped ${line}`;
}

export const handler = withDurableExecution(async (input: { orderId: string }, ctx) => {
  // A step's result is checkpointed; on replay it is returned without running the function again.
  const order = await ctx.step('load', async () => loadOrder(input.orderId), {
    retryStrategy: RetryPresets.exponentialBackoff({ maxAttempts: 5 }),
  });

  // A durable wait: the invocation suspends and the service re-invokes the function later.
  await ctx.wait('cool-off', Duration.minutes(5));

  // A child context groups operations under one checkpoint.
  const invoice = await ctx.runInChildContext('invoice', async (child) => {
    const invoiceNumber = await child.step('number', () => nextInvoiceNumber());
    return child.step('render', () => render(order, invoiceNumber));
  });

  // Parallel work over items, with a concurrency limit and a completion policy.
  const shipments = await ctx.map('ship', order.lines, async (itemCtx, line) => itemCtx.step('ship', () => ship(line)), {
    maxConcurrency: 2,
    completionConfig: CompletionConfig.allCompleted(),
  });

  return { invoice, shipped: shipments.getResults() };
});
