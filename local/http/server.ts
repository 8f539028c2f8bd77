/**
 * The HTTP front of the local durable-execution service: listens on 127.0.0.1, routes on the raw
 * path, hands each request to {@link handleApiRequest} and writes its reply. Every failure —
 * malformed request, unknown route, backend error, internal bug — becomes the service's error
 * shape; nothing a client sends can crash the server.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DurableApiBackend, handleApiRequest } from './durable-api';
import { ServiceLogger, silentLogger } from './logger';
import { matchRoute, OperationName } from './routes';
import { errorReply, HttpReply, HttpServiceError } from './service-errors';

/**
 * Thrown by a backend to make the server close the connection without answering, after the
 * request's effects were applied (a lost response, for reliability tests).
 *
 * @example
 * throw new ResponseDropped('fault plan: drop the response of checkpoint #2');
 */
export class ResponseDropped extends Error {
  override readonly name = 'ResponseDropped';
}

/**
 * One request the server finished with, as a {@link RequestObserver} sees it. Sizes are what
 * crossed the socket, so benchmarks can compare the traffic of different runtimes.
 *
 * @example
 * const seen: ObservedRequest = { operation: 'CheckpointDurableExecution', labels: { DurableExecutionArn: arn },
 *   requestHeaderBytes: 812, requestBodyBytes: 240, responseBodyBytes: 512, status: 200 };
 */
export interface ObservedRequest {
  /** The API operation, or undefined when the path matched no route. */
  readonly operation: OperationName | undefined;
  /** The decoded path labels (e.g. `DurableExecutionArn`). */
  readonly labels: Readonly<Record<string, string>>;
  /** Request line plus headers, as sent (`name: value` lines and line ends). */
  readonly requestHeaderBytes: number;
  /** Bytes of the request body read. */
  readonly requestBodyBytes: number;
  /** Bytes of the response body written (0 when the response was dropped). */
  readonly responseBodyBytes: number;
  /** HTTP status answered, or 0 when the response was dropped on purpose. */
  readonly status: number;
}

/**
 * Told about every request once the server is done with it. It runs on the server's event loop,
 * so it must be quick, and what it throws is logged and ignored.
 *
 * @example
 * const observer: RequestObserver = (r) => { if (r.operation === 'CheckpointDurableExecution') calls++; };
 */
export type RequestObserver = (request: ObservedRequest) => void;

/**
 * Options of {@link DurableHttpServer.start}.
 *
 * @example
 * await DurableHttpServer.start({ backend, port: 0, logger: consoleLogger() });
 */
export interface DurableHttpServerOptions {
  readonly backend: DurableApiBackend;
  /** TCP port; 0 or absent picks a free ephemeral port. */
  readonly port?: number;
  /** Largest request body read (default 8 MiB, above the 6 MB Invoke limit). */
  readonly maxBodyBytes?: number;
  readonly logger?: ServiceLogger;
  /** Metrics hook: called once per request after it was answered (or dropped). */
  readonly onRequest?: RequestObserver;
}

const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * A running HTTP server for the durable-execution APIs.
 *
 * @example
 * const server = await DurableHttpServer.start({ backend });
 * const client = new LambdaClient({ endpoint: server.endpoint, region: 'us-east-1', credentials });
 * // …
 * await server.close();
 */
export class DurableHttpServer {
  /** Starts listening on 127.0.0.1. */
  static async start(options: DurableHttpServerOptions): Promise<DurableHttpServer> {
    const server = new DurableHttpServer(options);
    await server.listen(options.port ?? 0);
    return server;
  }

  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly logger: ServiceLogger;
  private readonly maxBodyBytes: number;
  private listeningPort = 0;

  private constructor(private readonly options: DurableHttpServerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        // handle() answers every error itself; reaching here means the socket broke mid-write.
        this.logger.warn(`failed to answer ${req.method} ${req.url}: ${String(error)}`);
        res.destroy();
      });
    });
    // Synchronous Invoke blocks until the execution ends, which may take minutes.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 60_000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** The base URL, e.g. `http://127.0.0.1:39213`. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.listeningPort}`;
  }

  /** The port the server listens on. */
  get port(): number {
    return this.listeningPort;
  }

  /** Stops accepting requests and closes every open connection, including blocked Invokes. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) {
        socket.destroy();
      }
    });
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', onError);
        this.listeningPort = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const queryStart = url.indexOf('?');
    const rawPath = queryStart < 0 ? url : url.slice(0, queryStart);
    const query = new URLSearchParams(queryStart < 0 ? '' : url.slice(queryStart + 1));
    let reply: HttpReply;
    let operation: OperationName | undefined;
    let labels: Readonly<Record<string, string>> = {};
    let requestBodyBytes = 0;
    try {
      const route = matchRoute(req.method ?? 'GET', rawPath);
      operation = route.operation;
      labels = route.labels;
      const body = await this.readBody(req);
      requestBodyBytes = body.length;
      reply = await handleApiRequest(this.options.backend, {
        operation: route.operation,
        labels: route.labels,
        query,
        headers: flattenHeaders(req.headers),
        body,
      });
      this.logger.debug(`${req.method} ${rawPath} → ${reply.status}`);
    } catch (error) {
      if (error instanceof ResponseDropped) {
        this.logger.info(`${req.method} ${rawPath}: response dropped (${error.message})`);
        req.socket.destroy();
        this.observe(req, { operation, labels, requestBodyBytes, responseBodyBytes: 0, status: 0 });
        return;
      }
      reply = errorReply(error);
      if (reply.status >= 500) {
        this.logger.warn(`${req.method} ${rawPath} → ${reply.status}: ${String(error)}`);
      } else {
        this.logger.debug(`${req.method} ${rawPath} → ${reply.status}: ${(error as Error).message}`);
      }
      if (error instanceof HttpServiceError && error.name === 'RequestTooLargeException' && !req.complete) {
        // The rest of an oversized body is never read, so the connection cannot be reused.
        res.setHeader('Connection', 'close');
      }
    }
    if (res.destroyed) {
      return;
    }
    const body = reply.body === undefined ? undefined : Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body, 'utf8');
    res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(body?.length ?? 0) });
    res.end(body);
    this.observe(req, { operation, labels, requestBodyBytes, responseBodyBytes: body?.length ?? 0, status: reply.status });
  }

  private observe(req: http.IncomingMessage, facts: Omit<ObservedRequest, 'requestHeaderBytes'>): void {
    const observer = this.options.onRequest;
    if (observer === undefined) {
      return;
    }
    try {
      observer({ ...facts, requestHeaderBytes: headerBytes(req) });
    } catch (error) {
      this.logger.warn(`request observer failed: ${String(error)}`);
    }
  }

  private readBody(req: http.IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      req.on('data', (chunk: Buffer) => {
        if (settled) {
          return;
        }
        size += chunk.length;
        if (size > this.maxBodyBytes) {
          settled = true;
          req.pause();
          reject(
            new HttpServiceError(
              'RequestTooLargeException',
              `Request body exceeds ${this.maxBodyBytes} bytes; the largest allowed payload is 6 MB.`,
            ),
          );
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (!settled) {
          settled = true;
          resolve(Buffer.concat(chunks));
        }
      });
      req.on('error', (error) => {
        if (!settled) {
          settled = true;
          reject(error);
        }
      });
    });
  }
}

/** Size of the request line and headers as they were sent: `METHOD url HTTP/x.y`, `name: value` lines, blank line. */
function headerBytes(req: http.IncomingMessage): number {
  let size = Buffer.byteLength(`${req.method ?? ''} ${req.url ?? ''} HTTP/${req.httpVersion}\r\n`) + 2;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    size += Buffer.byteLength(req.rawHeaders[i]) + Buffer.byteLength(req.rawHeaders[i + 1]) + 4;
  }
  return size;
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}
