import { begin, ctx, makeCore, serviceError, step, wait } from './helpers';

describe('initial state and GetDurableExecutionState (§1.1, §3.2)', () => {
  it('the first invocation gets the EXECUTION operation with the input', () => {
    const { core } = makeCore();
    const d = begin(core, '{"x":1}');
    const execId = d.arn.split('/').at(-1);
    expect(d.start.event).toEqual({
      DurableExecutionArn: d.arn,
      CheckpointToken: expect.stringMatching(/^[A-Za-z0-9+/]+={0,2}$/),
      InitialExecutionState: {
        Operations: [{ Id: execId, Type: 'EXECUTION', Status: 'STARTED', StartTimestamp: expect.any(Date), ExecutionDetails: { InputPayload: '{"x":1}' } }],
      },
    });
  });

  it('pages the initial state and GetState in start order with a configurable first page', () => {
    const { core, clock } = makeCore({ initialStatePageSize: 2 });
    const e = begin(core);
    e.cp([...Array.from({ length: 5 }, (_, i) => step(`s${i}`, 'SUCCEED')), wait('w', 1)]);
    e.end({ Status: 'PENDING' });
    clock.advance(1);
    core.fireDueTimers();
    const next = core.beginInvocation(e.arn);
    const first = next.event.InitialExecutionState;
    expect(first.Operations.map((o) => o.Id)).toEqual([e.arn.split('/').at(-1), 's0']);
    expect(first.NextMarker).toEqual(expect.any(String));
    const ids: string[] = first.Operations.map((o) => o.Id as string);
    let marker = first.NextMarker;
    while (marker) {
      const page = core.getState({ DurableExecutionArn: e.arn, CheckpointToken: next.event.CheckpointToken, Marker: marker, MaxItems: 2 });
      expect(page.Operations?.length).toBeLessThanOrEqual(2);
      ids.push(...(page.Operations ?? []).map((o) => o.Id as string));
      marker = page.NextMarker;
    }
    expect(ids.slice(1)).toEqual(['s0', 's1', 's2', 's3', 's4', 'w']);
    expect(core.getState({ DurableExecutionArn: e.arn, CheckpointToken: next.event.CheckpointToken }).Operations).toHaveLength(7);
  });

  it('an initial page size of 0 sends an empty first page with a marker', () => {
    const { core } = makeCore({ initialStatePageSize: 0 });
    const d = begin(core, '"big input"');
    expect(d.start.event.InitialExecutionState.Operations).toEqual([]);
    const page = core.getState({ DurableExecutionArn: d.arn, CheckpointToken: d.token, Marker: d.start.event.InitialExecutionState.NextMarker });
    expect(page.Operations?.[0]).toMatchObject({ Type: 'EXECUTION', ExecutionDetails: { InputPayload: '"big input"' } });
    expect(page.NextMarker).toBeUndefined();
  });

  it('omits descendants of completed CONTEXTs without ReplayChildren, recursively, but keeps the context', () => {
    const { core } = makeCore();
    const d = begin(core);
    d.cp([
      ctx('done', 'START'),
      ctx('inner', 'START', { ParentId: 'done' }),
      step('grandchild', 'SUCCEED', { ParentId: 'inner' }),
      ctx('inner', 'SUCCEED', { ParentId: 'done', ContextOptions: { ReplayChildren: true } }),
      step('child', 'SUCCEED', { ParentId: 'done' }),
      ctx('done', 'SUCCEED'),
      ctx('replay', 'START'),
      step('kept', 'SUCCEED', { ParentId: 'replay' }),
      ctx('replay', 'SUCCEED', { ContextOptions: { ReplayChildren: true } }),
      ctx('failed', 'START'),
      step('gone', 'SUCCEED', { ParentId: 'failed' }),
      ctx('failed', 'FAIL', { Error: {} }),
      ctx('open', 'START'),
      step('running', 'START', { ParentId: 'open' }),
    ]);
    const visible = core.getState({ DurableExecutionArn: d.arn, CheckpointToken: d.token }).Operations?.map((o) => o.Id);
    expect(visible?.slice(1)).toEqual(['done', 'replay', 'kept', 'failed', 'open', 'running']);
    // Omitted operations do not count towards a page.
    const page = core.getState({ DurableExecutionArn: d.arn, CheckpointToken: d.token, MaxItems: 3 });
    expect(page.Operations?.map((o) => o.Id).slice(1)).toEqual(['done', 'replay']);
    const rest = core.getState({ DurableExecutionArn: d.arn, CheckpointToken: d.token, Marker: page.NextMarker });
    expect(rest.Operations?.map((o) => o.Id)).toEqual(['kept', 'failed', 'open', 'running']);
    // The full list is still there for hosts and tests.
    expect(core.getOperations(d.arn)).toHaveLength(11);
  });

  it('rejects foreign markers', () => {
    const { core } = makeCore();
    const d = begin(core);
    expect(serviceError(() => core.getState({ DurableExecutionArn: d.arn, CheckpointToken: d.token, Marker: '5' })).message).toMatch(/^Invalid Marker "5"/);
  });
});
