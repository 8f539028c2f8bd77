import {
  GetDurableExecutionStateCommand,
  type GetDurableExecutionStateCommandOutput,
  type LambdaClient,
  type Operation,
} from '@aws-sdk/client-lambda';

/** Page size asked of GetDurableExecutionState (the service maximum). */
const PAGE_SIZE = 1000;

/**
 * Follows `NextMarker` with GetDurableExecutionState until the last page (protocol.md §1.2) and
 * returns the operations of those pages. Errors propagate unclassified; callers classify them.
 */
export async function loadRemainingPages(
  client: LambdaClient,
  executionArn: string,
  checkpointToken: string,
  firstMarker: string,
): Promise<Operation[]> {
  const operations: Operation[] = [];
  let marker: string | undefined = firstMarker;
  const seen = new Set<string>();
  while (marker) {
    if (seen.has(marker)) {
      throw new Error(`GetDurableExecutionState returned the marker "${marker}" twice; stopping to avoid an endless loop.`);
    }
    seen.add(marker);
    const page: GetDurableExecutionStateCommandOutput = await client.send(
      new GetDurableExecutionStateCommand({
        DurableExecutionArn: executionArn,
        CheckpointToken: checkpointToken,
        Marker: marker,
        MaxItems: PAGE_SIZE,
      }),
    );
    operations.push(...(page.Operations ?? []));
    marker = page.NextMarker || undefined;
  }
  return operations;
}
