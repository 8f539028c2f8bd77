/**
 * Function and execution ARNs: building, parsing, and resolving the function a caller names
 * (protocol.md §6.1, §7).
 */
import { invalidParameter, notFound } from './errors';
import { MAX_DURATION_SECONDS } from './limits';
import type { CoreFunctionDefinition } from './api';

/** Where the emulated service lives: the partition, region and account every ARN carries. */
export interface ServiceLocation {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

/** The default location: a fixed test account in us-east-1. */
export const DEFAULT_LOCATION: ServiceLocation = { partition: 'aws', region: 'us-east-1', accountId: '123456789012' };

/** `$LATEST`, the version every function has. */
export const LATEST = '$LATEST';

const NAME_RE = /^[a-zA-Z0-9_-]{1,64}$/;
const QUALIFIER_RE = /^(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9_-]{1,128})$/;
const VERSION_RE = /^[0-9]+$/;
const EXECUTION_ARN_RE =
  /^arn:([a-z-]+):lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9_-]{1,64}):([^:/]+)\/durable-execution\/([a-zA-Z0-9_-]{1,64})\/([a-zA-Z0-9_-]{1,64})$/;

/**
 * The ARN of a function, qualified when `qualifier` is given.
 * @example functionArn(DEFAULT_LOCATION, 'orders', '3') // arn:aws:lambda:us-east-1:123456789012:function:orders:3
 */
export function functionArn(loc: ServiceLocation, functionName: string, qualifier?: string): string {
  const base = `arn:${loc.partition}:lambda:${loc.region}:${loc.accountId}:function:${functionName}`;
  return qualifier === undefined ? base : `${base}:${qualifier}`;
}

/**
 * The ARN of a durable execution (§7).
 * @example executionArn(DEFAULT_LOCATION, 'orders', '$LATEST', 'order-42', id)
 */
export function executionArn(
  loc: ServiceLocation,
  functionName: string,
  version: string,
  executionName: string,
  executionId: string,
): string {
  return `${functionArn(loc, functionName, version)}/durable-execution/${executionName}/${executionId}`;
}

/** The parts of an execution ARN. */
export interface ParsedExecutionArn {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly functionName: string;
  readonly qualifier: string;
  readonly executionName: string;
  readonly executionId: string;
}

/**
 * Splits an execution ARN into its parts, or returns undefined when it is not one.
 * @example parseExecutionArn(arn)?.executionId
 */
export function parseExecutionArn(arn: string): ParsedExecutionArn | undefined {
  const m = EXECUTION_ARN_RE.exec(arn);
  if (!m || arn.length > 1024) {
    return undefined;
  }
  return {
    partition: m[1],
    region: m[2],
    accountId: m[3],
    functionName: m[4],
    qualifier: m[5],
    executionName: m[6],
    executionId: m[7],
  };
}

/** What a caller's function identifier says, before resolution against registered functions. */
export interface FunctionReference {
  readonly functionName: string;
  readonly qualifier?: string;
  /** Present when the identifier was a (partial) ARN. */
  readonly accountId?: string;
  readonly region?: string;
  readonly partition?: string;
}

/**
 * Parses a name (`orders`), qualified name (`orders:live`), partial ARN
 * (`123456789012:function:orders[:3]`) or ARN, and merges the separate `Qualifier` parameter.
 *
 * @throws CoreServiceError 400 for a malformed identifier or a qualifier that contradicts the one in the name.
 * @example parseFunctionReference('orders:live') // { functionName: 'orders', qualifier: 'live' }
 */
export function parseFunctionReference(identifier: string | undefined, qualifierParam?: string): FunctionReference {
  if (typeof identifier !== 'string' || identifier.length === 0 || identifier.length > 170) {
    throw invalidParameter(
      'FunctionName is required: give a function name, name:qualifier, partial ARN (123456789012:function:name) or function ARN.',
    );
  }
  const parts = identifier.split(':');
  let ref: FunctionReference | undefined;
  if (parts[0] === 'arn' && parts.length >= 7 && parts.length <= 8 && parts[2] === 'lambda' && parts[5] === 'function') {
    ref = { partition: parts[1], region: parts[3], accountId: parts[4], functionName: parts[6], qualifier: parts[7] };
  } else if (parts.length >= 3 && parts.length <= 4 && /^\d{12}$/.test(parts[0]) && parts[1] === 'function') {
    ref = { accountId: parts[0], functionName: parts[2], qualifier: parts[3] };
  } else if (parts.length <= 2) {
    ref = { functionName: parts[0], qualifier: parts[1] };
  }
  if (!ref || !NAME_RE.test(ref.functionName) || (ref.qualifier !== undefined && !QUALIFIER_RE.test(ref.qualifier))) {
    throw invalidParameter(
      `Invalid function identifier "${identifier}": expected a function name (1-64 characters of [a-zA-Z0-9-_]), ` +
        'name:qualifier, partial ARN (123456789012:function:name[:qualifier]) or function ARN.',
    );
  }
  if (qualifierParam !== undefined && qualifierParam !== '') {
    if (!QUALIFIER_RE.test(qualifierParam)) {
      throw invalidParameter(`Invalid Qualifier "${qualifierParam}": expected $LATEST, a version number or an alias name.`);
    }
    if (ref.qualifier !== undefined && ref.qualifier !== qualifierParam) {
      throw invalidParameter(
        `The qualifier in the function name ("${ref.qualifier}") does not match the Qualifier parameter ("${qualifierParam}"); give only one.`,
      );
    }
    ref = { ...ref, qualifier: qualifierParam };
  }
  return ref;
}

/**
 * Checks that a parsed reference points into this service's account and region.
 * @throws CoreServiceError 404 otherwise, since no such function exists here.
 */
export function assertLocalReference(ref: FunctionReference, loc: ServiceLocation, identifier: string): void {
  if (
    (ref.accountId !== undefined && ref.accountId !== loc.accountId) ||
    (ref.region !== undefined && ref.region !== loc.region) ||
    (ref.partition !== undefined && ref.partition !== loc.partition)
  ) {
    throw notFound(
      `Function not found: ${identifier}. This service holds functions of account ${loc.accountId} in ${loc.partition}/${loc.region}.`,
    );
  }
}

/**
 * Resolves a qualifier to the version an execution is pinned to: `$LATEST` stays, a version must
 * be published, an alias maps to its version.
 *
 * @throws CoreServiceError 400 when unqualified (durable functions cannot be invoked unqualified), 404 when unknown.
 * @example resolveVersion(def, 'live') // '1' when def.aliases = { live: '1' }
 */
export function resolveVersion(def: CoreFunctionDefinition, qualifier: string | undefined, loc: ServiceLocation): string {
  if (qualifier === undefined || qualifier === '') {
    throw invalidParameter('You cannot invoke a durable function using an unqualified ARN.');
  }
  if (qualifier === LATEST) {
    return LATEST;
  }
  if (VERSION_RE.test(qualifier)) {
    if (def.versions?.includes(qualifier)) {
      return qualifier;
    }
    throw notFound(`Function not found: ${functionArn(loc, def.functionName, qualifier)} (version ${qualifier} is not published).`);
  }
  const aliased = def.aliases?.[qualifier];
  if (aliased !== undefined) {
    return aliased;
  }
  throw notFound(`Function not found: ${functionArn(loc, def.functionName, qualifier)} (no version or alias "${qualifier}").`);
}

/**
 * Validates a function definition before it is registered.
 * @throws CoreServiceError 400 naming the bad field.
 */
export function validateFunctionDefinition(def: CoreFunctionDefinition): void {
  if (!NAME_RE.test(def.functionName ?? '')) {
    throw invalidParameter(`Invalid function name "${def.functionName}": use 1-64 characters of [a-zA-Z0-9-_].`);
  }
  const timeout = def.durableConfig?.executionTimeoutSeconds;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_DURATION_SECONDS) {
    throw invalidParameter(
      `Invalid durableConfig.executionTimeoutSeconds ${String(timeout)} for ${def.functionName}: use an integer from 1 to ${MAX_DURATION_SECONDS}.`,
    );
  }
  const retention = def.durableConfig.retentionPeriodDays;
  if (retention !== undefined && (!Number.isInteger(retention) || retention < 1 || retention > 90)) {
    throw invalidParameter(
      `Invalid durableConfig.retentionPeriodDays ${String(retention)} for ${def.functionName}: use an integer from 1 to 90.`,
    );
  }
  for (const v of def.versions ?? []) {
    if (!VERSION_RE.test(v)) {
      throw invalidParameter(`Invalid version "${v}" for ${def.functionName}: versions are decimal numbers ("1", "2", ...).`);
    }
  }
  for (const [alias, version] of Object.entries(def.aliases ?? {})) {
    if (!/^[a-zA-Z0-9_-]{1,128}$/.test(alias) || VERSION_RE.test(alias)) {
      throw invalidParameter(`Invalid alias name "${alias}" for ${def.functionName}: use letters, digits, - and _, not only digits.`);
    }
    if (version !== LATEST && !def.versions?.includes(version)) {
      throw invalidParameter(
        `Alias "${alias}" of ${def.functionName} points at version "${version}", which is not in versions; publish it first.`,
      );
    }
  }
}

/** Validates an execution name (§2.1). @throws CoreServiceError 400. */
export function validateExecutionName(name: string): void {
  if (!NAME_RE.test(name)) {
    throw invalidParameter(`Invalid DurableExecutionName "${name}": use 1-64 characters of [a-zA-Z0-9-_].`);
  }
}

