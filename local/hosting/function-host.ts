/**
 * Runs invocations of hosted functions: picks or creates a sandbox for the function version,
 * gives the handler a Lambda-like environment and context pointed at the local service, shifts
 * its clock to the service's (virtual) time, and reports how the invocation ended in the shape
 * the service core takes. Sandboxes are reused per function version like warm Lambda instances,
 * unless every invocation must get a fresh process.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DurableInvocationEvent, ExecutionSchedule, InvocationOutcome } from '../core/api';
import { ServiceLogger, silentLogger } from '../http/logger';
import type { HostedFunction } from './hosted-function';
import { ESM_FALLBACK_HOOKS_SOURCE, RUNNER_SOURCE } from './runner-source';
import { HandlerSandbox, LambdaContextFields, OutputSink, ProcessSandbox, WorkerSandbox } from './sandbox';

/**
 * Invocation errors that no retry can fix: the bundle or its handler export cannot be loaded.
 *
 * @example
 * PERMANENT_INVOCATION_ERRORS.has(outcome.error.ErrorType ?? ''); // true for a missing export
 */
export const PERMANENT_INVOCATION_ERRORS: ReadonlySet<string> = new Set([
  'Runtime.HandlerNotFound',
  'Runtime.ImportModuleError',
  'Runtime.UserCodeSyntaxError',
]);

/**
 * Options of {@link FunctionHost}.
 *
 * @example
 * new FunctionHost({ endpoint: 'http://127.0.0.1:4000', freshProcessPerInvocation: true });
 */
export interface FunctionHostOptions {
  /** The service's base URL, given to handlers as `AWS_ENDPOINT_URL_LAMBDA`. */
  readonly endpoint: string;
  /** Run every invocation in a new child process (default: reused worker threads). */
  readonly freshProcessPerInvocation?: boolean;
  /** Receives handler stdout/stderr; absent = handlers write to the service's own streams. */
  readonly handlerOutput?: OutputSink;
  readonly logger?: ServiceLogger;
}

/**
 * Per-invocation facts from the scheduler.
 *
 * @example
 * await host.invoke(target, event, { requestId: 'req-1', virtualNow: clock.now() });
 */
export interface InvocationRequestContext {
  /** The Lambda request id (also recorded in `InvocationCompleted.RequestId`). */
  readonly requestId: string;
  /** The service clock's time (epoch ms) when the invocation starts. */
  readonly virtualNow: number;
}

/**
 * How an invocation of a plain function ended: its result as JSON text, or its function error.
 *
 * @example
 * if (!outcome.ok) console.log(outcome.error.ErrorType);
 */
export type PlainInvocationOutcome =
  | { readonly ok: true; readonly resultJson: string }
  | { readonly ok: false; readonly error: import('@aws-sdk/client-lambda').ErrorObject };

interface RunningInvocation {
  readonly sandbox: HandlerSandbox;
  readonly requestId: string;
}

/**
 * Hosts functions and runs their invocations.
 *
 * @example
 * const host = new FunctionHost({ endpoint: server.endpoint });
 * host.register(resolveHostedFunction({ name: 'orders', bundle: 'dist/index.js' }));
 * const outcome = await host.invoke(target, event, { requestId, virtualNow: clock.now() });
 * await host.close();
 */
export class FunctionHost {
  private readonly functions = new Map<string, HostedFunction>();
  private readonly idle = new Map<string, HandlerSandbox[]>();
  private readonly allSandboxes = new Set<HandlerSandbox>();
  private readonly running = new Map<string, RunningInvocation>();
  private readonly logger: ServiceLogger;
  private workDirectory: string | undefined;
  private closed = false;

  constructor(private readonly options: FunctionHostOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /** Adds or replaces a function; replacing discards its warm sandboxes. */
  register(fn: HostedFunction): void {
    this.functions.set(fn.name, fn);
    for (const [key, sandboxes] of this.idle) {
      if (key.startsWith(`${fn.name}:`)) {
        this.idle.delete(key);
        for (const sandbox of sandboxes) {
          this.allSandboxes.delete(sandbox);
          void sandbox.terminate();
        }
      }
    }
  }

  /** The registered function, or undefined. */
  getFunction(name: string): HostedFunction | undefined {
    return this.functions.get(name);
  }

  /**
   * A private temporary directory, removed by {@link close}; holds the runner program and
   * bundles built from TypeScript entries.
   */
  workDir(): string {
    if (this.workDirectory === undefined) {
      this.workDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-durable-local-'));
    }
    return this.workDirectory;
  }

  /**
   * Runs one invocation of the execution's function version and reports its outcome. Never
   * rejects for handler problems: a throw, crash, kill or timeout is an `error` outcome.
   */
  async invoke(
    target: ExecutionSchedule,
    event: DurableInvocationEvent,
    ctx: InvocationRequestContext,
  ): Promise<InvocationOutcome> {
    if (this.closed) {
      return errorOutcome('Runtime.ExitError', 'The local service is shutting down.');
    }
    const fn = this.functions.get(target.functionName);
    if (fn === undefined) {
      return errorOutcome('ResourceNotFoundException', `Function ${target.functionName} is not registered with the local service.`);
    }
    const key = `${fn.name}:${target.executedVersion}`;
    const sandbox = this.takeSandbox(key, fn, target);
    const context = lambdaContext(fn, target, ctx.requestId);
    const timeoutMs = fn.timeoutSeconds * 1000;
    this.running.set(target.executionArn, { sandbox, requestId: ctx.requestId });
    this.logger.debug(`invoke ${key} request ${ctx.requestId} for ${target.executionArn}`);
    let result;
    try {
      result = await sandbox.run(
        {
          invocationId: ctx.requestId,
          bundlePath: fn.bundlePath,
          handlerName: fn.handler,
          eventJson: JSON.stringify(event),
          context,
          clockOffsetMs: ctx.virtualNow - Date.now(),
          deadlineMs: Date.now() + timeoutMs,
        },
        timeoutMs,
      );
    } finally {
      this.running.delete(target.executionArn);
    }
    this.returnSandbox(key, fn, sandbox);
    if (result.ok) {
      return { kind: 'returned', output: JSON.parse(result.outputJson) as unknown };
    }
    this.logger.debug(`invocation ${ctx.requestId} failed: ${result.error.ErrorType}: ${result.error.ErrorMessage}`);
    return { kind: 'error', error: result.error };
  }

  /**
   * Runs one invocation of a plain (non-durable) function for a chained invoke: the payload is the
   * event, and the outcome is what Lambda reports to the caller — the returned value as JSON, or
   * the function error (`errorType`, `errorMessage`). Never rejects.
   *
   * @param qualifiedArn the function ARN with the version that runs, e.g. `…:function:pricing:$LATEST`.
   * @example
   * const outcome = await host.invokePlain('pricing', arn, '{"sku":"a"}', { requestId, virtualNow: clock.now() });
   */
  async invokePlain(name: string, qualifiedArn: string, version: string, payload: string | undefined, ctx: InvocationRequestContext): Promise<PlainInvocationOutcome> {
    const fn = this.functions.get(name);
    if (this.closed || fn === undefined) {
      return { ok: false, error: { ErrorType: 'ResourceNotFoundException', ErrorMessage: `Function not found: ${qualifiedArn}.` } };
    }
    // The schedule a durable invocation would have: it names the function version for the
    // environment and the Lambda context; no execution exists.
    const target: ExecutionSchedule = { executionArn: qualifiedArn, functionName: name, executedVersion: version };
    const key = `${fn.name}:${version}`;
    const sandbox = this.takeSandbox(key, fn, target);
    const timeoutMs = fn.timeoutSeconds * 1000;
    const result = await sandbox.run(
      {
        invocationId: ctx.requestId,
        bundlePath: fn.bundlePath,
        handlerName: fn.handler,
        eventJson: payload === undefined || payload === '' ? 'null' : payload,
        context: lambdaContext(fn, target, ctx.requestId),
        clockOffsetMs: ctx.virtualNow - Date.now(),
        deadlineMs: Date.now() + timeoutMs,
      },
      timeoutMs,
    );
    this.returnSandbox(key, fn, sandbox);
    return result.ok ? { ok: true, resultJson: result.outputJson } : { ok: false, error: result.error };
  }

  /** Execution ARNs with an invocation running right now. */
  runningExecutions(): string[] {
    return [...this.running.keys()];
  }

  /**
   * Kills the sandbox running the execution's current invocation, as a crash of the Lambda
   * instance would; the invocation ends with a `Runtime.ExitError` naming `reason`.
   *
   * @returns false when no invocation of that execution is running.
   */
  async killInvocation(executionArn: string, reason: string): Promise<boolean> {
    const running = this.running.get(executionArn);
    if (running === undefined) {
      return false;
    }
    await running.sandbox.kill({
      ErrorType: 'Runtime.ExitError',
      ErrorMessage: `RequestId: ${running.requestId} Error: Runtime exited: ${reason}`,
    });
    return true;
  }

  /** Terminates every sandbox and removes the work directory. */
  async close(): Promise<void> {
    this.closed = true;
    const sandboxes = [...this.allSandboxes];
    this.allSandboxes.clear();
    this.idle.clear();
    await Promise.all(sandboxes.map((sandbox) => sandbox.terminate()));
    if (this.workDirectory !== undefined) {
      fs.rmSync(this.workDirectory, { recursive: true, force: true });
      this.workDirectory = undefined;
    }
  }

  private takeSandbox(key: string, fn: HostedFunction, target: ExecutionSchedule): HandlerSandbox {
    const pool = this.idle.get(key) ?? [];
    while (pool.length > 0) {
      const candidate = pool.pop() as HandlerSandbox;
      if (candidate.alive) {
        return candidate;
      }
      this.allSandboxes.delete(candidate);
    }
    const options = {
      runnerPath: this.runnerPath(),
      env: handlerEnvironment(fn, target, this.options.endpoint),
      output: this.options.handlerOutput,
    };
    const sandbox =
      this.options.freshProcessPerInvocation || fn.nodeBinary !== undefined
        ? new ProcessSandbox({ ...options, nodeBinary: fn.nodeBinary })
        : new WorkerSandbox(options);
    this.allSandboxes.add(sandbox);
    return sandbox;
  }

  private returnSandbox(key: string, fn: HostedFunction, sandbox: HandlerSandbox): void {
    const stale = this.functions.get(fn.name) !== fn;
    if (!sandbox.alive || this.closed || stale || this.options.freshProcessPerInvocation) {
      this.allSandboxes.delete(sandbox);
      void sandbox.terminate();
      return;
    }
    const pool = this.idle.get(key) ?? [];
    pool.push(sandbox);
    this.idle.set(key, pool);
  }

  private runnerPath(): string {
    const file = path.join(this.workDir(), 'durable-runner.js');
    if (!fs.existsSync(file)) {
      fs.writeFileSync(path.join(this.workDir(), 'durable-esm-fallback.mjs'), ESM_FALLBACK_HOOKS_SOURCE);
      fs.writeFileSync(file, RUNNER_SOURCE);
    }
    return file;
  }
}

function errorOutcome(type: string, message: string): InvocationOutcome {
  return { kind: 'error', error: { ErrorType: type, ErrorMessage: message } };
}

/** `arn:aws:lambda:REGION:ACCOUNT:function:NAME:VERSION`, the part of the execution ARN before the execution. */
function qualifiedFunctionArn(executionArn: string): string {
  const marker = executionArn.indexOf('/durable-execution/');
  return marker < 0 ? executionArn : executionArn.slice(0, marker);
}

function regionOf(executionArn: string): string {
  return executionArn.split(':')[3] || 'us-east-1';
}

function lambdaContext(fn: HostedFunction, target: ExecutionSchedule, requestId: string): LambdaContextFields {
  return {
    functionName: fn.name,
    functionVersion: target.executedVersion,
    invokedFunctionArn: qualifiedFunctionArn(target.executionArn),
    memoryLimitInMB: String(fn.memorySize),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: logStreamName(target.executedVersion),
  };
}

function logStreamName(version: string): string {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  return `${day}/[${version}]${randomUUID().replace(/-/g, '')}`;
}

let sdkNodeModules: string | undefined;

/**
 * The `node_modules` directory that provides `@aws-sdk/client-lambda` to this service; handlers
 * get it on `NODE_PATH` so a bundle that leaves the SDK external finds it, as on Lambda.
 */
function sdkNodeModulesDir(): string {
  if (sdkNodeModules === undefined) {
    let dir = path.dirname(require.resolve('@aws-sdk/client-lambda'));
    while (path.basename(dir) !== 'node_modules' && path.dirname(dir) !== dir) {
      dir = path.dirname(dir);
    }
    sdkNodeModules = dir;
  }
  return sdkNodeModules;
}

/** The handler's complete environment: Lambda's variables, dummy credentials, the service endpoint. */
function handlerEnvironment(fn: HostedFunction, target: ExecutionSchedule, endpoint: string): Record<string, string> {
  const region = regionOf(target.executionArn);
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    NODE_PATH: sdkNodeModulesDir(),
    LAMBDA_TASK_ROOT: path.dirname(fn.bundlePath),
    _HANDLER: `${path.basename(fn.bundlePath).replace(/\.[^.]+$/, '')}.${fn.handler}`,
    AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${Math.max(nodeMajor, 22)}.x`,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: target.executedVersion,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(target.executedVersion),
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_LAMBDA: endpoint,
  };
  if (process.env.TMPDIR !== undefined) {
    env.TMPDIR = process.env.TMPDIR;
  }
  if (fn.nodeBinary === undefined && nodeMajor < 22) {
    // Lambda runs Node 22+; the SDK's warning about this older local Node is noise in handler logs.
    env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  }
  return { ...env, ...fn.environment };
}
