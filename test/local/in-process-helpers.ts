import {
  CheckpointDurableExecutionCommand,
  GetDurableExecutionStateCommand,
  type Operation,
  type OperationUpdate,
} from '@aws-sdk/client-lambda';
import type { DurableInvocationEvent } from '../../local/core';
import type { InProcessLambdaClient } from '../../local/in-process-client';

/**
 * A minimal hand-written protocol driver for handler tests: loads the full state (paging through
 * GetDurableExecutionState) and checkpoints with token chaining.
 */
export async function session(client: InProcessLambdaClient, event: DurableInvocationEvent) {
  const arn = event.DurableExecutionArn;
  const ops = new Map<string, Operation>();
  for (const op of event.InitialExecutionState.Operations) ops.set(op.Id as string, op);
  let marker = event.InitialExecutionState.NextMarker;
  while (marker) {
    const page = await client.send(
      new GetDurableExecutionStateCommand({ DurableExecutionArn: arn, CheckpointToken: event.CheckpointToken, Marker: marker, MaxItems: 1000 }),
    );
    for (const op of page.Operations ?? []) ops.set(op.Id as string, op);
    marker = page.NextMarker;
  }
  let token = event.CheckpointToken;
  const input = [...ops.values()].find((o) => o.Type === 'EXECUTION')?.ExecutionDetails?.InputPayload;
  return {
    ops,
    input: input ? JSON.parse(input) : undefined,
    async checkpoint(updates: OperationUpdate[]) {
      const res = await client.send(new CheckpointDurableExecutionCommand({ DurableExecutionArn: arn, CheckpointToken: token, Updates: updates }));
      if (res.CheckpointToken) token = res.CheckpointToken;
      for (const op of res.NewExecutionState?.Operations ?? []) ops.set(op.Id as string, op);
      return res;
    },
  };
}
