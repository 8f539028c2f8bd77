/**
 * `cdk-durable local`: runs one execution of a durable function on a private local service and
 * prints its status, result and operation timeline. The function is a workflow entry bundled by
 * the construct's own bundler, a built bundle, or a function of a synthesized `cdk.out`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_DURATION_SECONDS } from '../core/limits';
import { consoleLogger } from '../http/logger';
import { LocalDurableService, type ExecutionRun, type RegisteredFunction } from '../local-service';
import { formatMetrics } from '../observability';
import { exportHistory } from '../replay/export-history';
import { localServiceSource, startViewer, type ExecutionViewer } from '../viewer';
import { jsonText, parseOptions, UsageError, wholeNumber } from './arguments';
import { CallbackConsole, startCallbackPrompt } from './callback-console';
import { findAssemblyFunction } from './cloud-assembly';
import { handlerEnvironment } from './environment';
import { processStopSignals, type CliEnvironment, type CliOutput } from './output';
import { formatInvocationError, formatRun } from './report';

/**
 * The help text of `cdk-durable local`.
 *
 * @example
 * process.stdout.write(LOCAL_USAGE);
 */
export const LOCAL_USAGE = `Usage: cdk-durable local <entry.ts | entry.js | bundle> [options]
       cdk-durable local --app cdk.out --function <Stack/Construct> [options]

Runs a durable function on the local durable-execution service and prints its status, result and
operation timeline. A workflow entry (.ts, .mts, .cts, .js, .mjs) is bundled exactly as the
DurableFunction construct bundles it. Exits 0 when the execution SUCCEEDED, 1 otherwise.

Options:
  --input <json>               execution input, as JSON text (default: no input)
  --handler <name>             the entry's export holding the workflow (default: handler)
  --app <cdk.out>              a synthesized cloud assembly (run \`npx cdk synth\` first) …
  --function <path>            … and the construct path of the function in it, e.g. MyStack/Orders
  --bundled                    the file is a built bundle (e.g. cdk.out/asset.*/index.js): host it as is
  --runtime <name>             nodejs24.x (default) or nodejs22.x: the bundle's target, as the construct's prop
  --env <KEY=VALUE>            an environment variable for the handler (repeatable)
  --env-file <file>            environment variables from a file of KEY=VALUE lines
  --execution-name <name>      DurableExecutionName (1-64 of [a-zA-Z0-9-_])
  --execution-timeout <s>      durable execution timeout in seconds (default: 86400)
  --timeout <s>                function timeout in seconds (default: 60)
  --max-invocation-errors <n>  stop the execution after n failed invocations in a row (default: 3)
  --port <port>                the service's port on 127.0.0.1 (default: a free one)
  --interactive                answer callbacks at a prompt on stdin (default: when stdin is a terminal)
  --no-prompt                  never open the prompt
  --real-time                  run durable waits in real time (default: virtual clock)
  --fresh-process              run every invocation in a new Node process
  --plain-function <name>=<file>
                               also host a plain (non-durable) function for ctx.invoke (repeatable)
  --durable-function <name>=<file>
                               also host a durable function for ctx.invoke, as <name>:live (repeatable)
  --ui                         serve the execution viewer on 127.0.0.1 (URL on stderr) until Ctrl-C
  --save-history <file>        write the execution's history (saved-history JSON) when the run ends
  --verbose                    log service activity to stderr
  -h, --help                   show this help

While it runs, the service's endpoint and every open callback's id are printed to stderr; answer a
callback with \`cdk-durable callback succeed <id> [json] --endpoint <url>\` from another terminal.
Ctrl-C stops the service and removes its temporary files.
`;

/**
 * What `cdk-durable local …` asks for.
 *
 * @example
 * const args = parseLocalArguments(['src/orders.ts', '--input', '{"orderId":"42"}']);
 */
export interface LocalRunArguments {
  readonly command: 'local';
  /** The entry or bundle to run (absent with `app`). */
  readonly file?: string;
  /** A cloud assembly and a construct path in it. */
  readonly app?: { readonly assembly: string; readonly functionPath: string };
  /** The execution input as JSON text (default: none). */
  readonly input?: string;
  readonly handler: string;
  readonly bundled: boolean;
  readonly runtime: 'nodejs22.x' | 'nodejs24.x';
  readonly environment: Readonly<Record<string, string>>;
  readonly realTime: boolean;
  readonly freshProcess: boolean;
  readonly executionName?: string;
  /** Durable execution timeout in seconds. */
  readonly executionTimeout?: number;
  /** Function timeout in seconds. */
  readonly timeout?: number;
  readonly maxInvocationErrors: number;
  readonly port?: number;
  /** true / false when asked for; undefined: decide by whether stdin is a terminal. */
  readonly interactive?: boolean;
  readonly verbose: boolean;
  /** Serve the execution viewer while the execution runs, and keep it up until Ctrl-C. */
  readonly ui?: boolean;
  /** Where to write the execution's history when the run ends (`--save-history`). */
  readonly saveHistory?: string;
  /** Further functions to host as chained-invoke targets (`--plain-function`, `--durable-function`). */
  readonly targets?: readonly CliTargetFunction[];
}

/**
 * A function the CLI hosts next to the one it runs, for `ctx.invoke` to call.
 *
 * @example
 * { name: 'pricing', file: 'src/pricing.ts', durable: false }
 */
export interface CliTargetFunction {
  readonly name: string;
  readonly file: string;
  /** False for a plain Lambda function; true for a durable one (invoked through its `live` alias). */
  readonly durable: boolean;
}

const TARGET_OPTIONS: ReadonlySet<string> = new Set(['--plain-function', '--durable-function']);

/** Takes the target-function options out of the arguments, in the order given. */
function takeTargets(args: readonly string[]): { readonly rest: string[]; readonly targets: CliTargetFunction[] } {
  const rest: string[] = [];
  const targets: CliTargetFunction[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!TARGET_OPTIONS.has(arg)) {
      rest.push(arg);
      continue;
    }
    const value = args[++i];
    const m = value === undefined ? null : /^([a-zA-Z0-9_-]{1,64})=(.+)$/.exec(value);
    if (!m) {
      throw new UsageError(`${arg} needs <name>=<file>, e.g. ${arg} pricing=src/pricing.ts; the name is what ctx.invoke calls.`);
    }
    if (targets.some((t) => t.name === m[1])) {
      throw new UsageError(`Function ${m[1]} is given twice; give each target function once.`);
    }
    targets.push({ name: m[1], file: m[2], durable: arg === '--durable-function' });
  }
  return { rest, targets };
}

/**
 * Parses the arguments after `local`.
 *
 * @throws UsageError naming the problem (unknown option, missing value, bad JSON…).
 * @example
 * parseLocalArguments(['dist/index.js', '--bundled']).bundled; // true
 */
export function parseLocalArguments(argv: readonly string[]): LocalRunArguments {
  const { rest: args, targets } = takeTargets(argv);
  const options = parseOptions('local', args, {
    values: [
      '--input', '--handler', '--execution-name', '--execution-timeout', '--timeout', '--app', '--function',
      '--runtime', '--env-file', '--max-invocation-errors', '--port', '--save-history',
    ],
    repeated: ['--env'],
    flags: ['--real-time', '--fresh-process', '--verbose', '--bundled', '--interactive', '--no-prompt', '--ui'],
  });
  const { values, flags, positional } = options;
  const assembly = values.get('--app');
  const functionPath = values.get('--function');
  if ((assembly === undefined) !== (functionPath === undefined)) {
    throw new UsageError('--app and --function go together: cdk-durable local --app cdk.out --function MyStack/Orders.');
  }
  if (assembly !== undefined && positional.length > 0) {
    throw new UsageError(`Give either a file or --app/--function, not both (got ${positional.join(', ')}).`);
  }
  if (assembly === undefined && positional.length === 0) {
    throw new UsageError('Missing the file to run: cdk-durable local <entry.ts | bundle.js>, or --app cdk.out --function MyStack/Orders.');
  }
  if (positional.length > 1) {
    throw new UsageError(`Expected one file to run, got ${positional.length}: ${positional.join(', ')}. Quote the --input JSON.`);
  }
  const input = values.get('--input');
  if (input !== undefined) jsonText('--input', input);
  const executionName = values.get('--execution-name');
  if (executionName !== undefined && !/^[a-zA-Z0-9_-]{1,64}$/.test(executionName)) {
    throw new UsageError(`--execution-name '${executionName}' is invalid: use 1-64 letters, digits, '-' or '_'.`);
  }
  const handler = values.get('--handler') ?? 'handler';
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(handler)) {
    throw new UsageError(`--handler '${handler}' is not an export name; give the exported function's name, e.g. --handler handler.`);
  }
  const runtime = values.get('--runtime') ?? 'nodejs24.x';
  if (runtime !== 'nodejs22.x' && runtime !== 'nodejs24.x') {
    throw new UsageError(`--runtime '${runtime}' is not a runtime durable functions run on; use nodejs24.x or nodejs22.x.`);
  }
  if (flags.has('--interactive') && flags.has('--no-prompt')) {
    throw new UsageError('--interactive and --no-prompt contradict each other; give one.');
  }
  return {
    command: 'local',
    ...(positional[0] !== undefined ? { file: positional[0] } : {}),
    ...(assembly !== undefined && functionPath !== undefined ? { app: { assembly, functionPath } } : {}),
    input,
    handler,
    bundled: flags.has('--bundled'),
    runtime,
    environment: handlerEnvironment(options.repeated.get('--env') ?? [], values.get('--env-file')),
    realTime: flags.has('--real-time'),
    freshProcess: flags.has('--fresh-process'),
    executionName,
    executionTimeout: wholeNumber(values, '--execution-timeout', 1, MAX_DURATION_SECONDS),
    timeout: wholeNumber(values, '--timeout', 1, 900),
    maxInvocationErrors: wholeNumber(values, '--max-invocation-errors', 1, 10_000, 'invocations') ?? 3,
    port: wholeNumber(values, '--port', 1, 65_535, 'a port'),
    interactive: flags.has('--interactive') ? true : flags.has('--no-prompt') ? false : undefined,
    verbose: flags.has('--verbose'),
    ...(flags.has('--ui') ? { ui: true } : {}),
    ...(values.get('--save-history') !== undefined ? { saveHistory: values.get('--save-history') } : {}),
    ...(targets.length > 0 ? { targets } : {}),
  };
}

/** Exit codes of a run ended by a signal, as shells report them. */
const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Runs `cdk-durable local …` and resolves with the exit code.
 *
 * @example
 * const code = await runLocalCommand(parseLocalArguments(['src/orders.ts']), output, {});
 */
export async function runLocalCommand(args: LocalRunArguments, output: CliOutput, env: CliEnvironment): Promise<number> {
  if (args.file !== undefined && (!fs.existsSync(args.file) || !fs.statSync(args.file).isFile())) {
    output.write('stderr', `error: ${args.file} does not exist. Give the path of a workflow entry (.ts, .js, .mjs) or a built bundle.\n`);
    return 1;
  }
  // Set once the service (which the console reads) is up; the request observer runs before that.
  const callbackView: { current?: CallbackConsole } = {};
  let executionArn: string | undefined;
  const service = await LocalDurableService.start({
    clock: args.realTime ? 'real' : 'virtual',
    port: args.port,
    freshProcessPerInvocation: args.freshProcess,
    logger: consoleLogger(args.verbose),
    // stdout carries the report; handler logs go to stderr so the report stays parseable.
    handlerOutput: (_stream, text) => output.write('stderr', text),
    maxConsecutiveInvocationErrors: args.maxInvocationErrors,
    onInvocationError: (failure) => {
      if (failure.consecutive === 1 || failure.stopped) {
        output.write('stderr', formatInvocationError(failure.invocationNumber, failure.error));
      }
      if (failure.stopped) {
        output.write('stderr', `Stopping the execution: ${failure.consecutive} failed invocation${failure.consecutive === 1 ? '' : 's'} in a row.\n`);
      }
    },
    onRequest: (request) => {
      if (request.operation === 'CheckpointDurableExecution' && executionArn !== undefined) {
        callbackView.current?.refresh(executionArn);
      }
    },
  });
  const callbacks = new CallbackConsole(service.core, output, () => service.endpoint);
  callbackView.current = callbacks;
  let stoppedBy: NodeJS.Signals | undefined;
  let finished = false;
  let signalled: () => void = () => undefined;
  const stopRequested = new Promise<void>((resolve) => {
    signalled = resolve;
  });
  let viewer: ExecutionViewer | undefined;
  const offSignals = (env.onStopSignal ?? processStopSignals)((signal) => {
    if (stoppedBy !== undefined) return;
    stoppedBy = signal;
    signalled();
    if (viewer !== undefined && finished) return; // the run is over: just stop serving the viewer
    output.write('stderr', `\n${signal}: stopping the local service and removing its temporary files…\n`);
    void service.stop();
  });
  let closePrompt: (() => void) | undefined;
  try {
    for (const target of args.targets ?? []) {
      await service.registerFunction({ name: target.name, bundle: target.file, durable: target.durable });
    }
    const registered = await register(service, args, output);
    output.write('stderr', `Local durable-execution service: ${service.endpoint}  (function ${registered.name}, bundle ${registered.bundlePath})\n`);
    if (args.ui === true) {
      viewer = await startViewer({ source: localServiceSource(service, [registered.name]), title: `${registered.name} (local service)` });
      output.write('stderr', `Execution viewer: ${viewer.url}  (Ctrl-C to stop)\n`);
    }
    executionArn = await service.startExecution(`${registered.name}:live`, args.input === undefined ? undefined : JSON.parse(args.input), {
      executionName: args.executionName,
    });
    const arn = executionArn;
    const input = env.input ?? process.stdin;
    const interactive = args.interactive ?? (env.interactive ?? (input === process.stdin && process.stdin.isTTY === true));
    if (interactive) {
      closePrompt = startCallbackPrompt(input, output, service.client(), () => callbacks.open(arn));
      output.write('stderr', "Callback prompt open: type 'succeed [id] [json]', 'fail [id] [message]', 'heartbeat [id]' or 'list'.\n");
    }
    const run: ExecutionRun = await service.waitForExecution(arn);
    output.write('stdout', formatRun(run));
    output.write('stdout', formatMetrics(service.metrics()));
    if (args.saveHistory !== undefined) {
      fs.mkdirSync(path.dirname(path.resolve(args.saveHistory)), { recursive: true });
      fs.writeFileSync(args.saveHistory, await exportHistory(service.client(), run.executionArn, { virtualClock: !args.realTime }));
      output.write('stderr', `Saved the execution's history to ${args.saveHistory}\n`);
    }
    finished = true;
    if (viewer !== undefined && stoppedBy === undefined) {
      output.write('stderr', `The execution ended; the viewer stays at ${viewer.url} until Ctrl-C.\n`);
      await stopRequested;
    }
    return run.status === 'SUCCEEDED' ? 0 : 1;
  } catch (error) {
    if (stoppedBy !== undefined) {
      return SIGNAL_EXIT[stoppedBy] ?? 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    output.write('stderr', `error: ${message}\n`);
    return 1;
  } finally {
    closePrompt?.();
    offSignals();
    await viewer?.close();
    await service.stop();
  }
}

async function register(service: LocalDurableService, args: LocalRunArguments, output: CliOutput): Promise<RegisteredFunction> {
  const shared = { executionTimeout: args.executionTimeout, timeout: args.timeout };
  if (args.app !== undefined) {
    const fn = findAssemblyFunction(args.app.assembly, args.app.functionPath);
    if (fn.unresolvedEnvironment.length > 0) {
      output.write('stderr', `note: ${fn.unresolvedEnvironment.join(', ')} of ${fn.constructPath} are only known at deploy time; pass them with --env.\n`);
    }
    return service.registerFunction({
      name: fn.name,
      bundle: fn.bundlePath,
      handler: fn.handler,
      executionTimeout: args.executionTimeout ?? fn.executionTimeout,
      timeout: args.timeout ?? fn.timeout,
      retentionDays: fn.retentionDays,
      memorySize: fn.memorySize,
      environment: { ...fn.environment, ...args.environment },
    });
  }
  const file = args.file as string;
  const name = functionNameFor(file);
  if (args.bundled || path.extname(file).toLowerCase() === '.cjs') {
    return service.registerFunction({ name, bundle: file, handler: args.handler, environment: args.environment, ...shared });
  }
  return service.registerFunction({ name, entry: file, handler: args.handler, runtime: args.runtime, environment: args.environment, ...shared });
}

/** A function name derived from the file name (`src/place-order.ts` → `place-order`). */
function functionNameFor(file: string): string {
  const base = path.basename(file).replace(/\.[^.]+$/, '');
  const cleaned = base.replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 64);
  return cleaned.length > 0 ? cleaned : 'function';
}
