#!/usr/bin/env node
/**
 * `cdk-durable`: the command line of the local durable-execution service. One module per command
 * (`local.ts`, `callback.ts`); this one only dispatches.
 *
 *     cdk-durable local <entry.ts | bundle.js> --input '{"orderId":"42"}' [--env KEY=VALUE …]
 *     cdk-durable local --app cdk.out --function MyStack/Orders
 *     cdk-durable callback succeed|fail|heartbeat <callback-id> [payload] --endpoint <url>
 *
 * Exit code 0 on success (for `local`: the execution SUCCEEDED), 1 otherwise, including usage
 * errors; 130/143 when stopped by SIGINT/SIGTERM.
 */
import { exitWith } from '../exit-code';
import { UsageError } from './arguments';
import { CALLBACK_USAGE, parseCallbackArguments, runCallbackCommand, type CallbackArguments } from './callback';
import { EXECUTION_CONTROL_USAGE, isExecutionControlCommand, runExecutionControl } from './execution-control';
import { HISTORY_EXPORT_USAGE, runHistoryExport } from './history-export';
import { REPLAY_USAGE, runReplay } from './replay';
import { runView, VIEW_USAGE } from './view';
import { LOCAL_USAGE, parseLocalArguments, runLocalCommand, type LocalRunArguments } from './local';
import { processOutput, type CliEnvironment, type CliOutput } from './output';

export { UsageError } from './arguments';
export type { CliEnvironment, CliOutput } from './output';
export { formatRun } from './report';
export type { CallbackArguments } from './callback';
export type { CliTargetFunction, LocalRunArguments } from './local';

/**
 * The overall help text.
 *
 * @example
 * process.stdout.write(USAGE);
 */
export const USAGE = `Usage: cdk-durable <command> [options]

Commands:
  local      run a durable function on the local durable-execution service
  callback   answer a callback of a running execution (succeed, fail, heartbeat)
  pause      pause an execution (no invocation starts until it is resumed)
  resume     resume a paused execution
  delete     delete a finished execution with its history
  replay     replay recorded executions against new code (the replay gate)
  history    history export: save an execution's history as JSON
  view       serve the execution viewer over saved histories or a deployed function

Run cdk-durable <command> --help for a command's options.

${LOCAL_USAGE}
${CALLBACK_USAGE}
${EXECUTION_CONTROL_USAGE}
${REPLAY_USAGE}
${HISTORY_EXPORT_USAGE}
${VIEW_USAGE}`;

const COMMAND_USAGE: Readonly<Record<string, string>> = { local: LOCAL_USAGE, callback: CALLBACK_USAGE };

/**
 * A parsed command line: a command, or a request for help.
 *
 * @example
 * if (parseCliArguments(argv).command === 'help') process.stdout.write(USAGE);
 */
export type CliArguments = LocalRunArguments | CallbackArguments | { readonly command: 'help'; readonly topic?: string };

/**
 * Parses `process.argv.slice(2)`.
 *
 * @throws UsageError naming the problem (unknown command or option, missing value, bad JSON…).
 * @example
 * parseCliArguments(['local', 'src/orders.ts', '--input', '{"orderId":"42"}']);
 */
export function parseCliArguments(argv: readonly string[]): CliArguments {
  const [command, ...rest] = argv;
  if (argv.length === 0 || command === 'help' || command === '--help' || command === '-h') {
    return { command: 'help', ...(rest[0] !== undefined ? { topic: rest[0] } : {}) };
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    return { command: 'help', topic: command };
  }
  switch (command) {
    case 'local':
      return parseLocalArguments(rest);
    case 'callback':
      return parseCallbackArguments(rest);
    default:
      throw new UsageError(`Unknown command '${command}'. The commands are local, callback, pause, resume, delete, replay, history export and view: cdk-durable local <entry.ts | bundle.js>.`);
  }
}

/**
 * Runs the command line and resolves with the exit code.
 *
 * @example
 * const code = await runCli(['local', 'src/orders.ts', '--input', '{"orderId":"42"}']);
 */
export async function runCli(argv: readonly string[], output: CliOutput = processOutput, env: CliEnvironment = {}): Promise<number> {
  // pause, resume, delete, replay, history export and view parse their own arguments and print their own help.
  if (isExecutionControlCommand(argv[0])) return runExecutionControl(argv, output);
  if (argv[0] === 'replay') return runReplay(argv.slice(1), output);
  if (argv[0] === 'view') return runView(argv.slice(1), { write: (stream, text) => output.write(stream, text) });
  if (argv[0] === 'history' && argv[1] === 'export') return runHistoryExport(argv.slice(2), output);
  let args: CliArguments;
  try {
    args = parseCliArguments(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      const usage = COMMAND_USAGE[argv[0]] ?? USAGE;
      output.write('stderr', `error: ${error.message}\n\n${usage}`);
      return 1;
    }
    throw error;
  }
  switch (args.command) {
    case 'help':
      output.write('stdout', (args.topic !== undefined ? COMMAND_USAGE[args.topic] : undefined) ?? USAGE);
      return 0;
    case 'local':
      return runLocalCommand(args, output, env);
    case 'callback':
      return runCallbackCommand(args, output);
  }
}

if (require.main === module) {
  void exitWith(runCli(process.argv.slice(2)), { errorPrefix: 'error: ' });
}
