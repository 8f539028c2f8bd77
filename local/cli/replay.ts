/**
 * `cdk-durable replay`: the replay gate on the command line.
 *
 *     cdk-durable replay --entry src/orders.ts [--handler name] histories/*.json
 *     cdk-durable replay --app cdk.out --function OrdersStack/Orders histories/
 *
 * Exit code 0 when every history is compatible, 1 when any diverges or fails on replay, 2 for a
 * usage or input error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatReplayReports, replayHistories, ReplayCodeError, ReplayInputError, type ReplayCodeSource } from '../replay';
import { HistoryFileError } from '../viewer/history-file';

/** Where a command writes; injectable so tests can capture it. */
export interface CommandOutput {
  write(stream: 'stdout' | 'stderr', text: string): void;
}

const processOutput: CommandOutput = {
  write: (stream, text) => {
    (stream === 'stdout' ? process.stdout : process.stderr).write(text);
  },
};

/**
 * The help text of `cdk-durable replay`.
 *
 * @example
 * process.stdout.write(REPLAY_USAGE);
 */
export const REPLAY_USAGE = `Usage: cdk-durable replay (--entry <file> [--handler <name>] | --app <cdk.out> --function <Stack/Fn>) <history.json | folder>...

Replays recorded executions against new workflow code, without running any step function, and
reports per history: compatible, or the first divergence (a NonDeterministicError: position,
recorded vs new operation, source line). Exits 0 when every history is compatible, 1 when any
diverges or fails on replay, 2 for bad usage or unreadable input.

Options:
  --entry <file>          the workflow file, bundled exactly as DurableFunction bundles it
  --handler <name>        the workflow's export (default: handler)
  --project-root <dir>    esbuild's working directory (default: the entry's package folder)
  --app <dir>             a synthesized cloud assembly (cdk.out); use with --function
  --function <path>       the DurableFunction's construct path in --app, e.g. OrdersStack/Orders
  --json                  print the reports as JSON instead of text
  --verbose               show the new code's log output (stderr)
  -h, --help              show this help

A folder argument stands for every .json file in it.
`;

/**
 * Runs `cdk-durable replay …` (argv without the command word) and resolves with the exit code.
 *
 * @example
 * const code = await runReplay(['--entry', 'src/orders.ts', 'histories/']);
 */
export async function runReplay(argv: readonly string[], output: CommandOutput = processOutput): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    output.write('stdout', REPLAY_USAGE);
    return 0;
  }
  let parsed: { source: ReplayCodeSource; files: string[]; json: boolean; verbose: boolean };
  try {
    parsed = parseReplayArguments(argv);
  } catch (error) {
    output.write('stderr', `error: ${(error as Error).message}\n\n${REPLAY_USAGE}`);
    return 2;
  }
  try {
    const reports = await replayHistories({
      ...parsed.source,
      histories: parsed.files,
      handlerOutput: parsed.verbose ? (_stream, text) => output.write('stderr', text) : undefined,
    });
    output.write('stdout', parsed.json ? `${JSON.stringify(reports, null, 2)}\n` : formatReplayReports(reports));
    return reports.every((report) => report.verdict === 'compatible') ? 0 : 1;
  } catch (error) {
    if (error instanceof ReplayInputError || error instanceof ReplayCodeError || error instanceof HistoryFileError) {
      output.write('stderr', `error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

const VALUES = new Set(['--entry', '--handler', '--project-root', '--app', '--function']);

function parseReplayArguments(argv: readonly string[]): { source: ReplayCodeSource; files: string[]; json: boolean; verbose: boolean } {
  const values = new Map<string, string>();
  const positional: string[] = [];
  let json = false;
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (VALUES.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new Error(`Option ${name} needs a value.`);
      if (values.has(name)) throw new Error(`Option ${name} is given twice; give it once.`);
      values.set(name, value);
    } else if (arg === '--json') {
      json = true;
    } else if (arg === '--verbose') {
      verbose = true;
    } else if (arg.startsWith('-')) {
      throw new Error(`Unknown option '${arg}'.`);
    } else {
      positional.push(arg);
    }
  }
  const entry = values.get('--entry');
  const app = values.get('--app');
  const fn = values.get('--function');
  if ((entry === undefined) === (app === undefined && fn === undefined)) {
    throw new Error('Give the new code with --entry <file>, or with --app <cdk.out> --function <Stack/Function>.');
  }
  if (entry === undefined && (app === undefined || fn === undefined)) throw new Error('--app and --function go together.');
  if (positional.length === 0) throw new Error('Give at least one history file or folder (written by `cdk-durable history export`).');
  const files: string[] = [];
  for (const item of positional) {
    if (!fs.existsSync(item)) throw new Error(`${item} does not exist.`);
    if (fs.statSync(item).isDirectory()) {
      const found = fs.readdirSync(item).filter((name) => name.endsWith('.json')).sort().map((name) => path.join(item, name));
      if (found.length === 0) throw new Error(`${item} holds no .json history files.`);
      files.push(...found);
    } else {
      files.push(item);
    }
  }
  const source: ReplayCodeSource =
    entry !== undefined
      ? { entry, handler: values.get('--handler'), projectRoot: values.get('--project-root') }
      : { app, function: fn };
  return { source, files, json, verbose };
}
