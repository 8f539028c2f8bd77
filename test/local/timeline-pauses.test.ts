/**
 * Paused spans in the timeline, built from real histories of the service core.
 */
import { DurableServiceCore } from '../../local/core';
import { formatTimeline, summarizePauses } from '../../local/timeline';

const T0 = Date.UTC(2025, 0, 1);

function setup() {
  let now = T0;
  const core = new DurableServiceCore({ clock: { now: () => now } });
  core.registerFunction({ functionName: 'orders', durableConfig: { executionTimeoutSeconds: 86_400 } });
  const { executionArn: arn } = core.startExecution({ functionName: 'orders:$LATEST', invocationType: 'Event' });
  const inv = core.beginInvocation(arn);
  core.checkpoint({
    DurableExecutionArn: arn,
    CheckpointToken: inv.event.CheckpointToken,
    Updates: [{ Id: 'w', Type: 'WAIT', SubType: 'Wait', Action: 'START', WaitOptions: { WaitSeconds: 3600 } }],
  });
  core.endInvocation(arn, inv.invocationId, { kind: 'returned', output: { Status: 'PENDING' } });
  const history = () => core.getHistory({ DurableExecutionArn: arn, MaxItems: 1000 }).Events ?? [];
  return { core, arn, history, advance: (s: number) => (now += s * 1000) };
}

describe('paused spans', () => {
  it('lists each pause with its resume, reason and timeout mode, and renders them after the operations', () => {
    const { core, arn, history, advance } = setup();
    advance(5);
    core.pauseExecution({ DurableExecutionArn: arn, Reason: 'deploy' });
    advance(70);
    core.resumeExecution({ DurableExecutionArn: arn });
    advance(60);
    core.pauseExecution({ DurableExecutionArn: arn, ExecutionTimeoutPaused: false });
    expect(summarizePauses(history())).toEqual([
      { pausedAt: new Date(T0 + 5000), resumedAt: new Date(T0 + 75_000), timeoutPaused: true, reason: 'deploy' },
      { pausedAt: new Date(T0 + 135_000), timeoutPaused: false },
    ]);
    const lines = formatTimeline(history()).split('\n');
    expect(lines.slice(-3)).toEqual(['paused  +5s  1m 10s  "deploy"', 'paused  +2m 15s  still paused  timeout running', '1 invocation']);
  });

  it('ends a span at the execution end when it ended paused', () => {
    const { core, arn, history, advance } = setup();
    core.pauseExecution({ DurableExecutionArn: arn });
    advance(30);
    core.stopExecution({ DurableExecutionArn: arn });
    expect(summarizePauses(history())).toEqual([{ pausedAt: new Date(T0), endedAt: new Date(T0 + 30_000), timeoutPaused: true }]);
    expect(formatTimeline(history())).toContain('paused  +0ms  30s (ended paused)');
  });
});
