/**
 * The definition of a function the local service hosts: where its code is (a CommonJS bundle and
 * an export name, exactly what the CDK construct produces), its Lambda settings and its durable
 * settings. {@link resolveHostedFunction} validates user input once, with errors that name the
 * problem and the fix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CoreFunctionDefinition } from '../core/api';
import { MAX_DURATION_SECONDS } from '../core/limits';

/**
 * A function to register with the local service.
 *
 * @example
 * const orders: HostedFunctionOptions = { name: 'orders', bundle: 'cdk.out/asset.1234/index.js', handler: 'handler' };
 */
export interface HostedFunctionOptions {
  /** The function name: 1–64 characters of `[a-zA-Z0-9-_]`. */
  readonly name: string;
  /** Path of the bundle: a CommonJS `.js`/`.cjs` file, or a `.ts`/`.mts` entry bundled with esbuild first. */
  readonly bundle: string;
  /** The export to call (default `handler`). */
  readonly handler?: string;
  /** Durable `ExecutionTimeout` in seconds, 1–31,622,400 (default 86,400). */
  readonly executionTimeout?: number;
  /** Durable `RetentionPeriodInDays`, 1–90 (default 14). */
  readonly retentionDays?: number;
  /** Function timeout in seconds of real time, 1–900 (default 60). */
  readonly timeout?: number;
  /** Memory size reported to the handler (`context.memoryLimitInMB`, default 128). */
  readonly memorySize?: number;
  /** Extra environment variables for the handler. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Published versions (default `['1']`). `$LATEST` always exists. */
  readonly versions?: readonly string[];
  /** Alias → version or `$LATEST` (default `{ live: <last version> }`). */
  readonly aliases?: Readonly<Record<string, string>>;
  /**
   * A Node binary to run the handler with (e.g. Node 22 to match the Lambda runtime). The handler
   * then runs in a child process instead of a worker thread.
   */
  readonly nodeBinary?: string;
  /**
   * Default true: a durable function (durable execution on, invoked through a version or alias).
   * `false` hosts a plain Lambda function: a chained invoke (`ctx.invoke`) calls it with its input
   * as the event and records what it returns, or its `{ errorType, errorMessage }` failure, as
   * Lambda does. Durable settings (`executionTimeout`, `retentionDays`) do not apply to it.
   */
  readonly durable?: boolean;
}

/**
 * A validated function definition with every default applied.
 *
 * @example
 * const fn: HostedFunction = resolveHostedFunction({ name: 'orders', bundle: 'dist/index.js' });
 */
export interface HostedFunction {
  readonly name: string;
  /** Absolute path of the CommonJS file the sandbox loads. */
  readonly bundlePath: string;
  readonly handler: string;
  readonly executionTimeoutSeconds: number;
  readonly retentionDays: number;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly versions: readonly string[];
  readonly aliases: Readonly<Record<string, string>>;
  readonly nodeBinary?: string;
  /** False for a plain (non-durable) function. */
  readonly durable: boolean;
}

/**
 * A registration that cannot be hosted as given.
 *
 * @example
 * try { resolveHostedFunction(options); } catch (e) { if (e instanceof FunctionRegistrationError) console.error(e.message); }
 */
export class FunctionRegistrationError extends Error {
  override readonly name = 'FunctionRegistrationError';
}

const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
const VERSION_PATTERN = /^[1-9][0-9]{0,9}$/;
const ALIAS_PATTERN = /^(?!^[0-9]+$)[a-zA-Z0-9_-]{1,128}$/;
const EXPORT_PATTERN = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Validates options and applies defaults. `bundlePath` overrides the file to load (used when a
 * TypeScript entry was bundled into a temporary file first).
 *
 * @throws FunctionRegistrationError naming the bad option and how to fix it.
 * @example
 * const fn = resolveHostedFunction({ name: 'orders', bundle: './dist/index.js' });
 * fn.aliases; // { live: '1' }
 */
export function resolveHostedFunction(options: HostedFunctionOptions, bundlePath?: string): HostedFunction {
  if (typeof options.name !== 'string' || !NAME_PATTERN.test(options.name)) {
    throw new FunctionRegistrationError(
      `Function name '${String(options.name)}' is invalid: use 1-64 letters, digits, '-' or '_'.`,
    );
  }
  const handler = options.handler ?? 'handler';
  if (!EXPORT_PATTERN.test(handler)) {
    throw new FunctionRegistrationError(
      `Handler '${handler}' of function ${options.name} is not an export name; give the exported function's name, e.g. 'handler'.`,
    );
  }
  const file = path.resolve(bundlePath ?? options.bundle);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    throw new FunctionRegistrationError(
      `Bundle '${options.bundle}' of function ${options.name} does not exist; build it first or give the path of the bundled .js file.`,
    );
  }
  const executionTimeoutSeconds = integerOption(options.name, 'executionTimeout', options.executionTimeout, 86_400, 1, MAX_DURATION_SECONDS);
  const retentionDays = integerOption(options.name, 'retentionDays', options.retentionDays, 14, 1, 90);
  const timeoutSeconds = integerOption(options.name, 'timeout', options.timeout, 60, 1, 900);
  const memorySize = integerOption(options.name, 'memorySize', options.memorySize, 128, 128, 10_240);
  const versions = [...(options.versions ?? ['1'])];
  for (const version of versions) {
    if (!VERSION_PATTERN.test(version)) {
      throw new FunctionRegistrationError(
        `Version '${version}' of function ${options.name} is invalid: versions are positive numbers such as '1'.`,
      );
    }
  }
  const aliases: Record<string, string> = { ...(options.aliases ?? (versions.length > 0 ? { live: versions[versions.length - 1] } : {})) };
  for (const [alias, version] of Object.entries(aliases)) {
    if (!ALIAS_PATTERN.test(alias) || alias === '$LATEST') {
      throw new FunctionRegistrationError(
        `Alias '${alias}' of function ${options.name} is invalid: use letters, digits, '-' or '_', not only digits.`,
      );
    }
    if (version !== '$LATEST' && !versions.includes(version)) {
      throw new FunctionRegistrationError(
        `Alias '${alias}' of function ${options.name} points at version '${version}', which is not among its versions (${versions.join(', ') || 'none'}).`,
      );
    }
  }
  for (const [key, value] of Object.entries(options.environment ?? {})) {
    if (typeof value !== 'string') {
      throw new FunctionRegistrationError(`Environment variable ${key} of function ${options.name} must be a string.`);
    }
  }
  if (options.durable !== undefined && typeof options.durable !== 'boolean') {
    throw new FunctionRegistrationError(`Option durable of function ${options.name} must be true or false, got ${String(options.durable)}.`);
  }
  if (options.durable === false && (options.executionTimeout !== undefined || options.retentionDays !== undefined)) {
    throw new FunctionRegistrationError(
      `Function ${options.name} is plain (durable: false), so executionTimeout and retentionDays do not apply; remove them or make it durable.`,
    );
  }
  if (options.nodeBinary !== undefined && !fs.existsSync(options.nodeBinary)) {
    throw new FunctionRegistrationError(
      `nodeBinary '${options.nodeBinary}' of function ${options.name} does not exist; give the path of a node executable.`,
    );
  }
  return {
    name: options.name,
    bundlePath: file,
    handler,
    executionTimeoutSeconds,
    retentionDays,
    timeoutSeconds,
    memorySize,
    environment: { ...(options.environment ?? {}) },
    versions,
    aliases,
    nodeBinary: options.nodeBinary,
    durable: options.durable !== false,
  };
}

/**
 * The core's view of a hosted function.
 *
 * @example
 * core.registerFunction(toCoreDefinition(fn));
 */
export function toCoreDefinition(fn: HostedFunction): CoreFunctionDefinition {
  return {
    functionName: fn.name,
    durableConfig: { executionTimeoutSeconds: fn.executionTimeoutSeconds, retentionPeriodDays: fn.retentionDays },
    versions: fn.versions,
    aliases: fn.aliases,
  };
}

function integerOption(
  functionName: string,
  option: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new FunctionRegistrationError(
      `Option ${option} of function ${functionName} must be an integer between ${min} and ${max}, got ${String(value)}.`,
    );
  }
  return value;
}
