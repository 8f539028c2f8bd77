import {
  GetDurableExecutionStateCommand,
  type GetDurableExecutionStateCommandOutput,
  type LambdaClient,
  type Operation,
} from '@aws-sdk/client-lambda';

/** Page size asked of GetDurableExecutionState (the service maximum). */
const PAGE_SIZE = 1000;

/**
 * Reads pages of GetDurableExecutionState until the last one and returns their operations. With
 * `startMarker` it continues an earlier listing (the invocation event's first page, §1.2); without
 * it, it reads the whole state from the first page (the reload after a paginated checkpoint
 * response, §3.1). Errors propagate unclassified; callers classify them.
 */
export async function loadPages(
  client: LambdaClient,
  executionArn: string,
  checkpointToken: string,
  startMarker: string | undefined,
): Promise<Operation[]> {
  const operations: Operation[] = [];
  let marker: string | undefined = startMarker;
  const seen = new Set<string>();
  do {
    if (marker !== undefined) {
      if (seen.has(marker)) {
        throw new Error(`GetDurableExecutionState returned the marker "${marker}" twice; stopping to avoid an endless loop.`);
      }
      seen.add(marker);
    }
    const page: GetDurableExecutionStateCommandOutput = await client.send(
      new GetDurableExecutionStateCommand({
        DurableExecutionArn: executionArn,
        CheckpointToken: checkpointToken,
        ...(marker !== undefined ? { Marker: marker } : {}),
        MaxItems: PAGE_SIZE,
      }),
    );
    operations.push(...(page.Operations ?? []));
    marker = page.NextMarker || undefined;
  } while (marker !== undefined);
  return operations;
}
