/**
 * `cdk-durable history export`: saves an execution's history and input as a JSON file.
 *
 *     cdk-durable history export <execution-arn> --endpoint http://127.0.0.1:9014 [--out file.json]
 *     cdk-durable history export <execution-arn> --region eu-west-1 [--out file.json]
 *
 * Reads `GetDurableExecution` and every page of `GetDurableExecutionHistory` (with execution data)
 * from a running local service or a real account (credentials from the usual chain).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { exportHistory } from '../replay/export-history';
import type { CommandOutput } from './replay';

/**
 * The help text of `cdk-durable history export`.
 *
 * @example
 * process.stdout.write(HISTORY_EXPORT_USAGE);
 */
export const HISTORY_EXPORT_USAGE = `Usage: cdk-durable history export <execution-arn> (--endpoint <url> | --region <region>) [--out <file>]

Writes an execution's full history and input as a saved-history JSON file (format
"cdk-durable-function/execution-history", version 1), the input of \`cdk-durable replay\` and of
the execution viewer.

Options:
  --endpoint <url>    a running local durable-execution service (e.g. http://127.0.0.1:9014)
  --region <region>   a real account's region; credentials come from the usual AWS chain
  --out <file>        where to write (default: stdout)
  -h, --help          show this help
`;

const processOutput: CommandOutput = {
  write: (stream, text) => {
    (stream === 'stdout' ? process.stdout : process.stderr).write(text);
  },
};

/**
 * Runs `cdk-durable history export …` (argv after `history export`) and resolves with the exit code.
 *
 * @example
 * await runHistoryExport([arn, '--endpoint', service.endpoint, '--out', 'histories/order-1.json']);
 */
export async function runHistoryExport(argv: readonly string[], output: CommandOutput = processOutput): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    output.write('stdout', HISTORY_EXPORT_USAGE);
    return 0;
  }
  const values = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--endpoint' || arg === '--region' || arg === '--out') {
      const value = argv[++i];
      if (value === undefined) return usage(output, `Option ${arg} needs a value.`);
      values.set(arg, value);
    } else if (arg.startsWith('-')) {
      return usage(output, `Unknown option '${arg}'.`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 1) return usage(output, 'Give exactly one execution ARN.');
  const endpoint = values.get('--endpoint');
  const region = values.get('--region');
  if ((endpoint === undefined) === (region === undefined)) {
    return usage(output, 'Give --endpoint <url> for a local service, or --region <region> for a real account (one of them).');
  }
  const client =
    endpoint !== undefined
      ? new LambdaClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } })
      : new LambdaClient({ region });
  try {
    const text = await exportHistory(client, positional[0]);
    const out = values.get('--out');
    if (out === undefined) {
      output.write('stdout', text);
    } else {
      fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
      fs.writeFileSync(out, text);
      output.write('stderr', `Saved the history of ${positional[0]} to ${out}\n`);
    }
    return 0;
  } catch (error) {
    const err = error as { name?: string; message?: string };
    output.write('stderr', `error: could not read ${positional[0]}: ${err.name ?? 'Error'}: ${err.message ?? String(error)}\n`);
    return 1;
  } finally {
    client.destroy();
  }
}

function usage(output: CommandOutput, message: string): number {
  output.write('stderr', `error: ${message}\n\n${HISTORY_EXPORT_USAGE}`);
  return 2;
}
