import { isDurableHandler, withDurableExecution } from '../../runtime';
import { operationId } from '../../runtime/ids';
import { InProcessDurableService } from '../../local/testing';
import { sha256 } from './support';

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
  it('hash the counter at the root and "<parent>-<counter>" below it', () => {
    expect(operationId(undefined, 1)).toBe('6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b');
    const parent = operationId(undefined, 3);
    expect(operationId(parent, 2)).toBe(sha256(`${sha256('3')}-2`));
  });
});
