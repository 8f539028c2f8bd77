/**
 * The default client: a handler made without `client` creates one `new LambdaClient({})` per
 * process, on first use, so the standard environment (AWS_REGION, AWS_ENDPOINT_URL_LAMBDA,
 * credentials) decides where it goes. Checked with a real esbuild bundle hosted by the local HTTP
 * service, which gives each handler Lambda's environment pointing at itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalDurableService } from '../../local';
import { bundleWorkflowSource } from './support';

const RUNTIME = path.join(__dirname, '../../runtime');

// Counts the clients that send requests (patching the bundle's own copy of the SDK) and the
// invocations this module served, so a workflow can report whether one client served them all.
const SOURCE = `
import { LambdaClient } from '@aws-sdk/client-lambda';
import { Duration, withDurableExecution } from ${JSON.stringify(RUNTIME)};

const clients: LambdaClient[] = [];
const send = LambdaClient.prototype.send;
LambdaClient.prototype.send = function (this: LambdaClient, ...args: unknown[]) {
  if (!clients.includes(this)) clients.push(this);
  return (send as (...a: unknown[]) => unknown).apply(this, args);
} as typeof send;
let invocations = 0;

const durable = withDurableExecution(async (input: { id: string }, ctx) => {
  const first = await ctx.step('first', async () => 'one-' + input.id);
  await ctx.wait(Duration.seconds(1));
  const second = await ctx.step('second', async () => 'two-' + input.id);
  await ctx.wait(Duration.seconds(1));
  return { first, second, invocations, clients: clients.length, region: await clients[0]?.config.region() };
});

export const handler = (event: never, context: never) => {
  invocations += 1;
  return durable(event, context);
};
`;

describe('the default LambdaClient', () => {
  let outDir: string;
  let svc: LocalDurableService | undefined;

  beforeAll(async () => {
    outDir = await bundleWorkflowSource(SOURCE, 'default-client');
  });

  afterAll(async () => {
    await svc?.stop();
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('is created once per process from the environment and reaches the service at AWS_ENDPOINT_URL_LAMBDA', async () => {
    const checkpoints: number[] = [];
    svc = await LocalDurableService.start({
      region: 'eu-west-3',
      handlerOutput: 'silent',
      onRequest: (request) => {
        if (request.operation === 'CheckpointDurableExecution') checkpoints.push(request.status);
      },
    });
    await svc.registerFunction({ name: 'default-client', bundle: path.join(outDir, 'index.js') });
    const run = await svc.run('default-client:live', { id: '7' });
    expect(run.status).toBe('SUCCEEDED');
    const result = run.result as { first: string; second: string; invocations: number; clients: number; region: string };
    expect(result).toMatchObject({ first: 'one-7', second: 'two-7', clients: 1, region: 'eu-west-3' });
    // Three invocations in one process (the worker is reused), all served by the same client.
    expect(run.invocations).toHaveLength(3);
    expect(result.invocations).toBe(3);
    expect(checkpoints.length).toBeGreaterThanOrEqual(4);
    expect(checkpoints.every((status) => status === 200)).toBe(true);
  });
});
