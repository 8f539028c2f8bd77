/**
 * Handler sandboxes: the places a function's code runs, outside the service's own event loop.
 * A {@link WorkerSandbox} is a worker thread (cheap, reused like a warm Lambda); a
 * {@link ProcessSandbox} is a child process (fully isolated, optionally on another Node binary).
 * Both run the same runner program ({@link RUNNER_SOURCE}) and report the same results; a sandbox
 * that crashes, is killed or times out resolves its invocation with an error instead of hanging.
 */
import { ChildProcess, fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import type { ErrorObject } from '@aws-sdk/client-lambda';

/**
 * The Lambda context fields the runner turns into a context object.
 *
 * @example
 * const fields: LambdaContextFields = { functionName: 'orders', functionVersion: '1', invokedFunctionArn: arn, memoryLimitInMB: '128', awsRequestId: 'r1', logGroupName: '/aws/lambda/orders', logStreamName: 's' };
 */
export interface LambdaContextFields {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

/**
 * One invocation as sent to a sandbox.
 *
 * @example
 * await sandbox.run({ invocationId: 'r1', bundlePath, handlerName: 'handler', eventJson, context: fields, clockOffsetMs: 0, deadlineMs: Date.now() + 60_000 }, 60_000);
 */
export interface SandboxInvocation {
  readonly invocationId: string;
  readonly bundlePath: string;
  readonly handlerName: string;
  /** The event as the JSON text Lambda would deliver. */
  readonly eventJson: string;
  readonly context: LambdaContextFields;
  /** Added to real time for `Date` inside the sandbox (virtual clock). */
  readonly clockOffsetMs: number;
  /** Real epoch ms at which the function times out. */
  readonly deadlineMs: number;
}

/**
 * How an invocation ended inside a sandbox.
 *
 * @example
 * const result = await sandbox.run(invocation, 60_000);
 * if (!result.ok && result.sandboxLost) await sandbox.terminate();
 */
export type SandboxResult =
  | { readonly ok: true; readonly outputJson: string }
  | {
      readonly ok: false;
      readonly error: ErrorObject;
      /** True when the sandbox is gone (crash, kill, timeout) and must not be reused. */
      readonly sandboxLost: boolean;
    };

/**
 * Receives the sandbox's stdout/stderr text when output is captured.
 *
 * @example
 * const sink: OutputSink = (stream, text) => process.stderr.write(`[${stream}] ${text}`);
 */
export type OutputSink = (stream: 'stdout' | 'stderr', text: string) => void;

/**
 * Settings shared by both sandbox kinds.
 *
 * @example
 * new WorkerSandbox({ runnerPath, env: { AWS_REGION: 'us-east-1' }, output: sink });
 */
export interface SandboxOptions {
  /** Path of the runner program ({@link RUNNER_SOURCE} written to disk). */
  readonly runnerPath: string;
  /** The complete environment of the handler. */
  readonly env: Readonly<Record<string, string>>;
  /** When set, stdout/stderr go here instead of the service's own streams. */
  readonly output?: OutputSink;
}

/**
 * A place to run invocations of one function version, one at a time.
 *
 * @example
 * const sandbox = new WorkerSandbox({ runnerPath, env });
 * const result = await sandbox.run(invocation, 60_000);
 * await sandbox.terminate();
 */
export interface HandlerSandbox {
  /** True until the sandbox crashed, was killed or terminated. */
  readonly alive: boolean;
  /** Runs one invocation; resolves (never rejects) when it ends, crashes or exceeds `timeoutMs`. */
  run(invocation: SandboxInvocation, timeoutMs: number): Promise<SandboxResult>;
  /** Kills the sandbox now; a running invocation ends with an error carrying `reason`. */
  kill(reason: ErrorObject): Promise<void>;
  /** Shuts the sandbox down; idempotent. */
  terminate(): Promise<void>;
}

type RunnerMessage =
  | { type: 'ready' }
  | { type: 'result'; invocationId: string; ok: true; outputJson: string }
  | { type: 'result'; invocationId: string; ok: false; error: ErrorObject }
  | { type: 'crash'; invocationId?: string; error: ErrorObject };

interface PendingRun {
  readonly invocationId: string;
  readonly resolve: (result: SandboxResult) => void;
  readonly timer: NodeJS.Timeout;
}

/** The transport-independent half of a sandbox: matching results to runs, timeouts, loss. */
abstract class SandboxBase implements HandlerSandbox {
  private pending: PendingRun | undefined;
  private lost = false;

  get alive(): boolean {
    return !this.lost;
  }

  run(invocation: SandboxInvocation, timeoutMs: number): Promise<SandboxResult> {
    if (this.lost) {
      return Promise.resolve({
        ok: false,
        sandboxLost: true,
        error: { ErrorType: 'Runtime.ExitError', ErrorMessage: 'The handler sandbox is no longer running.' },
      });
    }
    if (this.pending !== undefined) {
      throw new Error('A handler sandbox runs one invocation at a time; this one is busy.');
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const seconds = (timeoutMs / 1000).toFixed(2);
        void this.kill({
          ErrorType: 'Sandbox.Timedout',
          ErrorMessage: `RequestId: ${invocation.context.awsRequestId} Error: Task timed out after ${seconds} seconds`,
        });
      }, timeoutMs);
      this.pending = { invocationId: invocation.invocationId, resolve, timer };
      this.setActive(true);
      this.post(invocation);
    });
  }

  async kill(reason: ErrorObject): Promise<void> {
    this.markLost(reason);
    await this.stop();
  }

  async terminate(): Promise<void> {
    this.markLost({ ErrorType: 'Runtime.ExitError', ErrorMessage: 'The local service shut the handler sandbox down.' });
    await this.stop();
  }

  /** Sends the invocation to the runner. */
  protected abstract post(invocation: SandboxInvocation): void;
  /** Ends the thread/process and waits until it is gone. */
  protected abstract stop(): Promise<void>;
  /** Keeps the service's event loop alive only while an invocation runs. */
  protected abstract setActive(active: boolean): void;

  protected onRunnerMessage(message: RunnerMessage): void {
    if (message.type === 'ready') {
      return;
    }
    if (message.type === 'crash') {
      this.markLost(message.error);
      void this.stop();
      return;
    }
    const pending = this.pending;
    if (pending === undefined || pending.invocationId !== message.invocationId) {
      return;
    }
    if (message.ok) {
      this.settle({ ok: true, outputJson: message.outputJson });
    } else {
      this.settle({ ok: false, error: message.error, sandboxLost: false });
    }
  }

  /** The thread/process ended on its own. */
  protected onExit(description: string): void {
    this.markLost({ ErrorType: 'Runtime.ExitError', ErrorMessage: `Runtime exited ${description}` });
  }

  private markLost(reason: ErrorObject): void {
    this.lost = true;
    this.settle({ ok: false, error: reason, sandboxLost: true });
  }

  private settle(result: SandboxResult): void {
    const pending = this.pending;
    if (pending === undefined) {
      return;
    }
    this.pending = undefined;
    clearTimeout(pending.timer);
    if (!this.lost) {
      this.setActive(false);
    }
    pending.resolve(result);
  }
}

/**
 * A worker thread running the handler; reused across invocations of one function version.
 *
 * @example
 * const sandbox = new WorkerSandbox({ runnerPath, env: { AWS_REGION: 'us-east-1' } });
 */
export class WorkerSandbox extends SandboxBase {
  private readonly worker: Worker;
  private exited = false;
  private readonly exitPromise: Promise<void>;

  constructor(options: SandboxOptions) {
    super();
    const capture = options.output !== undefined;
    this.worker = new Worker(options.runnerPath, {
      env: { ...options.env },
      stdout: capture,
      stderr: capture,
      // The runner reads no argv; keep the service's flags (ts-node, jest) out of the handler.
      execArgv: [],
    });
    if (options.output !== undefined) {
      const sink = options.output;
      this.worker.stdout.on('data', (chunk: Buffer) => sink('stdout', chunk.toString('utf8')));
      this.worker.stderr.on('data', (chunk: Buffer) => sink('stderr', chunk.toString('utf8')));
    }
    this.worker.on('message', (message: RunnerMessage) => this.onRunnerMessage(message));
    this.worker.on('error', (error) => {
      this.onRunnerMessage({
        type: 'crash',
        error: { ErrorType: error.name || 'Runtime.UncaughtException', ErrorMessage: error.message },
      });
    });
    this.exitPromise = new Promise((resolve) => {
      this.worker.on('exit', (code) => {
        this.exited = true;
        this.onExit(`with error: exit status ${code}`);
        resolve();
      });
    });
    this.worker.unref();
  }

  protected post(invocation: SandboxInvocation): void {
    this.worker.postMessage({ type: 'invoke', ...invocation });
  }

  protected async stop(): Promise<void> {
    if (!this.exited) {
      await this.worker.terminate();
    }
    await this.exitPromise;
  }

  protected setActive(active: boolean): void {
    if (active) {
      this.worker.ref();
    } else {
      this.worker.unref();
    }
  }
}

/**
 * Settings of a child-process sandbox.
 *
 * @example
 * new ProcessSandbox({ runnerPath, env, nodeBinary: '/opt/node22/bin/node' });
 */
export interface ProcessSandboxOptions extends SandboxOptions {
  /** The Node binary to run (default: the service's own). */
  readonly nodeBinary?: string;
}

/**
 * A child process running the handler: isolated memory, so a workflow that only works thanks to
 * in-memory state is caught when every invocation gets a fresh one.
 *
 * @example
 * const sandbox = new ProcessSandbox({ runnerPath, env, nodeBinary: '/usr/local/bin/node22' });
 */
export class ProcessSandbox extends SandboxBase {
  private readonly child: ChildProcess;
  private readonly exitPromise: Promise<void>;
  private exited = false;

  constructor(options: ProcessSandboxOptions) {
    super();
    const capture = options.output !== undefined;
    this.child = fork(options.runnerPath, [], {
      execPath: options.nodeBinary ?? process.execPath,
      execArgv: [],
      env: { ...options.env },
      stdio: capture ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    if (options.output !== undefined) {
      const sink = options.output;
      this.child.stdout?.on('data', (chunk: Buffer) => sink('stdout', chunk.toString('utf8')));
      this.child.stderr?.on('data', (chunk: Buffer) => sink('stderr', chunk.toString('utf8')));
    }
    this.child.on('message', (message: RunnerMessage) => this.onRunnerMessage(message));
    this.exitPromise = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exited = true;
        this.onExit(signal !== null ? `with signal ${signal}` : `with error: exit status ${code}`);
        resolve();
      });
      this.child.on('error', (error) => {
        this.onRunnerMessage({
          type: 'crash',
          error: { ErrorType: 'Runtime.ExitError', ErrorMessage: `Could not run the handler process: ${error.message}` },
        });
        if (this.child.pid === undefined) {
          // The process never started (e.g. a wrong nodeBinary), so no 'exit' will follow.
          this.exited = true;
          resolve();
        }
      });
    });
    this.setActive(false);
  }

  protected post(invocation: SandboxInvocation): void {
    this.child.send({ type: 'invoke', ...invocation });
  }

  protected async stop(): Promise<void> {
    if (!this.exited && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
    }
    await this.exitPromise;
  }

  protected setActive(active: boolean): void {
    const channel = this.child.channel as { ref(): void; unref(): void } | undefined;
    if (active) {
      this.child.ref();
      channel?.ref();
    } else {
      this.child.unref();
      channel?.unref();
    }
  }
}
