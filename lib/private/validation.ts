import { Duration, Token } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { DurableFunctionValidationError } from '../errors';

/**
 * The Lambda runtimes durable functions run on; `runtime` must be one of them.
 *
 * @example
 * DURABLE_RUNTIME_NAMES.includes(lambda.Runtime.NODEJS_22_X.name); // true
 */
export const DURABLE_RUNTIME_NAMES: readonly string[] = ['nodejs22.x', 'nodejs24.x'];

/** `DurableConfig.ExecutionTimeout` bounds, in seconds (1 s to 366 days). */
export const MIN_EXECUTION_TIMEOUT_SECONDS = 1;
export const MAX_EXECUTION_TIMEOUT_SECONDS = 31_622_400;

/** `DurableConfig.RetentionPeriodInDays` bounds. */
export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 90;

/** Bounds of a single Lambda invocation (`timeout`). */
export const MAX_INVOCATION_TIMEOUT_SECONDS = 900;

const SECOND_MS = 1000;
const DAY_MS = 86_400_000;

/**
 * Checks `executionTimeout`: whole seconds between 1 s and 366 days. An unresolved value
 * (a token, e.g. from a CloudFormation parameter) is left to CloudFormation.
 */
export function validateExecutionTimeout(where: string, value: Duration): void {
  if (value.isUnresolved()) {
    return;
  }
  const ms = value.toMilliseconds();
  const ok = ms % SECOND_MS === 0
    && ms >= MIN_EXECUTION_TIMEOUT_SECONDS * SECOND_MS
    && ms <= MAX_EXECUTION_TIMEOUT_SECONDS * SECOND_MS;
  if (!ok) {
    throw new DurableFunctionValidationError('executionTimeout',
      `${where}: executionTimeout must be a whole number of seconds between ${MIN_EXECUTION_TIMEOUT_SECONDS} second and `
      + `${MAX_EXECUTION_TIMEOUT_SECONDS} seconds (366 days), got ${describe(value)}. `
      + 'It bounds a whole durable execution; use Duration.seconds(), minutes(), hours() or days().');
  }
}

/**
 * Checks `retentionPeriod`: whole days between 1 and 90. Unresolved values pass through.
 */
export function validateRetentionPeriod(where: string, value: Duration): void {
  if (value.isUnresolved()) {
    return;
  }
  const ms = value.toMilliseconds();
  const ok = ms % DAY_MS === 0 && ms >= MIN_RETENTION_DAYS * DAY_MS && ms <= MAX_RETENTION_DAYS * DAY_MS;
  if (!ok) {
    throw new DurableFunctionValidationError('retentionPeriod',
      `${where}: retentionPeriod must be a whole number of days between ${MIN_RETENTION_DAYS} and ${MAX_RETENTION_DAYS} days, `
      + `got ${describe(value)}. Use Duration.days(n).`);
  }
}

/**
 * Checks the per-invocation `timeout`: whole seconds between 1 s and 15 minutes (Lambda's limit).
 */
export function validateInvocationTimeout(where: string, value: Duration | undefined): void {
  if (value === undefined || value.isUnresolved()) {
    return;
  }
  const ms = value.toMilliseconds();
  const ok = ms % SECOND_MS === 0 && ms >= SECOND_MS && ms <= MAX_INVOCATION_TIMEOUT_SECONDS * SECOND_MS;
  if (!ok) {
    throw new DurableFunctionValidationError('timeout',
      `${where}: timeout must be a whole number of seconds between 1 second and ${MAX_INVOCATION_TIMEOUT_SECONDS} seconds `
      + `(15 minutes), got ${describe(value)}. It bounds one invocation; a durable execution may run longer, `
      + 'up to executionTimeout, across many invocations.');
  }
}

/**
 * Checks that the runtime is one Lambda runs durable functions on.
 */
export function validateRuntime(where: string, runtime: lambda.Runtime): void {
  if (Token.isUnresolved(runtime.name)) {
    return;
  }
  if (!DURABLE_RUNTIME_NAMES.includes(runtime.name)) {
    throw new DurableFunctionValidationError('runtime',
      `${where}: runtime must be one of ${DURABLE_RUNTIME_NAMES.join(', ')} (lambda.Runtime.NODEJS_22_X or `
      + `lambda.Runtime.NODEJS_24_X), got ${runtime.name}. Durable functions are not available on other runtimes.`);
  }
}

/** Lambda alias names: 1–128 of `[a-zA-Z0-9-_]`, not purely numeric (that would read as a version). */
const ALIAS_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

/**
 * Checks `aliasName`. Unresolved values pass through.
 */
export function validateAliasName(where: string, aliasName: string): void {
  if (Token.isUnresolved(aliasName)) {
    return;
  }
  if (!ALIAS_NAME.test(aliasName) || /^[0-9]+$/.test(aliasName)) {
    throw new DurableFunctionValidationError('aliasName',
      `${where}: aliasName must be 1 to 128 characters of letters, digits, '-' and '_', and not only digits, `
      + `got ${JSON.stringify(aliasName)}.`);
  }
}

/** A JavaScript export name: an identifier (which includes `default`). */
const EXPORT_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Checks `handler`: the name of an export of the entry, not a Lambda `file.export` string.
 */
export function validateHandlerName(where: string, handler: string): void {
  if (EXPORT_NAME.test(handler)) {
    return;
  }
  const hint = handler.includes('.')
    ? ` It names an export of the entry file, not a Lambda 'file.export' handler: use ${JSON.stringify(handler.slice(handler.lastIndexOf('.') + 1))}.`
    : '';
  throw new DurableFunctionValidationError('handler',
    `${where}: handler must be the name of an export of the entry file (a JavaScript identifier such as 'handler' `
    + `or 'default'), got ${JSON.stringify(handler)}.${hint}`);
}

/** Renders a Duration as written plus its exact size, e.g. `367 days (31708800 seconds)`. */
function describe(value: Duration): string {
  return `${value.toHumanString()} (${value.toMilliseconds() / SECOND_MS} seconds)`;
}

/** Default `executionTimeout`. */
export const DEFAULT_EXECUTION_TIMEOUT = Duration.minutes(15);
/** Default `retentionPeriod`. */
export const DEFAULT_RETENTION_PERIOD = Duration.days(14);
/** Default `aliasName`. */
export const DEFAULT_ALIAS_NAME = 'live';
/** Default `handler`. */
export const DEFAULT_HANDLER_EXPORT = 'handler';
