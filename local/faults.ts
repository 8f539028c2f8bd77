/**
 * Fault injection for the data-plane calls (CheckpointDurableExecution, GetDurableExecutionState).
 * Both transports consult the same plan for every request that reaches the service, client
 * retries included, so a plan reproduces the same failures in-process and over HTTP.
 *
 * @example
 * // The first checkpoint request is throttled; the client's retry then succeeds.
 * const plan: FaultPlan = [{ operation: 'CheckpointDurableExecution', callIndex: 0, fault: 'throttle' }];
 */
import type { CheckpointDurableExecutionRequest, GetDurableExecutionStateRequest } from '@aws-sdk/client-lambda';
import { CoreServiceError, INVALID_CHECKPOINT_TOKEN } from './core';

/** The data-plane operations a plan can target. */
export type DataPlaneOperation = 'CheckpointDurableExecution' | 'GetDurableExecutionState';

/**
 * What happens to a matched request:
 * - `throttle`: 429 `TooManyRequestsException`, the request is not applied;
 * - `server-error`: 500 `ServiceException`, not applied;
 * - `invalid-token`: 400 `InvalidParameterValueException` "Invalid checkpoint token", not applied;
 * - `drop-response`: the service applies the request, then the response is lost (a network error).
 */
export type FaultKind = 'throttle' | 'server-error' | 'invalid-token' | 'drop-response';

/** One request as a plan sees it. */
export interface FaultCall {
  readonly operation: DataPlaneOperation;
  /** 0-based number of this request among all requests of the same operation the service received. */
  readonly index: number;
  readonly input: CheckpointDurableExecutionRequest | GetDurableExecutionStateRequest;
}

/** One rule: a fault for the requests it selects. Every given selector must match. */
export interface FaultRule {
  readonly fault: FaultKind;
  /** Operation(s) it applies to; default both. */
  readonly operation?: DataPlaneOperation | readonly DataPlaneOperation[];
  /** Request index(es) of that operation (see {@link FaultCall.index}). */
  readonly callIndex?: number | readonly number[];
  /** Any other condition on the request. */
  readonly when?: (call: FaultCall) => boolean;
  /**
   * How many times the rule may fire: default once for a rule without `callIndex`, and once per
   * listed index for a rule with one. `Infinity` fires on every match.
   */
  readonly times?: number;
  /** Message of the error (default: a message naming the injected fault). */
  readonly message?: string;
  /** `Retry-After` of a throttle. */
  readonly retryAfterSeconds?: number;
}

/** A fault plan: the first matching rule that may still fire decides. */
export type FaultPlan = readonly FaultRule[];

/** A decision for one request. */
export interface FaultDecision {
  readonly fault: FaultKind;
  readonly rule: FaultRule;
  /** The error to answer with; undefined for `drop-response`, which answers nothing. */
  readonly error?: CoreServiceError;
}

/**
 * True when the rule's selectors (operation, callIndex, when) all match the call; `times` is
 * not considered here (see {@link FaultInjector}).
 */
export function ruleMatches(rule: FaultRule, call: FaultCall): boolean {
  const ops = rule.operation === undefined ? undefined : typeof rule.operation === 'string' ? [rule.operation] : rule.operation;
  if (ops && !ops.includes(call.operation)) return false;
  if (rule.callIndex !== undefined) {
    const indexes = typeof rule.callIndex === 'number' ? [rule.callIndex] : rule.callIndex;
    if (!indexes.includes(call.index)) return false;
  }
  return rule.when ? rule.when(call) : true;
}

/** The service error a fault answers with, or undefined for `drop-response`. */
export function faultError(rule: FaultRule): CoreServiceError | undefined {
  switch (rule.fault) {
    case 'throttle':
      return new CoreServiceError('TooManyRequestsException', rule.message ?? 'Rate exceeded (injected fault).', {
        retryAfterSeconds: rule.retryAfterSeconds,
      });
    case 'server-error':
      return new CoreServiceError('ServiceException', rule.message ?? 'Internal service error (injected fault).');
    case 'invalid-token':
      return new CoreServiceError('InvalidParameterValueException', rule.message ?? INVALID_CHECKPOINT_TOKEN);
    case 'drop-response':
      return undefined;
  }
}

/**
 * Applies a plan to a stream of requests, counting requests per operation and firings per rule.
 *
 * @example
 * const injector = new FaultInjector(plan);
 * const decision = injector.decide('CheckpointDurableExecution', input);
 * if (decision?.error) throw decision.error;
 */
export class FaultInjector {
  private readonly counts = new Map<DataPlaneOperation, number>();
  private readonly fired = new Map<FaultRule, number>();

  constructor(readonly plan: FaultPlan = []) {
    for (const rule of plan) {
      if (!['throttle', 'server-error', 'invalid-token', 'drop-response'].includes(rule.fault)) {
        throw new TypeError(`Unknown fault "${String(rule.fault)}": use throttle, server-error, invalid-token or drop-response.`);
      }
      if (rule.times !== undefined && !(rule.times >= 0)) {
        throw new TypeError(`FaultRule.times must be a number >= 0 (Infinity for every match); got ${String(rule.times)}.`);
      }
    }
  }

  /** Counts the request and returns the fault to inject, if any. Call once per request received. */
  decide(operation: DataPlaneOperation, input: FaultCall['input']): FaultDecision | undefined {
    const index = this.counts.get(operation) ?? 0;
    this.counts.set(operation, index + 1);
    const call: FaultCall = { operation, index, input };
    for (const rule of this.plan) {
      const used = this.fired.get(rule) ?? 0;
      const limit = rule.times ?? (rule.callIndex === undefined ? 1 : Infinity);
      if (used >= limit || !ruleMatches(rule, call)) continue;
      this.fired.set(rule, used + 1);
      const error = faultError(rule);
      return error ? { fault: rule.fault, rule, error } : { fault: rule.fault, rule };
    }
    return undefined;
  }

  /** How many times each rule fired, in plan order. */
  firedCounts(): number[] {
    return this.plan.map((rule) => this.fired.get(rule) ?? 0);
  }
}
