/**
 * An ES module loader hook for the sandboxes: a bare specifier that normal resolution cannot find
 * (e.g. `import('@aws-sdk/client-lambda')` from a bundle that leaves the SDK external) is resolved
 * again as if imported from next to each `NODE_PATH` directory. Written to disk as
 * `durable-esm-fallback.mjs` beside the runner.
 *
 * @example
 * fs.writeFileSync(path.join(dir, 'durable-esm-fallback.mjs'), ESM_FALLBACK_HOOKS_SOURCE);
 */
export const ESM_FALLBACK_HOOKS_SOURCE = String.raw`let parentURLs = [];

export async function initialize(data) {
  parentURLs = (data && data.parentURLs) || [];
}

function isBare(specifier) {
  return !specifier.startsWith('.') && !specifier.startsWith('/') && !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(specifier);
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (!error || error.code !== 'ERR_MODULE_NOT_FOUND' || !isBare(specifier)) {
      throw error;
    }
    for (const parentURL of parentURLs) {
      try {
        return await nextResolve(specifier, { ...context, parentURL });
      } catch (_) {
        // try the next fallback location
      }
    }
    throw error;
  }
}
`;

/**
 * The JavaScript program that runs inside each handler sandbox (a worker thread or a child
 * process). It is kept as source text so the exact same file runs whether the service itself
 * runs as compiled JS, under ts-node or under jest, and whichever Node binary hosts it.
 *
 * What it does, in order, before any user code loads:
 * 1. replaces the global `Date` with one that follows the service clock: `Date.now()` and
 *    `new Date()` return real time plus an offset the host sends with every invocation, so a
 *    workflow on the virtual clock sees time jump across a durable wait;
 * 2. re-reads `NODE_PATH`, which the host points at a `node_modules` holding the AWS SDK, the way
 *    Lambda's Node runtime provides the SDK to bundles that leave it external, and registers
 *    {@link ESM_FALLBACK_HOOKS_SOURCE} so that `import()` gets the same fallback;
 * 3. answers `invoke` messages: loads the bundle (once per sandbox, like a warm Lambda), calls the
 *    export with the event and a Lambda context, and reports the JSON result or the error.
 *
 * Messages, host → runner: `{type:'invoke', invocationId, bundlePath, handlerName, eventJson,
 * context, clockOffsetMs, deadlineMs}`. Runner → host: `{type:'result', invocationId, ok:true,
 * outputJson?}`, `{type:'result', invocationId, ok:false, error}` or `{type:'crash', error}` for
 * an uncaught exception or unhandled rejection, after which the host discards the sandbox.
 *
 * @example
 * fs.writeFileSync(path.join(dir, 'durable-runner.js'), RUNNER_SOURCE); new Worker(path.join(dir, 'durable-runner.js'));
 */
export const RUNNER_SOURCE = String.raw`'use strict';
const RealDate = Date;
let clockOffsetMs = 0;

class ServiceClockDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) {
      super(RealDate.now() + clockOffsetMs);
    } else {
      super(...args);
    }
  }
  static now() {
    return RealDate.now() + clockOffsetMs;
  }
  static [Symbol.hasInstance](value) {
    return value instanceof RealDate;
  }
}
// Date() called without new returns a string of the current (service) time.
globalThis.Date = new Proxy(ServiceClockDate, {
  apply() {
    return new ServiceClockDate().toString();
  },
});

const Module = require('module');
if (typeof Module._initPaths === 'function') {
  Module._initPaths();
}

const { pathToFileURL } = require('url');
const path = require('path');
// import() ignores NODE_PATH; a resolve hook gives bare specifiers the same fallback.
const nodePathDirs = (process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean);
if (typeof Module.register === 'function' && nodePathDirs.length > 0) {
  try {
    Module.register(pathToFileURL(path.join(__dirname, 'durable-esm-fallback.mjs')).href, {
      data: { parentURLs: nodePathDirs.map((dir) => pathToFileURL(path.join(path.dirname(dir), '__fallback__.js')).href) },
    });
  } catch (_) {
    // Without loader hooks (very old Node) only require() gets the fallback.
  }
}
let port;
try {
  const workerThreads = require('worker_threads');
  port = workerThreads.isMainThread ? undefined : workerThreads.parentPort;
} catch (_) {
  port = undefined;
}
const send = (message) => {
  if (port) {
    port.postMessage(message);
  } else if (process.send) {
    process.send(message);
  }
};
const onMessage = (handler) => {
  if (port) {
    port.on('message', handler);
  } else {
    process.on('message', handler);
  }
};

function toErrorObject(value, fallbackType) {
  if (value instanceof Error) {
    const out = {
      ErrorType: value.name || (value.constructor && value.constructor.name) || fallbackType,
      ErrorMessage: value.message,
    };
    if (typeof value.stack === 'string') {
      out.StackTrace = value.stack.split('\n').slice(1).map((line) => line.trim()).filter(Boolean);
    }
    return out;
  }
  return { ErrorType: fallbackType, ErrorMessage: typeof value === 'string' ? value : safeJson(value) };
}

function safeJson(value) {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text;
  } catch (_) {
    return String(value);
  }
}

const loadedBundles = new Map();
async function loadHandler(bundlePath, handlerName) {
  let exportsObject = loadedBundles.get(bundlePath);
  if (exportsObject === undefined) {
    try {
      // Lambda imports an .mjs handler; require() of an ES module (Node 20.19+) would bypass the
      // import resolve hook that provides the SDK, and cannot load one with top-level await.
      exportsObject = bundlePath.endsWith('.mjs') ? await import(pathToFileURL(bundlePath).href) : require(bundlePath);
    } catch (error) {
      if (error && error.code === 'ERR_REQUIRE_ESM') {
        exportsObject = await import(pathToFileURL(bundlePath).href);
      } else if (error && error.code === 'MODULE_NOT_FOUND') {
        const wrapped = new Error('Error: Cannot load ' + bundlePath + ': ' + error.message);
        wrapped.name = 'Runtime.ImportModuleError';
        throw wrapped;
      } else if (error instanceof SyntaxError) {
        const wrapped = new Error(bundlePath + ': ' + error.message);
        wrapped.name = 'Runtime.UserCodeSyntaxError';
        wrapped.stack = error.stack;
        throw wrapped;
      } else {
        throw error;
      }
    }
    loadedBundles.set(bundlePath, exportsObject);
  }
  const handler = exportsObject[handlerName];
  if (typeof handler !== 'function') {
    const error = new Error(
      'Handler ' + handlerName + ' is undefined or not exported by ' + bundlePath +
        ' (exports: ' + Object.keys(exportsObject).join(', ') + ')',
    );
    error.name = 'Runtime.HandlerNotFound';
    throw error;
  }
  return handler;
}

function callHandler(handler, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const callback = (error, value) => {
      if (settled) return;
      settled = true;
      if (error !== null && error !== undefined) reject(error);
      else resolve(value);
    };
    context.done = callback;
    context.succeed = (value) => callback(null, value);
    context.fail = (error) => callback(error === undefined ? new Error('handled') : error);
    let returned;
    try {
      returned = handler(event, context, callback);
    } catch (error) {
      callback(error);
      return;
    }
    if (returned && typeof returned.then === 'function') {
      returned.then((value) => callback(null, value), (error) => callback(error === undefined ? new Error('undefined') : error));
    } else if (handler.length < 3) {
      callback(null, returned);
    }
  });
}

let currentInvocationId;
async function invoke(message) {
  currentInvocationId = message.invocationId;
  clockOffsetMs = message.clockOffsetMs;
  const fields = message.context;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fields.functionName,
    functionVersion: fields.functionVersion,
    invokedFunctionArn: fields.invokedFunctionArn,
    memoryLimitInMB: fields.memoryLimitInMB,
    awsRequestId: fields.awsRequestId,
    logGroupName: fields.logGroupName,
    logStreamName: fields.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, message.deadlineMs - RealDate.now()),
  };
  try {
    const handler = await loadHandler(message.bundlePath, message.handlerName);
    const output = await callHandler(handler, JSON.parse(message.eventJson), context);
    // Lambda hands the caller the handler's value as JSON text; undefined becomes null.
    const outputJson = output === undefined ? 'null' : JSON.stringify(output);
    send({ type: 'result', invocationId: message.invocationId, ok: true, outputJson });
  } catch (error) {
    send({ type: 'result', invocationId: message.invocationId, ok: false, error: toErrorObject(error, 'Error') });
  } finally {
    currentInvocationId = undefined;
  }
}

process.on('uncaughtException', (error) => {
  send({ type: 'crash', invocationId: currentInvocationId, error: toErrorObject(error, 'Runtime.UncaughtException') });
});
process.on('unhandledRejection', (reason) => {
  const error = toErrorObject(reason, 'Runtime.UnhandledPromiseRejection');
  if (!(reason instanceof Error)) {
    error.ErrorType = 'Runtime.UnhandledPromiseRejection';
  }
  send({ type: 'crash', invocationId: currentInvocationId, error });
});

onMessage((message) => {
  if (message && message.type === 'invoke') {
    invoke(message);
  }
});
send({ type: 'ready' });
`;
