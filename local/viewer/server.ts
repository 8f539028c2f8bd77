/**
 * The execution viewer's web server: a static page and a small JSON API over one
 * {@link ExecutionSource}, on the loopback interface only.
 *
 * Safe by default: it binds 127.0.0.1, answers only requests whose `Host` names a loopback address
 * and its own port (so a page on another site cannot reach it through DNS rebinding), serves only its
 * own files and the source it was given (it proxies nothing), and the page writes every payload as
 * text under a strict Content-Security-Policy.
 *
 * @example
 * const viewer = await startViewer({ source: fileSource(['order-1.json']) });
 * console.log(`Execution viewer: ${viewer.url}`);
 * await viewer.close();
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { ExecutionSource } from './sources';

/** How to start the viewer. */
export interface ViewerOptions {
  readonly source: ExecutionSource;
  /** The port to listen on (default: any free port). */
  readonly port?: number;
  /** Shown as the page's title, e.g. the function or the files shown. */
  readonly title?: string;
}

/** A running viewer. */
export interface ExecutionViewer {
  /** The page's address, e.g. `http://127.0.0.1:43127/`. */
  readonly url: string;
  readonly port: number;
  /** Stops serving. */
  close(): Promise<void>;
}

/**
 * The viewer cannot start; the message says why and what to do.
 *
 * @example
 * await startViewer({ source, port: 80 }); // ViewerStartError: cannot listen on 127.0.0.1:80 …
 */
export class ViewerStartError extends Error {
  override readonly name = 'ViewerStartError';
}

const LOOPBACK = '127.0.0.1';
const ASSETS: Readonly<Record<string, string>> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/assets/viewer.js': 'viewer.js',
  '/assets/viewer.css': 'viewer.css',
};
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/**
 * Starts the viewer on 127.0.0.1.
 *
 * @throws ViewerStartError when the port is taken or the page's files are missing from the package.
 * @example
 * const viewer = await startViewer({ source: lambdaSource({ client, functionNames: ['orders'], kind: 'aws' }), title: 'orders' });
 */
export async function startViewer(options: ViewerOptions): Promise<ExecutionViewer> {
  const assets = loadAssets();
  let port = 0;
  const server = http.createServer((req, res) => {
    void handle(req, res, port, assets, options).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: `The viewer could not read the execution: ${(err as Error).message ?? String(err)}` });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new ViewerStartError(`The execution viewer cannot listen on ${LOOPBACK}:${options.port ?? 0} (${err.code ?? err.message}). Choose another port.`)),
    );
    server.listen(options.port ?? 0, LOOPBACK, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${LOOPBACK}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * True when a request's `Host` header names a loopback address on the viewer's own port.
 *
 * @example
 * isLoopbackHost('127.0.0.1:8080', 8080); // true
 * isLoopbackHost('attacker.example:8080', 8080); // false
 */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const match = /^(\[::1\]|127(?:\.\d{1,3}){3}|localhost)(?::(\d+))?$/i.exec(host.trim());
  if (!match) return false;
  return match[2] !== undefined && Number(match[2]) === port;
}

async function handle(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  port: number,
  assets: ReadonlyMap<string, Buffer>,
  options: ViewerOptions,
): Promise<void> {
  if (!isLoopbackHost(req.headers.host, port)) {
    sendJson(res, 403, {
      message: `Refused: this viewer only answers requests addressed to ${LOOPBACK}:${port} or localhost:${port} (Host was ${JSON.stringify(req.headers.host ?? '')}).`,
    });
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    sendJson(res, 405, { message: `The viewer is read-only: ${req.method} is not allowed.` });
    return;
  }
  const url = new URL(req.url ?? '/', `http://${LOOPBACK}:${port}`);
  if (url.pathname === '/favicon.ico') {
    res.writeHead(204, SECURITY_HEADERS);
    res.end();
    return;
  }
  const asset = ASSETS[url.pathname];
  if (asset) {
    const body = assets.get(asset) as Buffer;
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': CONTENT_TYPES[path.extname(asset)] ?? 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  if (url.pathname === '/api/executions') {
    sendJson(res, 200, { title: options.title ?? 'Durable executions', executions: await options.source.list() });
    return;
  }
  if (url.pathname === '/api/timeline') {
    const arn = url.searchParams.get('arn');
    if (!arn) {
      sendJson(res, 400, { message: 'Give the execution ARN as ?arn=…' });
      return;
    }
    const model = await options.source.timeline(arn);
    if (!model) sendJson(res, 404, { message: `No execution ${arn} here.` });
    else sendJson(res, 200, model);
    return;
  }
  sendJson(res, 404, { message: `Nothing at ${url.pathname}.` });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8' });
  res.end(text);
}

/** The page's files: next to this module in the sources, or in the package's `local/viewer/static` once compiled. */
function loadAssets(): Map<string, Buffer> {
  const candidates = [path.join(__dirname, 'static'), path.join(__dirname, '..', '..', '..', 'local', 'viewer', 'static')];
  const folder = candidates.find((candidate) => fs.existsSync(path.join(candidate, 'index.html')));
  if (!folder) {
    throw new ViewerStartError(`The execution viewer's page is missing (looked in ${candidates.join(', ')}). Reinstall cdk-durable-function.`);
  }
  const assets = new Map<string, Buffer>();
  for (const file of new Set(Object.values(ASSETS))) assets.set(file, fs.readFileSync(path.join(folder, file)));
  return assets;
}
