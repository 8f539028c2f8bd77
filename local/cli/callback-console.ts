/**
 * Open callbacks in `cdk-durable local`: printed as soon as the workflow starts waiting on one
 * (with the command that answers it from another terminal), and answerable from an interactive
 * prompt (`succeed`, `fail`, `heartbeat`).
 */
import * as readline from 'node:readline';
import type { Readable } from 'node:stream';
import {
  LambdaClient,
  SendDurableExecutionCallbackFailureCommand,
  SendDurableExecutionCallbackHeartbeatCommand,
  SendDurableExecutionCallbackSuccessCommand,
} from '@aws-sdk/client-lambda';
import type { DurableServiceCore } from '../core';
import type { CliOutput } from './output';
import { callbackError } from './callback';

/** A callback the workflow waits on. */
export interface OpenCallback {
  readonly callbackId: string;
  readonly name?: string;
  readonly executionArn: string;
}

/**
 * Tracks the callbacks the workflow opens and prints each one once.
 *
 * @example
 * const console = new CallbackConsole(service.core, output, service.endpoint);
 * // after each checkpoint:
 * console.refresh(executionArn);
 */
export class CallbackConsole {
  private readonly announced = new Set<string>();

  constructor(
    private readonly core: DurableServiceCore,
    private readonly output: CliOutput,
    private readonly endpoint: () => string,
  ) {}

  /** Callbacks still waiting for an answer, oldest first. */
  open(executionArn: string): OpenCallback[] {
    const operations = this.core.getOperations(executionArn);
    // waitForCallback names its context; the callback inside it has no name of its own.
    const nameOf = (id: string | undefined) => operations.find((op) => op.Id === id)?.Name;
    return operations
      .filter((op) => op.Type === 'CALLBACK' && op.Status === 'STARTED' && op.CallbackDetails?.CallbackId !== undefined)
      .map((op) => {
        const name = op.Name ?? nameOf(op.ParentId);
        return { callbackId: op.CallbackDetails?.CallbackId as string, ...(name !== undefined ? { name } : {}), executionArn };
      });
  }

  /** Prints callbacks opened since the last call. */
  refresh(executionArn: string): void {
    for (const callback of this.open(executionArn)) {
      if (this.announced.has(callback.callbackId)) continue;
      this.announced.add(callback.callbackId);
      const label = callback.name === undefined ? 'A callback' : `Callback "${callback.name}"`;
      this.output.write(
        'stderr',
        [
          `${label} is waiting for an answer. Callback id:`,
          `  ${callback.callbackId}`,
          'Answer it from another terminal:',
          `  npx cdk-durable callback succeed ${callback.callbackId} '{"approved":true}' --endpoint ${this.endpoint()}`,
          `  npx cdk-durable callback fail ${callback.callbackId} 'reason' --endpoint ${this.endpoint()}`,
          '',
        ].join('\n'),
      );
    }
  }
}

const PROMPT_HELP = `Callback prompt commands (the id may be left out when one callback is open):
  succeed [id] [json]      complete the callback with a JSON result
  fail [id] [message]      fail the callback (a message, or an ErrorObject as JSON)
  heartbeat [id]           send a heartbeat
  list                     show the open callbacks
`;

/**
 * Reads prompt lines from `input` and answers callbacks through the service's API with `client`.
 * Returns a function that closes the prompt.
 *
 * @example
 * const close = startCallbackPrompt(process.stdin, output, client, () => console.open(arn));
 */
export function startCallbackPrompt(
  input: Readable,
  output: CliOutput,
  client: LambdaClient,
  openCallbacks: () => OpenCallback[],
): () => void {
  const lines = readline.createInterface({ input, terminal: false });
  let queue = Promise.resolve();
  lines.on('line', (line) => {
    queue = queue.then(() => answer(line.trim(), output, client, openCallbacks));
  });
  return () => lines.close();
}

async function answer(line: string, output: CliOutput, client: LambdaClient, openCallbacks: () => OpenCallback[]): Promise<void> {
  if (line === '') return;
  const [command, ...rest] = line.split(/\s+/);
  const open = openCallbacks();
  if (command === 'help') {
    output.write('stderr', PROMPT_HELP);
    return;
  }
  if (command === 'list') {
    output.write('stderr', open.length === 0 ? 'No open callbacks.\n' : open.map((c) => `  ${c.callbackId}${c.name ? `  "${c.name}"` : ''}\n`).join(''));
    return;
  }
  if (!['succeed', 'fail', 'heartbeat'].includes(command)) {
    output.write('stderr', `Unknown prompt command '${command}'.\n${PROMPT_HELP}`);
    return;
  }
  let callbackId: string | undefined;
  let payload = line.slice(command.length).trim();
  const named = open.find((c) => c.callbackId === rest[0] || (c.name !== undefined && c.name === rest[0]));
  if (named !== undefined) {
    callbackId = named.callbackId;
    payload = payload.slice(rest[0].length).trim();
  } else if (open.length === 1) {
    callbackId = open[0].callbackId;
  } else {
    output.write('stderr', open.length === 0 ? 'No callback is open.\n' : `${open.length} callbacks are open; name one by id or name (see 'list').\n`);
    return;
  }
  try {
    if (command === 'succeed') {
      if (payload !== '') JSON.parse(payload);
      await client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: payload === '' ? undefined : Buffer.from(payload) }));
    } else if (command === 'fail') {
      await client.send(new SendDurableExecutionCallbackFailureCommand({ CallbackId: callbackId, Error: callbackError(payload) }));
    } else {
      await client.send(new SendDurableExecutionCallbackHeartbeatCommand({ CallbackId: callbackId }));
    }
    output.write('stderr', `${command}: sent to ${callbackId}\n`);
  } catch (error) {
    output.write('stderr', `${command} failed: ${(error as Error).message}\n`);
  }
}
