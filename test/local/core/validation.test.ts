import type { OperationUpdate } from '@aws-sdk/client-lambda';
import { CheckpointMessages } from '../../../local/core';
import { begin, ctx, eventTypes, makeCore, serviceError, step, wait } from './helpers';

/** Checkpoints `updates` on a fresh execution (after `setup`) and expects a 400 with `message`. */
function expectRejected(updates: OperationUpdate[], message: string, setup: OperationUpdate[][] = []) {
  const { core } = makeCore();
  const d = begin(core, '"in"');
  for (const s of setup) d.cp(s);
  const opsBefore = core.getOperations(d.arn);
  const eventsBefore = eventTypes(core, d.arn);
  const tokenBefore = d.token;
  const err = serviceError(() => d.cp(updates));
  expect(err.name).toBe('InvalidParameterValueException');
  expect(err.httpStatus).toBe(400);
  expect(err.message).toBe(message);
  // All-or-nothing: nothing changed, no event, and the token is still usable.
  expect(core.getOperations(d.arn)).toEqual(opsBefore);
  expect(eventTypes(core, d.arn)).toEqual(eventsBefore);
  expect(d.token).toBe(tokenBefore);
  expect(() => d.cp([])).not.toThrow();
}

describe('checkpoint validation (§4.1)', () => {
  it('requires a token', () => {
    const { core } = makeCore();
    const d = begin(core);
    for (const CheckpointToken of [undefined, '']) {
      const err = serviceError(() => core.checkpoint({ DurableExecutionArn: d.arn, CheckpointToken }));
      expect([err.name, err.message]).toEqual(['InvalidParameterValueException', 'Checkpoint token is required']);
    }
  });

  it('requires an Id on every update', () => {
    expect(CheckpointMessages.missingId).toBe('Operation update must have an Id.');
    expectRejected([step('a', 'START'), { Type: 'STEP', Action: 'START' } as unknown as OperationUpdate], 'Operation update must have an Id.');
  });

  it('allows one EXECUTION update, last', () => {
    const exec = (Action: 'SUCCEED' | 'FAIL'): OperationUpdate => ({ Id: 'x', Type: 'EXECUTION', Action });
    expectRejected([exec('SUCCEED'), { ...exec('SUCCEED'), Id: 'y' }], 'Cannot checkpoint multiple EXECUTION updates.');
    expectRejected([exec('SUCCEED'), step('a', 'START')], 'EXECUTION checkpoint must be the last update.');
  });

  it('allows an Id twice only as STEP/CONTEXT START then one close', () => {
    const twice = 'Cannot update the same operation twice in a single request.';
    expectRejected([wait('w', 5), { ...wait('w', 5), Action: 'CANCEL' }], twice);
    expectRejected([step('s', 'START'), step('s', 'START')], twice);
    expectRejected([step('s', 'SUCCEED'), step('s', 'SUCCEED')], twice);
    expectRejected([step('s', 'START'), step('s', 'RETRY', { StepOptions: { NextAttemptDelaySeconds: 1 } }), step('s', 'SUCCEED')], twice);
    expectRejected([ctx('c', 'START'), { ...step('c', 'SUCCEED') }], twice);
    const { core } = makeCore();
    const d = begin(core);
    expect(() => d.cp([step('s', 'START'), step('s', 'SUCCEED', { Payload: '1' })])).not.toThrow();
    expect(() => d.cp([ctx('c', 'START'), ctx('c', 'FAIL', { Error: { ErrorMessage: 'x' } })])).not.toThrow();
    expect(eventTypes(core, d.arn).slice(1)).toEqual(['StepStarted', 'StepSucceeded', 'ContextStarted', 'ContextFailed']);
  });

  it('requires ParentId to name a CONTEXT that exists or starts earlier in the request', () => {
    const msg = 'Invalid parent operation id.';
    expectRejected([step('s', 'START', { ParentId: 'nope' })], msg);
    expectRejected([step('s', 'START', { ParentId: 'w' })], msg, [[wait('w', 5)]]);
    expectRejected([step('s', 'START', { ParentId: 'c' }), ctx('c', 'START')], msg);
    expectRejected([ctx('c', 'START', { ParentId: 'c' })], msg);
    const { core } = makeCore();
    const d = begin(core);
    expect(() => d.cp([ctx('c', 'START'), step('s', 'START', { ParentId: 'c' })])).not.toThrow();
    expect(() => d.cp([step('t', 'SUCCEED', { ParentId: 'c' })])).not.toThrow();
  });

  it('rejects actions a type does not have', () => {
    expectRejected([step('s', 'CANCEL')], 'Invalid STEP action.');
    expectRejected([ctx('c', 'RETRY')], 'Invalid CONTEXT action.');
    expectRejected([ctx('c', 'CANCEL')], 'Invalid CONTEXT action.');
    expectRejected([{ ...wait('w', 1), Action: 'SUCCEED' }], 'Invalid WAIT action.');
    expectRejected([{ Id: 'cb', Type: 'CALLBACK', Action: 'FAIL' }], 'Invalid CALLBACK action.');
    expectRejected([{ Id: 'ci', Type: 'CHAINED_INVOKE', Action: 'RETRY' }], 'Invalid CHAINED_INVOKE action.');
    expectRejected([{ Id: 'x', Type: 'EXECUTION', Action: 'START' }], 'Invalid EXECUTION action.');
    expectRejected([{ Id: 'x', Type: 'EXECUTION', Action: 'RETRY' }], 'Invalid EXECUTION action.');
    expectRejected([step('s', 'BOGUS' as OperationUpdate['Action'])], 'Invalid STEP action.');
  });

  it('rejects STEP transitions the table does not allow', () => {
    const done = [[step('s', 'SUCCEED', { Payload: '1' })]];
    const retrying = [[step('s', 'RETRY', { Error: { ErrorMessage: 'x' }, StepOptions: { NextAttemptDelaySeconds: 9 } })]];
    const started = [[step('s', 'START')]];
    expectRejected([step('s', 'START')], 'Invalid current STEP state to start.', started);
    expectRejected([step('s', 'START')], 'Invalid current STEP state to start.', done);
    expectRejected([step('s', 'START')], 'Invalid current STEP state to start.', retrying);
    expectRejected([step('s', 'SUCCEED')], 'Invalid current STEP state to close.', done);
    expectRejected([step('s', 'FAIL')], 'Invalid current STEP state to close.', retrying);
    expectRejected([step('s', 'RETRY', { StepOptions: { NextAttemptDelaySeconds: 1 } })], 'Invalid current STEP state to re-attempt.', done);
    expectRejected([step('s', 'RETRY', { StepOptions: { NextAttemptDelaySeconds: 1 } })], 'Invalid current STEP state to re-attempt.', retrying);
  });

  it('requires valid StepOptions on RETRY', () => {
    const msg = 'Invalid StepOptions for the given action.';
    expectRejected([step('s', 'RETRY')], msg);
    expectRejected([step('s', 'RETRY', { StepOptions: {} })], msg);
    expectRejected([step('s', 'RETRY', { StepOptions: { NextAttemptDelaySeconds: 0 } })], msg);
    expectRejected([step('s', 'RETRY', { StepOptions: { NextAttemptDelaySeconds: 1.5 } })], msg);
    expectRejected([step('s', 'RETRY', { StepOptions: { NextAttemptDelaySeconds: 31_622_401 } })], msg);
  });

  it('rejects CONTEXT transitions the table does not allow', () => {
    expectRejected([ctx('c', 'START')], 'Cannot start a CONTEXT that already exists.', [[ctx('c', 'START')]]);
    expectRejected([ctx('c', 'SUCCEED')], 'Invalid current CONTEXT state to close.', [[ctx('c', 'SUCCEED')]]);
    expectRejected([ctx('c', 'FAIL')], 'Invalid current CONTEXT state to close.', [[ctx('c', 'FAIL')]]);
  });

  it('rejects a second START or a CANCEL of a missing or finished WAIT, CALLBACK, CHAINED_INVOKE', () => {
    for (const Type of ['WAIT', 'CALLBACK', 'CHAINED_INVOKE'] as const) {
      const start: OperationUpdate = {
        Id: 'o',
        Type,
        Action: 'START',
        WaitOptions: { WaitSeconds: 5 },
        ChainedInvokeOptions: { FunctionName: 'elsewhere' },
      };
      const cancel: OperationUpdate = { Id: 'o', Type, Action: 'CANCEL' };
      expectRejected([start], `Cannot start a ${Type} that already exists.`, [[start]]);
      expectRejected([cancel], `Cannot cancel a ${Type} that does not exist or has already completed.`);
      expectRejected([cancel], `Cannot cancel a ${Type} that does not exist or has already completed.`, [[start], [cancel]]);
    }
  });

  it('rejects Payload on FAIL, Error on SUCCEED, and both on RETRY', () => {
    const err = { ErrorMessage: 'x' };
    expectRejected([step('s', 'FAIL', { Payload: '1', Error: err })], 'Cannot provide a Payload for FAIL action.');
    expectRejected([ctx('c', 'FAIL', { Payload: '1' })], 'Cannot provide a Payload for FAIL action.');
    expectRejected([{ Id: 'x', Type: 'EXECUTION', Action: 'FAIL', Payload: '1' }], 'Cannot provide a Payload for FAIL action.');
    expectRejected([step('s', 'SUCCEED', { Error: err })], 'Cannot provide an Error for SUCCEED action.');
    expectRejected([{ Id: 'x', Type: 'EXECUTION', Action: 'SUCCEED', Error: err }], 'Cannot provide an Error for SUCCEED action.');
    expectRejected(
      [step('s', 'RETRY', { Payload: '1', Error: err, StepOptions: { NextAttemptDelaySeconds: 1 } })],
      'Cannot provide both a Payload and an Error for RETRY action.',
    );
  });

  it('rejects an update with an Error whose JSON exceeds 32768 bytes, and accepts one at the limit', () => {
    const base = step('s', 'FAIL', { Error: { ErrorMessage: '' } });
    const fixed = Buffer.byteLength(JSON.stringify(base));
    const atLimit = step('s', 'FAIL', { Error: { ErrorMessage: 'x'.repeat(32768 - fixed) } });
    expect(Buffer.byteLength(JSON.stringify(atLimit))).toBe(32768);
    const over = step('s', 'FAIL', { Error: { ErrorMessage: 'x'.repeat(32769 - fixed) } });
    expectRejected([over], 'Error object size must be less than 32768 bytes.');
    const { core } = makeCore();
    expect(() => begin(core).cp([atLimit])).not.toThrow();
  });

  it('rejects a non-EXECUTION Payload over 256 KB, and accepts 256 KB exactly', () => {
    const msg = 'Payload size exceeds maximum allowed size.';
    expectRejected([step('s', 'SUCCEED', { Payload: 'x'.repeat(262145) })], msg);
    expectRejected([ctx('c', 'SUCCEED', { Payload: 'é'.repeat(131073) })], msg);
    const { core } = makeCore();
    const d = begin(core);
    expect(() => d.cp([step('s', 'SUCCEED', { Payload: 'x'.repeat(262144) })])).not.toThrow();
    // The EXECUTION result may be larger (§1.3 large-result path).
    expect(() => d.cp([{ Id: 'execution-result-1', Type: 'EXECUTION', Action: 'SUCCEED', Payload: 'x'.repeat(300000) }])).not.toThrow();
  });

  it('names malformed fields clearly', () => {
    const cases: Array<[OperationUpdate, RegExp]> = [
      [{ Id: 'a', Type: 'BOGUS' as OperationUpdate['Type'], Action: 'START' }, /Invalid operation type "BOGUS"/],
      [step('has space', 'START'), /Invalid operation Id "has space"/],
      [step('x'.repeat(65), 'START'), /Invalid operation Id/],
      [step('s', 'START', { Name: 'tab\there' }), /Invalid Name for operation s/],
      [step('s', 'START', { SubType: 'no spaces' }), /Invalid SubType for operation s/],
      [step('s', 'SUCCEED', { Payload: 42 as unknown as string }), /Payload of operation s must be a string/],
      [step('s', 'FAIL', { Error: { ErrorMessage: 3 as unknown as string } }), /Invalid Error of operation s: ErrorMessage must be a string/],
      [wait('w', 0), /Invalid WaitOptions for WAIT w: WaitSeconds must be an integer from 1 to 31622400/],
      [{ Id: 'w', Type: 'WAIT', Action: 'START' }, /Invalid WaitOptions/],
      [{ Id: 'cb', Type: 'CALLBACK', Action: 'START', CallbackOptions: { TimeoutSeconds: -1 } }, /TimeoutSeconds must be an integer/],
      [{ Id: 'ci', Type: 'CHAINED_INVOKE', Action: 'START' }, /FunctionName is required/],
    ];
    for (const [update, re] of cases) {
      const { core } = makeCore();
      const err = serviceError(() => begin(core).cp([update]));
      expect(err.name).toBe('InvalidParameterValueException');
      expect(err.message).toMatch(re);
    }
  });

  it('rejects an update that addresses an operation as another type', () => {
    const { core } = makeCore();
    const d = begin(core);
    d.cp([wait('w', 5)]);
    expect(serviceError(() => d.cp([step('w', 'SUCCEED')])).message).toBe('Operation w is a WAIT; an update cannot address it as a STEP.');
  });

  it('validates the whole request before applying any of it', () => {
    const { core } = makeCore();
    const d = begin(core);
    serviceError(() => d.cp([step('a', 'START'), wait('w', 5), step('b', 'CANCEL')]));
    expect(core.getOperations(d.arn).map((o) => o.Id)).toEqual([core.getOperations(d.arn)[0].Id]);
    expect(core.nextTimerAt()).toBe(Date.UTC(2025, 0, 1, 12, 0, 0) + 86400 * 1000);
  });

  it('caps an execution at 3000 operations', () => {
    const { core } = makeCore();
    const d = begin(core);
    for (let batch = 0; batch < 12; batch++) {
      d.cp(Array.from({ length: 250 }, (_, i) => step(`s${batch}-${i}`, 'SUCCEED')).slice(0, batch === 11 ? 249 : 250));
    }
    expect(core.getOperations(d.arn)).toHaveLength(3000);
    const err = serviceError(() => d.cp([step('one-more', 'SUCCEED')]));
    expect(err.message).toMatch(/^Operation limit exceeded: an execution holds at most 3000 operations/);
  });
});
