/**
 * `cdk-durable pause|resume|delete <execution-arn>`: an operator's control of one execution
 * (protocol.md §9), against the local service (`--endpoint`, or `AWS_ENDPOINT_URL_LAMBDA`) or the
 * real service in a region (the ARN's region unless `--region` says otherwise).
 */
import {
  DeleteDurableExecutionCommand,
  GetDurableExecutionCommand,
  LambdaClient,
  PauseDurableExecutionCommand,
  ResumeDurableExecutionCommand,
  type LambdaClientConfig,
} from '@aws-sdk/client-lambda';
import { parseExecutionArn } from '../core/arns';
import { MAX_CONTROL_REASON_LENGTH } from '../core/control-requests';

/** The execution-control commands. */
export const EXECUTION_CONTROL_COMMANDS = ['pause', 'resume', 'delete'] as const;

/** One of {@link EXECUTION_CONTROL_COMMANDS}. */
export type ExecutionControlCommand = (typeof EXECUTION_CONTROL_COMMANDS)[number];

/**
 * True when the command line is one of the execution-control commands.
 * @example if (isExecutionControlCommand(argv[0])) return runExecutionControl(argv, output);
 */
export function isExecutionControlCommand(command: string | undefined): command is ExecutionControlCommand {
  return (EXECUTION_CONTROL_COMMANDS as readonly string[]).includes(command ?? '');
}

/**
 * What `cdk-durable pause|resume|delete …` asks for.
 *
 * @example
 * parseExecutionControlArguments(['pause', arn, '--reason', 'deploy']);
 */
export interface ExecutionControlArguments {
  readonly command: ExecutionControlCommand;
  readonly executionArn: string;
  readonly reason?: string;
  /** pause: false with `--keep-timeout-running` (ExecutionTimeoutPaused=false). */
  readonly executionTimeoutPaused?: boolean;
  readonly clientToken?: string;
  /** `--endpoint`: the local service's URL (or any Lambda endpoint). */
  readonly endpoint?: string;
  /** `--region`; default the execution ARN's region. */
  readonly region: string;
}

/** A command line that cannot be run; its message says what to change. */
export class ExecutionControlUsageError extends Error {
  override readonly name = 'ExecutionControlUsageError';
}

/** The help text of the three commands. */
export const EXECUTION_CONTROL_USAGE = `Usage: cdk-durable pause  <execution-arn> [--reason <text>] [--keep-timeout-running] [options]
       cdk-durable resume <execution-arn> [--reason <text>] [options]
       cdk-durable delete <execution-arn> [options]

pause   stops invoking the execution (PAUSING until its running invocation's next checkpoint, then
        PAUSED); waits and callbacks keep completing. Its timeout is paused too, unless
        --keep-timeout-running is given.
resume  runs a PAUSING or PAUSED execution again; it is invoked at once if something is waiting.
delete  removes a finished (SUCCEEDED, FAILED, TIMED_OUT or STOPPED) execution with its history.

Options:
  --reason <text>           why (at most ${MAX_CONTROL_REASON_LENGTH} characters), recorded in the history
  --keep-timeout-running    pause only: the execution timeout keeps running while paused
  --client-token <token>    idempotency token: a repeat within 15 minutes changes nothing
  --endpoint <url>          the local service, e.g. http://127.0.0.1:3000 (default: AWS_ENDPOINT_URL_LAMBDA, else AWS)
  --region <region>         default: the region in the execution ARN
  -h, --help                show this help

Exit code 0 when the request was accepted, 1 otherwise.
`;

const VALUE_OPTIONS = new Set(['--reason', '--client-token', '--endpoint', '--region']);

/**
 * Parses `pause|resume|delete <arn> [options]`.
 * @throws ExecutionControlUsageError naming the problem.
 * @example parseExecutionControlArguments(['delete', arn, '--endpoint', 'http://127.0.0.1:3000']);
 */
export function parseExecutionControlArguments(argv: readonly string[]): ExecutionControlArguments {
  const [command, ...rest] = argv;
  if (!isExecutionControlCommand(command)) {
    throw new ExecutionControlUsageError(`Unknown command '${command}': use pause, resume or delete.`);
  }
  const values = new Map<string, string>();
  let keepTimeoutRunning = false;
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (VALUE_OPTIONS.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : rest[++i];
      if (value === undefined) throw new ExecutionControlUsageError(`Option ${name} needs a value.`);
      if (values.has(name)) throw new ExecutionControlUsageError(`Option ${name} is given twice; give it once.`);
      values.set(name, value);
    } else if (arg === '--keep-timeout-running') {
      if (command !== 'pause') throw new ExecutionControlUsageError('--keep-timeout-running applies to pause only.');
      keepTimeoutRunning = true;
    } else if (arg.startsWith('-')) {
      throw new ExecutionControlUsageError(`Unknown option '${arg}'. Run cdk-durable ${command} --help for the options.`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 1) {
    throw new ExecutionControlUsageError(
      positional.length === 0
        ? `Missing the execution ARN: cdk-durable ${command} <execution-arn>.`
        : `Expected one execution ARN, got ${positional.length}. Quote a --reason with spaces.`,
    );
  }
  const executionArn = positional[0];
  const parsed = parseExecutionArn(executionArn);
  if (!parsed) {
    throw new ExecutionControlUsageError(
      `'${executionArn}' is not a durable execution ARN: expected arn:aws:lambda:<region>:<account>:function:<name>:<version>/durable-execution/<name>/<id>.`,
    );
  }
  const reason = values.get('--reason');
  if (reason !== undefined && command === 'delete') {
    throw new ExecutionControlUsageError('delete takes no --reason.');
  }
  if (reason !== undefined && reason.length > MAX_CONTROL_REASON_LENGTH) {
    throw new ExecutionControlUsageError(`--reason has ${reason.length} characters; the limit is ${MAX_CONTROL_REASON_LENGTH}.`);
  }
  const clientToken = values.get('--client-token');
  if (clientToken !== undefined && command === 'delete') {
    throw new ExecutionControlUsageError('delete takes no --client-token: a repeated delete is answered 409 or 404.');
  }
  const endpoint = values.get('--endpoint');
  if (endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint)) {
    throw new ExecutionControlUsageError(`--endpoint '${endpoint}' is not an http(s) URL, e.g. http://127.0.0.1:3000.`);
  }
  return {
    command,
    executionArn,
    ...(reason !== undefined ? { reason } : {}),
    ...(command === 'pause' && keepTimeoutRunning ? { executionTimeoutPaused: false } : {}),
    ...(clientToken !== undefined ? { clientToken } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
    region: values.get('--region') ?? parsed.region,
  };
}

/**
 * The client configuration for a parsed command line: the region, and for an endpoint that is not
 * AWS placeholder credentials when none are configured (the local service ignores signatures).
 *
 * @example new LambdaClient(executionControlClientConfig(args, process.env));
 */
export function executionControlClientConfig(args: ExecutionControlArguments, env: NodeJS.ProcessEnv): LambdaClientConfig {
  const endpoint = args.endpoint ?? env.AWS_ENDPOINT_URL_LAMBDA;
  const local = endpoint !== undefined && !/\.amazonaws\.com(\.cn)?(\/|$)/.test(endpoint);
  const hasCredentials = env.AWS_ACCESS_KEY_ID !== undefined || env.AWS_PROFILE !== undefined;
  return {
    region: args.region,
    ...(args.endpoint !== undefined ? { endpoint: args.endpoint } : {}),
    ...(local && !hasCredentials ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  };
}

/** Where the command writes; injectable so tests can capture it. */
export interface ExecutionControlOutput {
  write(stream: 'stdout' | 'stderr', text: string): void;
}

/**
 * Runs `cdk-durable pause|resume|delete …` and resolves with the exit code.
 *
 * @example
 * const code = await runExecutionControl(['pause', arn, '--endpoint', svc.endpoint, '--reason', 'deploy'], output);
 */
export async function runExecutionControl(
  argv: readonly string[],
  output: ExecutionControlOutput,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    output.write('stdout', EXECUTION_CONTROL_USAGE);
    return 0;
  }
  let args: ExecutionControlArguments;
  try {
    args = parseExecutionControlArguments(argv);
  } catch (error) {
    if (error instanceof ExecutionControlUsageError) {
      output.write('stderr', `error: ${error.message}\n\n${EXECUTION_CONTROL_USAGE}`);
      return 1;
    }
    throw error;
  }
  const client = new LambdaClient(executionControlClientConfig(args, env));
  try {
    const arn = args.executionArn;
    if (args.command === 'pause') {
      await client.send(
        new PauseDurableExecutionCommand({
          DurableExecutionArn: arn,
          Reason: args.reason,
          ExecutionTimeoutPaused: args.executionTimeoutPaused,
          ClientToken: args.clientToken,
        }),
      );
      output.write('stdout', `Pause requested: ${arn}\n${await statusLine(client, arn)}`);
    } else if (args.command === 'resume') {
      await client.send(new ResumeDurableExecutionCommand({ DurableExecutionArn: arn, Reason: args.reason, ClientToken: args.clientToken }));
      output.write('stdout', `Resume requested: ${arn}\n${await statusLine(client, arn)}`);
    } else {
      const res = await client.send(new DeleteDurableExecutionCommand({ DurableExecutionArn: arn }));
      output.write('stdout', `Deletion requested: ${arn}\nRequested at: ${res.DeletionRequestTimestamp?.toISOString() ?? '(not reported)'}\n`);
    }
    return 0;
  } catch (error) {
    const e = error as { name?: string; message?: string };
    output.write('stderr', `error: ${e.name ?? 'Error'}: ${e.message ?? String(error)}\n`);
    return 1;
  } finally {
    client.destroy();
  }
}

/**
 * The execution's status after the request; a caller allowed to pause may not be allowed to read,
 * so a failed read is reported, not fatal.
 */
async function statusLine(client: LambdaClient, arn: string): Promise<string> {
  try {
    const got = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn, IncludeExecutionData: false }));
    return `Status: ${got.Status}\n`;
  } catch (error) {
    return `Status: (not readable: ${(error as Error).name})\n`;
  }
}
