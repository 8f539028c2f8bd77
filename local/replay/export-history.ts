/**
 * Reads one execution through the durable-execution API — `GetDurableExecution` and every page of
 * `GetDurableExecutionHistory`, with execution data — and writes it in the saved-history format.
 * The same calls work against a local service's endpoint and a real account.
 */
import { GetDurableExecutionCommand, GetDurableExecutionHistoryCommand, type Event, type LambdaClient } from '@aws-sdk/client-lambda';
import { serializeHistoryFile } from '../viewer/history-file';

const HISTORY_PAGE_SIZE = 1000;

/**
 * The saved-history file text of an execution (format `cdk-durable-function/execution-history`, version 1).
 *
 * @example
 * fs.writeFileSync('histories/order-42.json', await exportHistory(new LambdaClient({ region: 'eu-west-1' }), arn));
 */
export async function exportHistory(client: LambdaClient, executionArn: string, options: { readonly virtualClock?: boolean } = {}): Promise<string> {
  const execution = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: executionArn }));
  const events: Event[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(
      new GetDurableExecutionHistoryCommand({ DurableExecutionArn: executionArn, IncludeExecutionData: true, MaxItems: HISTORY_PAGE_SIZE, Marker: marker }),
    );
    events.push(...(page.Events ?? []));
    marker = page.NextMarker || undefined;
  } while (marker !== undefined);
  return serializeHistoryFile(execution, events, options);
}
