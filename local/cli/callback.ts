/**
 * `cdk-durable callback succeed|fail|heartbeat <id> [payload] --endpoint URL`: answers a
 * callback through the Lambda API, against the endpoint `cdk-durable local` printed (or, with
 * `--region` and no endpoint, the real service with your AWS credentials).
 */
import {
  ErrorObject,
  LambdaClient,
  SendDurableExecutionCallbackFailureCommand,
  SendDurableExecutionCallbackHeartbeatCommand,
  SendDurableExecutionCallbackSuccessCommand,
} from '@aws-sdk/client-lambda';
import { jsonText, parseOptions, UsageError } from './arguments';
import type { CliOutput } from './output';

/**
 * The help text of `cdk-durable callback`.
 *
 * @example
 * process.stdout.write(CALLBACK_USAGE);
 */
export const CALLBACK_USAGE = `Usage: cdk-durable callback <succeed|fail|heartbeat> <callback-id> [payload] [options]

Answers a durable-execution callback, e.g. one that \`cdk-durable local\` printed.

  succeed <id> [json]      completes the callback; the JSON becomes its result
  fail <id> [message]      fails it: a message, or an error as JSON {"ErrorType":"…","ErrorMessage":"…"}
  heartbeat <id>           keeps a callback with a heartbeat timeout alive

Options:
  --endpoint <url>         the service to talk to (default: $CDK_DURABLE_ENDPOINT, else AWS)
  --region <region>        region (default: $AWS_REGION, else us-east-1)
  -h, --help               show this help
`;

/**
 * What `cdk-durable callback …` asks for.
 *
 * @example
 * parseCallbackArguments(['succeed', 'abc', '{"ok":true}', '--endpoint', 'http://127.0.0.1:9014']);
 */
export interface CallbackArguments {
  readonly command: 'callback';
  readonly action: 'succeed' | 'fail' | 'heartbeat';
  readonly callbackId: string;
  readonly payload?: string;
  readonly endpoint?: string;
  readonly region?: string;
}

/**
 * Parses the arguments after `callback`.
 *
 * @throws UsageError naming the problem.
 * @example
 * parseCallbackArguments(['heartbeat', 'abc', '--endpoint', 'http://127.0.0.1:9014']);
 */
export function parseCallbackArguments(args: readonly string[], env: NodeJS.ProcessEnv = process.env): CallbackArguments {
  const options = parseOptions('callback', args, { values: ['--endpoint', '--region'] });
  const [action, callbackId, payload, ...extra] = options.positional;
  if (action !== 'succeed' && action !== 'fail' && action !== 'heartbeat') {
    throw new UsageError(`cdk-durable callback needs an action: succeed, fail or heartbeat${action === undefined ? '' : `, not '${action}'`}.`);
  }
  if (callbackId === undefined || callbackId === '') {
    throw new UsageError(`Missing the callback id: cdk-durable callback ${action} <callback-id>. cdk-durable local prints it when the workflow waits.`);
  }
  if (extra.length > 0 || (action === 'heartbeat' && payload !== undefined)) {
    throw new UsageError(`Too many arguments for cdk-durable callback ${action}; quote the payload for your shell, e.g. '{"approved":true}'.`);
  }
  if (action === 'succeed' && payload !== undefined) {
    jsonText('The callback result', payload);
  }
  const endpoint = options.values.get('--endpoint') ?? env.CDK_DURABLE_ENDPOINT;
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
    throw new UsageError(`--endpoint '${endpoint}' is not a URL; give the one cdk-durable local printed, e.g. http://127.0.0.1:9014.`);
  }
  return { command: 'callback', action, callbackId, payload, endpoint, region: options.values.get('--region') };
}

/**
 * The ErrorObject of a `fail`: a JSON ErrorObject as given, or a message.
 *
 * @example
 * callbackError('not approved'); // { ErrorType: 'CallbackFailure', ErrorMessage: 'not approved' }
 */
export function callbackError(payload: string | undefined): ErrorObject {
  if (payload === undefined || payload === '') return { ErrorType: 'CallbackFailure', ErrorMessage: 'The callback was failed from the command line.' };
  try {
    const parsed = JSON.parse(payload) as unknown;
    if (parsed !== null && typeof parsed === 'object' && ('ErrorType' in parsed || 'ErrorMessage' in parsed)) {
      return parsed as ErrorObject;
    }
  } catch {
    // Not JSON: a message.
  }
  return { ErrorType: 'CallbackFailure', ErrorMessage: payload };
}

/**
 * Runs `cdk-durable callback …` and resolves with the exit code.
 *
 * @example
 * await runCallbackCommand(parseCallbackArguments(argv), output);
 */
export async function runCallbackCommand(args: CallbackArguments, output: CliOutput): Promise<number> {
  const client = new LambdaClient({
    region: args.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(args.endpoint !== undefined ? { endpoint: args.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  try {
    if (args.action === 'succeed') {
      await client.send(
        new SendDurableExecutionCallbackSuccessCommand({ CallbackId: args.callbackId, Result: args.payload === undefined ? undefined : Buffer.from(args.payload) }),
      );
    } else if (args.action === 'fail') {
      await client.send(new SendDurableExecutionCallbackFailureCommand({ CallbackId: args.callbackId, Error: callbackError(args.payload) }));
    } else {
      await client.send(new SendDurableExecutionCallbackHeartbeatCommand({ CallbackId: args.callbackId }));
    }
    output.write('stdout', `${args.action}: sent to ${args.callbackId}\n`);
    return 0;
  } catch (error) {
    const e = error as Error;
    output.write('stderr', `error: ${e.name}: ${e.message}\n`);
    return 1;
  } finally {
    client.destroy();
  }
}
