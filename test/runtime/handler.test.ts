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
  it('are the call path while it is shorter than 12 characters, and 12 base64url characters of its hash beyond', () => {
    expect(operationId(undefined, 1)).toBe('1');
    expect(operationId(undefined, 2990)).toBe('2990');
    expect(operationId(operationId(undefined, 3), 2)).toBe('3-2');
    expect(operationId('1-2-3-4-5', 16)).toBe(idHash('1-2-3-4-5-16'));
    expect(operationId('1-2-3-4-5', 16)).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(operationId('1-2-3-4-5', 6)).toBe('1-2-3-4-5-6');
    // Below a hashed context every id is hashed: "<12 characters>-<n>" is too long to be a path.
    const deep = operationId('1-2-3-4-5', 16);
    expect(operationId(deep, 1)).toBe(idHash(`${deep}-1`));
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

  it('stay distinct and at most 12 characters where nesting crosses from paths to hashes', () => {
    // Nested contexts 5 deep with counters up to 3 digits: paths of 1 to 19 characters, so both
    // kinds of id occur, side by side in the same contexts.
    const ids = new Map<string, string>();
    const add = (parent: string | undefined, counter: number): string => {
      const id = operationId(parent, counter);
      const path = parent === undefined ? `${counter}` : `${parent}-${counter}`;
      expect(ids.get(id)).toBeUndefined();
      ids.set(id, path);
      return id;
    };
    for (const a of [1, 9, 10, 120]) {
      const ia = add(undefined, a);
      for (const b of [1, 7, 11, 250]) {
        const ib = add(ia, b);
        for (const c of [1, 2, 13, 300]) {
          const ic = add(ib, c);
          for (const d of [1, 5, 99, 100]) {
            const id = add(ic, d);
            for (const e of [1, 3, 42]) add(id, e);
          }
        }
      }
    }
    const kinds = [...ids.keys()].map((id) => (/^\d+(-\d+)*$/.test(id) && id.length < 12 ? 'path' : 'hash'));
    expect(new Set(kinds)).toEqual(new Set(['path', 'hash']));
    for (const id of ids.keys()) expect(id.length).toBeLessThanOrEqual(12);
  });
});
