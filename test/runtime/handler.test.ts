import { isDurableHandler, withDurableExecution } from '../../runtime';
import { operationId } from '../../runtime/ids';
import { InProcessDurableService } from '../../local/testing';
import { idHash } from './support';

describe('withDurableExecution', () => {
  it('tags the handler so a generated entry can tell it from a plain workflow', () => {
    const workflow = async () => 'x';
    const handler = withDurableExecution(workflow);
    expect(isDurableHandler(handler)).toBe(true);
    expect(isDurableHandler(workflow)).toBe(false);
    expect(isDurableHandler(undefined)).toBe(false);
    expect(isDurableHandler({ [Symbol.for('cdk-durable-function.handler')]: true })).toBe(false);
  });

  it('rejects a workflow that is not a function', () => {
    expect(() => withDurableExecution('nope' as never)).toThrow(/needs a workflow function/);
  });

  it('hands the workflow the Lambda context and the execution ARN, and reads absent input as {}', async () => {
    const svc = new InProcessDurableService();
    try {
      const seen: unknown[] = [];
      svc.registerHandler(
        'context',
        withDurableExecution(
          async (input, ctx) => {
            seen.push(input, ctx.lambdaContext?.functionName, ctx.executionArn);
            return 'ok';
          },
          { client: svc.client },
        ),
      );
      const run = await svc.run('context');
      expect(seen).toEqual([{}, 'context', run.executionArn]);
    } finally {
      await svc.close();
    }
  });
});

describe('operation ids', () => {
  it('hash the counter at the root and "<parent>-<counter>" below it, keeping 12 base64url characters', () => {
    expect(operationId(undefined, 1)).toBe('a4ayc_80_OGd');
    const parent = operationId(undefined, 3);
    expect(operationId(parent, 2)).toBe(idHash(`${idHash('3')}-2`));
    expect(operationId(parent, 2)).toMatch(/^[A-Za-z0-9_-]{12}$/);
  });

  it('stay distinct over a full-size execution tree', () => {
    // 3,000 operations (the service's limit) spread over nested contexts: no two ids coincide.
    const ids = new Set<string>();
    for (let root = 1; root <= 30; root++) {
      const context = operationId(undefined, root);
      ids.add(context);
      for (let child = 1; child <= 99; child++) ids.add(operationId(context, child));
    }
    expect(ids.size).toBe(30 * 100);
  });
});
