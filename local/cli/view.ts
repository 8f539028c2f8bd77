/**
 * `cdk-durable view`: serves the execution viewer over saved history files, a deployed function or a
 * local service's endpoint, on 127.0.0.1, until Ctrl-C.
 *
 *     cdk-durable view history-1.json [history-2.json …] [--port N]
 *     cdk-durable view --region eu-west-1 --function orders:live [--function other] [--port N]
 *     cdk-durable view --endpoint http://127.0.0.1:9001 --function orders [--port N]
 *
 * @example
 * const code = await runView(['histories/order-1.json']);
 */
import * as fs from 'node:fs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { fileSource, lambdaSource, startViewer, type ExecutionSource } from '../viewer';

/**
 * The help text of `cdk-durable view`.
 *
 * @example
 * process.stdout.write(VIEW_USAGE);
 */
export const VIEW_USAGE = `Usage: cdk-durable view <history.json…> [--port N]
       cdk-durable view --region <region> --function <name[:alias]> [--function …] [--port N]
       cdk-durable view --endpoint <url> --function <name[:alias]> [--function …] [--port N]

Serves the execution viewer on 127.0.0.1 until Ctrl-C: a web page listing executions and drawing
one as a timeline of its operations, retries, waits, invocations and batch concurrency.

Sources (one of):
  <history.json…>           saved execution histories (the format the local service exports)
  --region <region>         a deployed function's executions, read with ListDurableExecutionsByFunction,
                            GetDurableExecution and GetDurableExecutionHistory (usual credential chain)
  --endpoint <url>          a local durable-execution service's endpoint instead of AWS

Options:
  --function <name[:alias]> the function whose executions are listed (repeatable; with --region or --endpoint)
  --port <n>                port to listen on (default: any free port)
  -h, --help                show this help
`;

/** The parsed `view` command line. */
export interface ViewArguments {
  readonly files: readonly string[];
  readonly region?: string;
  readonly endpoint?: string;
  readonly functions: readonly string[];
  readonly port?: number;
}

/**
 * A `view` command line that cannot be run; the message says what to change.
 *
 * @example
 * parseViewArguments([]); // throws ViewUsageError: Give history files, or --region/--endpoint with --function.
 */
export class ViewUsageError extends Error {
  override readonly name = 'ViewUsageError';
}

/**
 * Parses the arguments after `view`.
 *
 * @throws ViewUsageError naming the problem.
 * @example
 * parseViewArguments(['--region', 'eu-west-1', '--function', 'orders:live']);
 */
export function parseViewArguments(argv: readonly string[]): ViewArguments {
  const files: string[] = [];
  const functions: string[] = [];
  let region: string | undefined;
  let endpoint: string | undefined;
  let port: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name === '--region' || name === '--endpoint' || name === '--function' || name === '--port') {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new ViewUsageError(`Option ${name} needs a value.`);
      if (name === '--function') functions.push(value);
      else if (name === '--region') region = value;
      else if (name === '--endpoint') {
        if (!/^https?:\/\/[^\s]+$/.test(value)) throw new ViewUsageError(`--endpoint must be an http(s) URL, e.g. http://127.0.0.1:9001, got '${value}'.`);
        endpoint = value;
      } else {
        if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) throw new ViewUsageError(`--port must be a port number between 1 and 65535, got '${value}'.`);
        port = Number(value);
      }
    } else if (arg.startsWith('-')) {
      throw new ViewUsageError(`Unknown option '${arg}'. Run cdk-durable view --help for the options.`);
    } else {
      files.push(arg);
    }
  }
  const remote = region !== undefined || endpoint !== undefined;
  if (files.length > 0 && remote) throw new ViewUsageError('Give either history files or --region/--endpoint, not both.');
  if (files.length === 0 && !remote) throw new ViewUsageError('Give history files, or --region (or --endpoint) with --function.');
  if (remote && functions.length === 0) throw new ViewUsageError('Name the function whose executions to show: --function <name[:alias]>.');
  if (!remote && functions.length > 0) throw new ViewUsageError('--function needs --region (a deployed function) or --endpoint (a local service).');
  return { files, region, endpoint, functions, port };
}

/** Where `runView` writes, and when it stops (default: at Ctrl-C); injectable for tests. */
export interface ViewRunOptions {
  readonly write?: (stream: 'stdout' | 'stderr', text: string) => void;
  /** Resolves when the viewer should stop. Default: the first SIGINT or SIGTERM. */
  readonly until?: Promise<void>;
}

/**
 * Runs `cdk-durable view …` and resolves with the exit code once the viewer stops.
 *
 * @example
 * process.exitCode = await runView(process.argv.slice(3));
 */
export async function runView(argv: readonly string[], options: ViewRunOptions = {}): Promise<number> {
  const write = options.write ?? ((stream, text) => (stream === 'stdout' ? process.stdout : process.stderr).write(text));
  if (argv.includes('--help') || argv.includes('-h')) {
    write('stdout', VIEW_USAGE);
    return 0;
  }
  let args: ViewArguments;
  let source: ExecutionSource;
  let title: string;
  try {
    args = parseViewArguments(argv);
    for (const file of args.files) {
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new ViewUsageError(`${file} does not exist. Give the path of a saved history (.json).`);
    }
    if (args.files.length > 0) {
      source = fileSource(args.files);
      title = args.files.length === 1 ? args.files[0] : `${args.files.length} saved histories`;
    } else {
      const client = args.endpoint
        ? // A local service checks no signature: do not require AWS credentials for it.
          new LambdaClient({ endpoint: args.endpoint, region: args.region ?? 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } })
        : new LambdaClient({ region: args.region });
      source = lambdaSource({ client, functionNames: args.functions, kind: args.endpoint ? 'local' : 'aws' });
      title = `${args.functions.join(', ')} (${args.endpoint ?? args.region})`;
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    write('stderr', `error: ${message}\n${error instanceof ViewUsageError ? `\n${VIEW_USAGE}` : ''}`);
    return 1;
  }
  const viewer = await startViewer({ source, port: args.port, title });
  write('stdout', `Execution viewer: ${viewer.url}  (Ctrl-C to stop)\n`);
  await (options.until ?? untilInterrupted());
  await viewer.close();
  return 0;
}

/**
 * Resolves on the first SIGINT or SIGTERM.
 *
 * @example
 * await untilInterrupted();
 */
export function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
