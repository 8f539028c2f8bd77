/**
 * The metrics hook of the HTTP server (`onRequest`): one record per request with the operation,
 * the decoded labels and the sizes that crossed the socket, also for dropped and unroutable
 * requests, and plumbed through `LocalDurableService`.
 */
import * as http from 'node:http';
import * as path from 'node:path';
import { LocalDurableService } from '../../../local';
import { DurableServiceCore } from '../../../local/core';
import { coreBackend } from '../../../local/http/core-backend';
import type { ServiceLogger } from '../../../local/http/logger';
import { DurableHttpServer, ObservedRequest, ResponseDropped } from '../../../local/http/server';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:orders:1/durable-execution/run-1/abc';

interface RawReply {
  readonly status: number;
  readonly bodyBytes: number;
}

/** Sends one request with exactly the given body; resolves with the status and body size, or undefined when the socket closed. */
function send(endpoint: string, method: string, urlPath: string, body?: string): Promise<RawReply | undefined> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${endpoint}${urlPath}`, { method, headers: { 'Content-Type': 'application/json', 'X-Bench': 'yes' } }, (response) => {
      let bodyBytes = 0;
      response.on('data', (chunk: Buffer) => (bodyBytes += chunk.length));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, bodyBytes }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.message === 'socket hang up' ? resolve(undefined) : reject(error)));
    request.end(body);
  });
}

/** Waits until the server has reported `count` requests (it reports after writing the reply). */
async function settle(seen: readonly ObservedRequest[], count: number): Promise<void> {
  for (let i = 0; i < 100 && seen.length < count; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('DurableHttpServer onRequest', () => {
  const warnings: string[] = [];
  const logger: ServiceLogger = { debug: () => undefined, info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined };

  it('reports operation, decoded labels, body and header sizes and the status of answered requests', async () => {
    const seen: ObservedRequest[] = [];
    const core = new DurableServiceCore({ clock: { now: () => T0 } });
    const server = await DurableHttpServer.start({ backend: coreBackend(core, async () => ({ kind: 'dry-run', executedVersion: '1' })), onRequest: (r) => seen.push(r) });
    try {
      const body = JSON.stringify({ CheckpointToken: 'token-that-does-not-exist', Updates: [] });
      const checkpointPath = `/2025-12-01/durable-executions/${encodeURIComponent(ARN)}/checkpoint`;
      const reply = await send(server.endpoint, 'POST', checkpointPath, body);
      const missing = await send(server.endpoint, 'GET', '/no/such/route');
      await settle(seen, 2);

      expect(seen).toHaveLength(2);
      expect(seen[0]).toMatchObject({
        operation: 'CheckpointDurableExecution',
        labels: { DurableExecutionArn: ARN },
        requestBodyBytes: Buffer.byteLength(body),
        responseBodyBytes: reply?.bodyBytes,
        status: reply?.status,
      });
      // Unknown execution: the core rejects it, and the record carries that reply.
      expect(reply?.status).toBeGreaterThanOrEqual(400);
      // Request line, Host, Content-Type, X-Bench, Connection and Transfer-Encoding/Content-Length lines at least.
      expect(seen[0].requestHeaderBytes).toBeGreaterThan(`POST ${checkpointPath} HTTP/1.1\r\nX-Bench: yes\r\n\r\n`.length);
      expect(seen[1]).toMatchObject({ operation: undefined, labels: {}, requestBodyBytes: 0, status: 404, responseBodyBytes: missing?.bodyBytes });
    } finally {
      await server.close();
    }
  });

  it('reports a dropped response with status 0 and ignores an observer that throws', async () => {
    const seen: ObservedRequest[] = [];
    const core = new DurableServiceCore({ clock: { now: () => T0 } });
    const backend = {
      ...coreBackend(core, async () => ({ kind: 'dry-run', executedVersion: '1' })),
      checkpoint: async () => {
        throw new ResponseDropped('test drop');
      },
    };
    const server = await DurableHttpServer.start({
      backend,
      logger,
      onRequest: (r) => {
        seen.push(r);
        throw new Error('observer broke');
      },
    });
    try {
      const body = '{"CheckpointToken":"t"}';
      const reply = await send(server.endpoint, 'POST', `/2025-12-01/durable-executions/${encodeURIComponent(ARN)}/checkpoint`, body);
      await settle(seen, 1);
      expect(reply).toBeUndefined();
      expect(seen).toEqual([
        expect.objectContaining({ operation: 'CheckpointDurableExecution', requestBodyBytes: body.length, responseBodyBytes: 0, status: 0 }),
      ]);
      expect(warnings).toEqual(['request observer failed: Error: observer broke']);
      // The server still answers after the observer threw.
      expect((await send(server.endpoint, 'GET', '/no/such/route'))?.status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('is plumbed through LocalDurableService: every checkpoint call of an execution is seen with its ARN', async () => {
    const seen: ObservedRequest[] = [];
    const svc = await LocalDurableService.start({ handlerOutput: 'silent', onRequest: (r) => seen.push(r) });
    try {
      await svc.registerFunction({ name: 'threeSteps', bundle: path.join(__dirname, '../../fixtures/local/handlers/workflows.js'), handler: 'threeSteps' });
      const run = await svc.run('threeSteps:live', { orderId: 'x' });
      expect(run.status).toBe('SUCCEEDED');
      const checkpoints = seen.filter((r) => r.operation === 'CheckpointDurableExecution' && r.labels.DurableExecutionArn === run.executionArn);
      // The fixture runtime sends START and SUCCEED of each of its three steps separately.
      expect(checkpoints).toHaveLength(6);
      expect(checkpoints.every((r) => r.status === 200 && r.requestBodyBytes > 0 && r.responseBodyBytes > 0)).toBe(true);
    } finally {
      await svc.stop();
    }
  });
});
