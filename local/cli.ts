#!/usr/bin/env node
/**
 * `cdk-durable`: the command line of the local durable-execution service.
 *
 *     cdk-durable local <bundle.js | entry.ts> --input '{"orderId":"42"}' [--handler name]
 *       [--real-time] [--fresh-process] [--execution-name n]
 *
 * Runs the function once on a private local service and prints the execution's status, result
 * and operation timeline to stdout (handler logs go to stderr). Exit code 0 when the execution
 * SUCCEEDED, 1 otherwise, including for usage errors.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isExecutionControlCommand, runExecutionControl } from './cli-commands/execution-control';
import { MAX_DURATION_SECONDS } from './core/limits';
import { exitWith } from './exit-code';
import { consoleLogger } from './http/logger';
import { ExecutionRun, LocalDurableService } from './local-service';
import { formatMetrics } from './observability';
import { runView, untilInterrupted } from './cli-commands/view';
import { localServiceSource, startViewer } from './viewer';

/**
 * What `cdk-durable local …` asks for.
 *
 * @example
 * const args = parseCliArguments(['local', 'dist/index.js']) as LocalRunArguments;
 */
export interface LocalRunArguments {
  readonly command: 'local';
  /** The bundle (`.js`) or TypeScript entry (`.ts`) to run. */
  readonly file: string;
  /** The execution input as JSON text (default: none). */
  readonly input?: string;
  readonly handler: string;
  readonly realTime: boolean;
  readonly freshProcess: boolean;
  readonly executionName?: string;
  /** Durable execution timeout in seconds. */
  readonly executionTimeout?: number;
  /** Function timeout in seconds. */
  readonly timeout?: number;
  readonly verbose: boolean;
  /** Serve the execution viewer while the execution runs, and keep it up until Ctrl-C. */
  readonly ui?: boolean;
}

/**
 * A parsed command line: a run, or a request for help.
 *
 * @example
 * if (parseCliArguments(argv).command === 'help') process.stdout.write(USAGE);
 */
export type CliArguments = LocalRunArguments | { readonly command: 'help' };

/**
 * A command line that cannot be run; its message says what to change.
 *
 * @example
 * throw new UsageError('Missing the file to run.');
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * The help text.
 *
 * @example
 * process.stdout.write(USAGE);
 */
export const USAGE = `Usage: cdk-durable local <bundle.js | entry.ts> [options]
       cdk-durable pause|resume|delete <execution-arn> [options]   (see cdk-durable pause --help)
       cdk-durable view <history.json…> | --region <r> --function <name[:alias]>   (see cdk-durable view --help)

Runs a durable function on the local durable-execution service and prints its status, result and
operation timeline. Exits 0 when the execution SUCCEEDED, 1 otherwise.

Options:
  --input <json>            execution input, as JSON text (default: no input)
  --handler <name>          exported handler function (default: handler)
  --execution-name <name>   DurableExecutionName (1-64 of [a-zA-Z0-9-_])
  --real-time               run durable waits in real time (default: virtual clock)
  --fresh-process           run every invocation in a new Node process
  --execution-timeout <s>   durable execution timeout in seconds (default: 86400)
  --timeout <s>             function timeout in seconds (default: 60)
  --verbose                 log service activity to stderr
  --ui                      serve the execution viewer on 127.0.0.1 (URL on stderr) until Ctrl-C
  -h, --help                show this help
`;

const VALUE_OPTIONS = new Set(['--input', '--handler', '--execution-name', '--execution-timeout', '--timeout']);
const FLAG_OPTIONS = new Set(['--real-time', '--fresh-process', '--verbose', '--ui']);

/**
 * Parses `process.argv.slice(2)`.
 *
 * @throws UsageError naming the problem (unknown command or option, missing value, bad JSON…).
 * @example
 * parseCliArguments(['local', 'dist/index.js', '--input', '{"orderId":"42"}']);
 * // → { command: 'local', file: 'dist/index.js', input: '{"orderId":"42"}', handler: 'handler', … }
 */
export function parseCliArguments(argv: readonly string[]): CliArguments {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h') || argv[0] === 'help') {
    return { command: 'help' };
  }
  const [command, ...rest] = argv;
  if (command !== 'local') {
    throw new UsageError(`Unknown command '${command}'. Use local, pause, resume, delete or view: cdk-durable local <bundle.js | entry.ts>, cdk-durable pause <execution-arn>, cdk-durable view --help.`);
  }
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (VALUE_OPTIONS.has(name)) {
      let value: string | undefined;
      if (eq > 0 && arg.startsWith('--')) {
        value = arg.slice(eq + 1);
      } else {
        value = rest[i + 1];
        i++;
      }
      if (value === undefined) {
        throw new UsageError(`Option ${name} needs a value, e.g. ${name === '--input' ? `--input '{"orderId":"42"}'` : `${name} <value>`}.`);
      }
      if (values.has(name)) {
        throw new UsageError(`Option ${name} is given twice; give it once.`);
      }
      values.set(name, value);
    } else if (FLAG_OPTIONS.has(name)) {
      if (eq > 0) {
        throw new UsageError(`Option ${name} takes no value.`);
      }
      flags.add(name);
    } else if (arg.startsWith('-')) {
      throw new UsageError(`Unknown option '${arg}'. Run cdk-durable --help for the options.`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length === 0) {
    throw new UsageError('Missing the file to run: cdk-durable local <bundle.js | entry.ts>.');
  }
  if (positional.length > 1) {
    throw new UsageError(`Expected one file to run, got ${positional.length}: ${positional.join(', ')}. Quote the --input JSON.`);
  }
  const input = values.get('--input');
  if (input !== undefined) {
    try {
      JSON.parse(input);
    } catch (error) {
      throw new UsageError(`--input is not valid JSON (${(error as Error).message}). Quote it for your shell, e.g. --input '{"orderId":"42"}'.`);
    }
  }
  const executionName = values.get('--execution-name');
  if (executionName !== undefined && !/^[a-zA-Z0-9_-]{1,64}$/.test(executionName)) {
    throw new UsageError(`--execution-name '${executionName}' is invalid: use 1-64 letters, digits, '-' or '_'.`);
  }
  const handler = values.get('--handler') ?? 'handler';
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(handler)) {
    throw new UsageError(`--handler '${handler}' is not an export name; give the exported function's name, e.g. --handler handler.`);
  }
  return {
    command: 'local',
    file: positional[0],
    input,
    handler,
    realTime: flags.has('--real-time'),
    freshProcess: flags.has('--fresh-process'),
    executionName,
    executionTimeout: seconds(values, '--execution-timeout', MAX_DURATION_SECONDS),
    timeout: seconds(values, '--timeout', 900),
    verbose: flags.has('--verbose'),
    ui: flags.has('--ui') ? true : undefined,
  };
}

function seconds(values: Map<string, string>, name: string, max: number): number | undefined {
  const raw = values.get(name);
  if (raw === undefined) {
    return undefined;
  }
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new UsageError(`${name} must be a whole number of seconds between 1 and ${max}, got '${raw}'.`);
  }
  return Number(raw);
}

/**
 * Where the CLI writes; injectable so tests can capture it.
 *
 * @example
 * const lines: string[] = []; await runCli(argv, { write: (_stream, text) => lines.push(text) });
 */
export interface CliOutput {
  write(stream: 'stdout' | 'stderr', text: string): void;
}

const processOutput: CliOutput = {
  write: (stream, text) => {
    (stream === 'stdout' ? process.stdout : process.stderr).write(text);
  },
};

/**
 * Runs the command line and resolves with the exit code.
 *
 * @example
 * const code = await runCli(['local', 'dist/orders.js', '--input', '{"orderId":"42"}']);
 */
export async function runCli(argv: readonly string[], output: CliOutput = processOutput): Promise<number> {
  if (argv[0] === 'view') return runView(argv.slice(1), { write: (stream, text) => output.write(stream, text) });
  if (isExecutionControlCommand(argv[0])) return runExecutionControl(argv, output);
  let args: CliArguments;
  try {
    args = parseCliArguments(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      output.write('stderr', `error: ${error.message}\n\n${USAGE}`);
      return 1;
    }
    throw error;
  }
  if (args.command === 'help') {
    output.write('stdout', USAGE);
    return 0;
  }
  if (!fs.existsSync(args.file) || !fs.statSync(args.file).isFile()) {
    output.write('stderr', `error: ${args.file} does not exist. Give the path of a bundled .js file or a .ts entry.\n`);
    return 1;
  }
  const service = await LocalDurableService.start({
    clock: args.realTime ? 'real' : 'virtual',
    freshProcessPerInvocation: args.freshProcess,
    logger: consoleLogger(args.verbose),
    // stdout carries the report; handler logs go to stderr so the report stays parseable.
    handlerOutput: (_stream, text) => output.write('stderr', text),
  });
  try {
    const name = functionNameFor(args.file);
    await service.registerFunction({
      name,
      bundle: args.file,
      handler: args.handler,
      executionTimeout: args.executionTimeout,
      timeout: args.timeout,
    });
    const viewer = args.ui ? await startViewer({ source: localServiceSource(service, [name]), title: `${name} (local service)` }) : undefined;
    // Listen for Ctrl-C from the moment the URL is shown, so it always closes the viewer cleanly.
    const interrupted = viewer ? untilInterrupted() : undefined;
    if (viewer) output.write('stderr', `Execution viewer: ${viewer.url}  (Ctrl-C to stop)\n`);
    const run = await service.run(`${name}:live`, args.input === undefined ? undefined : JSON.parse(args.input), {
      executionName: args.executionName,
    });
    output.write('stdout', formatRun(run));
    output.write('stdout', formatMetrics(service.metrics()));
    if (viewer) {
      await interrupted;
      await viewer.close();
    }
    return run.status === 'SUCCEEDED' ? 0 : 1;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    output.write('stderr', `error: ${message}\n`);
    return 1;
  } finally {
    await service.stop();
  }
}

/** A function name derived from the file name (`src/place-order.ts` → `place-order`). */
function functionNameFor(file: string): string {
  const base = path.basename(file).replace(/\.[^.]+$/, '');
  const cleaned = base.replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 64);
  return cleaned.length > 0 ? cleaned : 'function';
}

/**
 * The report printed for a finished execution.
 *
 * @example
 * process.stdout.write(formatRun(run));
 */
export function formatRun(run: ExecutionRun): string {
  const lines = [`Execution: ${run.executionArn}`, `Status:    ${run.status}`];
  if (run.status === 'SUCCEEDED') {
    lines.push(`Result:    ${run.resultPayload === undefined ? '(none)' : JSON.stringify(run.result, null, 2).replace(/\n/g, '\n           ')}`);
  } else if (run.error !== undefined) {
    lines.push(`Error:     ${run.error.ErrorType ?? 'Error'}: ${run.error.ErrorMessage ?? '(no message)'}`);
  }
  lines.push('', 'Timeline:', ...run.timeline.split('\n').map((line) => `  ${line}`), '');
  return lines.join('\n');
}

if (require.main === module) {
  void exitWith(runCli(process.argv.slice(2)), { errorPrefix: 'error: ' });
}
