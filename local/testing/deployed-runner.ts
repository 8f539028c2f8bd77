/**
 * The deployed mode: a durable function deployed to a real account, driven through the Lambda
 * API with a real `LambdaClient` (Invoke, GetDurableExecution, GetDurableExecutionHistory, the
 * callback, stop, pause, resume and delete commands), polling for changes. Pointed at the local
 * service's endpoint it drives that service the same way, which is how it is tested.
 */
import {
  DeleteDurableExecutionCommand,
  GetDurableExecutionCommand,
  GetDurableExecutionHistoryCommand,
  InvokeCommand,
  LambdaClient,
  PauseDurableExecutionCommand,
  ResumeDurableExecutionCommand,
  SendDurableExecutionCallbackFailureCommand,
  SendDurableExecutionCallbackHeartbeatCommand,
  SendDurableExecutionCallbackSuccessCommand,
  StopDurableExecutionCommand,
  type Event,
  type ExecutionStatus,
} from '@aws-sdk/client-lambda';
import { DurableTestRunner, type RunnerBackend } from './test-runner';

/**
 * Options of {@link DeployedTestRunner.create}.
 *
 * @example
 * await DeployedTestRunner.create({ functionArn: process.env.ORDERS_ALIAS_ARN!, region: 'eu-west-1' });
 */
export interface DeployedTestRunnerOptions {
  /**
   * The qualified function to start executions on: the alias ARN
   * (`arn:aws:lambda:eu-west-1:123456789012:function:orders:live`) or `name:alias`. Durable
   * executions cannot start on an unqualified function.
   */
  readonly functionArn: string;
  /** Region (default: the ARN's, else the client's default chain). */
  readonly region?: string;
  /** Your own client (credentials, retries…); the runner destroys only clients it created. */
  readonly client?: LambdaClient;
  /** An endpoint other than AWS's (the local service's, for instance). */
  readonly endpoint?: string;
  /** How often to read the execution while waiting, in ms (default 1,000). */
  readonly pollIntervalMs?: number;
}

/**
 * A {@link DurableTestRunner} against a deployed function.
 *
 * @example
 * const runner = await DeployedTestRunner.create({ functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders:live' });
 * const execution = await runner.run({ orderId: '42' }, { timeoutMs: 300_000 });
 */
export class DeployedTestRunner {
  /** Checks the options and returns a runner (nothing is called until the first start). */
  static async create(options: DeployedTestRunnerOptions): Promise<DurableTestRunner> {
    const qualified = /^arn:aws[a-z-]*:lambda:[^:]+:\d{12}:function:[^:]+:[^:]+$/.test(options.functionArn) || /^[a-zA-Z0-9_-]+:[a-zA-Z0-9$_-]+$/.test(options.functionArn);
    if (!qualified) {
      throw new TypeError(
        `functionArn '${options.functionArn}' is not qualified. Durable executions start through an alias or version: pass the alias ARN (DurableFunction.alias.functionArn), e.g. arn:aws:lambda:eu-west-1:123456789012:function:orders:live.`,
      );
    }
    const pollIntervalMs = options.pollIntervalMs ?? 1000;
    if (!(pollIntervalMs > 0)) {
      throw new RangeError(`pollIntervalMs must be more than 0; got ${String(options.pollIntervalMs)}.`);
    }
    const region = options.region ?? (options.functionArn.startsWith('arn:') ? options.functionArn.split(':')[3] : undefined);
    const client =
      options.client ??
      new LambdaClient({ ...(region !== undefined ? { region } : {}), ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}) });
    return new DurableTestRunner(deployedBackend(client, options.functionArn, pollIntervalMs, options.client === undefined));
  }
}

function deployedBackend(client: LambdaClient, functionArn: string, pollIntervalMs: number, ownsClient: boolean): RunnerBackend {
  const timers = new Set<NodeJS.Timeout>();
  return {
    mode: 'deployed',
    start: async (input, executionName) => {
      const response = await client.send(
        new InvokeCommand({
          FunctionName: functionArn,
          InvocationType: 'Event',
          ...(input !== undefined ? { Payload: Buffer.from(input) } : {}),
          ...(executionName !== undefined ? { DurableExecutionName: executionName } : {}),
        }),
      );
      if (response.DurableExecutionArn === undefined) {
        throw new Error(`Invoking ${functionArn} started no durable execution (no DurableExecutionArn in the response). Is it a durable function, invoked through its alias?`);
      }
      return response.DurableExecutionArn;
    },
    describe: async (executionArn) => {
      const execution = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: executionArn }));
      return {
        status: execution.Status as ExecutionStatus,
        ...(execution.Result !== undefined ? { result: execution.Result } : {}),
        ...(execution.Error !== undefined ? { error: execution.Error } : {}),
      };
    },
    history: async (executionArn) => {
      const events: Event[] = [];
      let marker: string | undefined;
      do {
        const page = await client.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: executionArn, IncludeExecutionData: true, Marker: marker }));
        events.push(...(page.Events ?? []));
        marker = page.NextMarker;
      } while (marker);
      return events;
    },
    sendCallbackSuccess: async (callbackId, result) => {
      await client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, ...(result !== undefined ? { Result: Buffer.from(result) } : {}) }));
    },
    sendCallbackFailure: async (callbackId, error) => {
      await client.send(new SendDurableExecutionCallbackFailureCommand({ CallbackId: callbackId, Error: error }));
    },
    sendCallbackHeartbeat: async (callbackId) => {
      await client.send(new SendDurableExecutionCallbackHeartbeatCommand({ CallbackId: callbackId }));
    },
    stop: async (executionArn, error) => {
      await client.send(new StopDurableExecutionCommand({ DurableExecutionArn: executionArn, ...(error !== undefined ? { Error: error } : {}) }));
    },
    pause: async (executionArn) => {
      await client.send(new PauseDurableExecutionCommand({ DurableExecutionArn: executionArn }));
    },
    resume: async (executionArn) => {
      await client.send(new ResumeDurableExecutionCommand({ DurableExecutionArn: executionArn }));
    },
    delete: async (executionArn) => {
      await client.send(new DeleteDurableExecutionCommand({ DurableExecutionArn: executionArn }));
    },
    watch: (_executionArn, listener) => {
      const timer = setInterval(listener, pollIntervalMs);
      timers.add(timer);
      return () => {
        clearInterval(timer);
        timers.delete(timer);
      };
    },
    advanceTime: async () => {
      throw new Error(
        'advanceTime is not available for a deployed function: it runs on real time. Keep tests that move time to the in-process and local modes, ' +
          "e.g. `if (runner.mode !== 'deployed') await runner.advanceTime(…)`.",
      );
    },
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      timers.clear();
      if (ownsClient) client.destroy();
    },
  };
}
