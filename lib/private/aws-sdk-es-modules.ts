/**
 * Bundling the AWS SDK from its ES module builds, in one esbuild run.
 *
 * Each package of the SDK ships a CommonJS build (`main`: `dist-cjs/index.js`, one file holding
 * every command, schema and error class of the package) and an ES module build (`module`:
 * `dist-es/`, one module per command). esbuild's defaults for Node pick `main`, so a bundled
 * `@aws-sdk/client-lambda` would bring all of Lambda's commands although the runtime uses two;
 * from `dist-es` esbuild keeps only what is imported. Two esbuild plugins do this:
 * - `aws-sdk-es-modules` resolves a bare import of an SDK package (`@aws-sdk/*`, `@smithy/*`,
 *   `@aws-crypto/*`) to that package's `module` entry, from the copy esbuild would have picked for
 *   that importer. Every other package resolves the way esbuild's defaults say. A package with an
 *   `exports` map is left alone (its conditions already choose the ES module build), as is one
 *   without a `module` field.
 * - `aws-sdk-schema-keys` lets esbuild drop the schemas of the commands nothing uses. The SDK's
 *   generated schema modules write an operation's HTTP binding as `{ [_h]: […] }` with
 *   `const _h = "http"`, and esbuild keeps any object with an identifier as computed key, since it
 *   does not prove such a key free of side effects (evanw/esbuild#4373): every one of Lambda's
 *   91 operation schemas stayed in the bundle, with the structures they name. In those modules
 *   only, a computed key that names a top-level `const` string is written as that string, which
 *   is the same object; an unused schema is then removed like any other unused value.
 *
 * esbuild's synchronous API (which CDK's local bundling needs) takes no plugins, so the build runs
 * with the asynchronous API in a worker thread while this thread waits for it. The worker's
 * program is kept as source text ({@link WORKER_SOURCE}), so the same code runs whether this
 * package runs compiled, under ts-node or under jest.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type * as esbuild from 'esbuild';

/** The npm scopes of the AWS SDK for JavaScript v3 and of the packages it is made of. */
export const AWS_SDK_SCOPES: readonly string[] = ['@aws-sdk', '@smithy', '@aws-crypto'];

/** What a build with the SDK plugins gives back: the parts of esbuild's result bundling reads. */
export interface SdkBuildResult {
  readonly outputFiles: ReadonlyArray<{ readonly path: string; readonly contents: Uint8Array }>;
  readonly metafile: esbuild.Metafile;
  readonly warnings: esbuild.Message[];
}

/** A failed build: esbuild's messages, as its own failures carry them (see `formatBuildFailure`). */
export class SdkBuildFailure extends Error {
  constructor(message: string, readonly errors: esbuild.Message[], readonly warnings: esbuild.Message[]) {
    super(message);
    this.name = 'SdkBuildFailure';
  }
}

/** How long the bundling thread waits for the worker before giving up. */
const BUILD_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * Runs esbuild's `build` with `options` plus the two SDK plugins, synchronously.
 *
 * @example
 * const result = buildWithAwsSdkEsModules({ entryPoints: ['src/orders.ts'], bundle: true, platform: 'node',
 *   outfile: 'out/index.js', write: false, metafile: true });
 * result.outputFiles[0].contents;
 */
export function buildWithAwsSdkEsModules(options: esbuild.BuildOptions & { readonly write: false; readonly metafile: true }): SdkBuildResult {
  const done = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { esbuildPath: require.resolve('esbuild'), options, scopes: AWS_SDK_SCOPES, done, port: port2 },
    transferList: [port2],
  });
  try {
    if (Atomics.wait(done, 0, 0, BUILD_TIMEOUT_MS) === 'timed-out') {
      throw new Error(`esbuild did not finish bundling within ${BUILD_TIMEOUT_MS / 60_000} minutes.`);
    }
    const reply = receiveMessageOnPort(port1)?.message as WorkerReply | undefined;
    if (reply === undefined) throw new Error('The bundling worker stopped without a result.');
    if (!reply.ok) throw new SdkBuildFailure(reply.message, reply.errors, reply.warnings);
    return reply.result;
  } finally {
    port1.close();
    void worker.terminate();
  }
}

type WorkerReply =
  | { readonly ok: true; readonly result: SdkBuildResult }
  | { readonly ok: false; readonly message: string; readonly errors: esbuild.Message[]; readonly warnings: esbuild.Message[] };

/**
 * The worker: builds with the plugins described in the module comment and posts a
 * {@link WorkerReply}, then wakes the waiting thread. Every failure, a throw while loading esbuild
 * included, becomes a reply, so the waiting thread is always woken.
 */
const WORKER_SOURCE = String.raw`'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { workerData } = require('node:worker_threads');
const { esbuildPath, options, scopes, done, port } = workerData;

function reply(message) {
  port.postMessage(message);
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
}

const SKIP = Symbol('aws-sdk-es-modules: resolve as esbuild would');
const scopePattern = scopes.map((scope) => scope.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&')).join('|');

function readPackageJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (_) {
    return undefined;
  }
}

const sdkEsModules = {
  name: 'aws-sdk-es-modules',
  setup(build) {
    build.onResolve({ filter: new RegExp('^(?:' + scopePattern + ')/[^/]+$') }, async (args) => {
      if (args.pluginData === SKIP) return undefined;
      const found = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: SKIP });
      if (found.errors.length > 0 || found.external || !found.path) return undefined;
      const marker = path.sep + 'node_modules' + path.sep + args.path.split('/').join(path.sep) + path.sep;
      const at = found.path.lastIndexOf(marker);
      if (at === -1) return undefined;
      const root = found.path.slice(0, at + marker.length - 1);
      const json = readPackageJson(path.join(root, 'package.json'));
      if (!json || json.name !== args.path || json.exports !== undefined || typeof json.module !== 'string') return undefined;
      const entry = path.resolve(root, json.module);
      return fs.existsSync(entry) ? { path: entry, sideEffects: found.sideEffects } : undefined;
    });
  },
};

function literalComputedKeys(source) {
  const constants = new Map();
  for (const match of source.matchAll(/^const (_[A-Za-z0-9_$]*) = ("(?:[^"\\\n]|\\.)*");$/gm)) constants.set(match[1], match[2]);
  return source.replace(/\[(_[A-Za-z0-9_$]*)\]:/g, (whole, name) => (constants.has(name) ? constants.get(name) + ':' : whole));
}

const sdkSchemaKeys = {
  name: 'aws-sdk-schema-keys',
  setup(build) {
    const filter = new RegExp('[\\\\/]node_modules[\\\\/]@aws-sdk[\\\\/][^\\\\/]+[\\\\/]dist-es[\\\\/](?:.*[\\\\/])?schemas[\\\\/][^\\\\/]+\\.js$');
    build.onLoad({ filter }, async (args) => ({ contents: literalComputedKeys(await fs.promises.readFile(args.path, 'utf8')), loader: 'js' }));
  },
};

(async () => {
  try {
    const esbuild = require(esbuildPath);
    const result = await esbuild.build({ ...options, plugins: [sdkEsModules, sdkSchemaKeys] });
    reply({
      ok: true,
      result: {
        outputFiles: result.outputFiles.map((file) => ({ path: file.path, contents: file.contents })),
        metafile: result.metafile,
        warnings: result.warnings,
      },
    });
  } catch (error) {
    reply({
      ok: false,
      message: error && error.message ? String(error.message) : String(error),
      errors: (error && Array.isArray(error.errors)) ? error.errors : [],
      warnings: (error && Array.isArray(error.warnings)) ? error.warnings : [],
    });
  }
})();
`;
