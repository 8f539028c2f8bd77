/**
 * The functions registered with the service, and which of them a caller's identifier names.
 */
import type { CoreFunctionDefinition } from './api';
import {
  assertLocalReference,
  functionArn,
  parseFunctionReference,
  validateFunctionDefinition,
  type FunctionReference,
  type ServiceLocation,
} from './arns';
import { deepCopy } from './clone';
import { notFound } from './errors';

/** A registered function and the reference a caller used for it. */
export interface ResolvedFunction {
  readonly def: CoreFunctionDefinition;
  /** The parsed identifier; its `qualifier` merges the separate `Qualifier` parameter. */
  readonly ref: FunctionReference;
}

/**
 * The registered durable functions of one service, by name.
 *
 * @example
 * const functions = new FunctionRegistry(DEFAULT_LOCATION);
 * functions.register({ functionName: 'orders', durableConfig: { executionTimeoutSeconds: 3600 } });
 * functions.resolve('orders:live').def.functionName; // 'orders'
 */
export class FunctionRegistry {
  private readonly byName = new Map<string, CoreFunctionDefinition>();

  constructor(private readonly location: ServiceLocation) {}

  /**
   * Registers (or replaces) a function.
   * @throws CoreServiceError 400 naming the bad field of the definition.
   */
  register(def: CoreFunctionDefinition): void {
    validateFunctionDefinition(def);
    // A copy, so that the caller changing its object later cannot change a registered function.
    this.byName.set(def.functionName, deepCopy(def));
  }

  /**
   * The registered function a caller names (name, `name:qualifier`, partial or full ARN).
   *
   * @param advice appended to the 404 message, to tell the caller how to fix it.
   * @throws CoreServiceError 400 for a malformed identifier, 404 for another account or region or an unregistered name.
   */
  resolve(identifier: string | undefined, qualifier?: string, advice?: string): ResolvedFunction {
    const ref = parseFunctionReference(identifier, qualifier);
    assertLocalReference(ref, this.location, identifier ?? '');
    const def = this.byName.get(ref.functionName);
    if (!def) {
      const arn = functionArn(this.location, ref.functionName);
      throw notFound(advice === undefined ? `Function not found: ${arn}.` : `Function not found: ${arn}. ${advice}`);
    }
    return { def, ref };
  }

  /**
   * True when a chained invoke's `FunctionName` names a function registered here, so that the
   * service runs the target itself instead of handing the invoke to a host.
   */
  isRegisteredTarget(identifier: string | undefined): boolean {
    let ref: FunctionReference;
    try {
      ref = parseFunctionReference(identifier);
    } catch {
      return false;
    }
    return (
      this.byName.has(ref.functionName) &&
      (ref.accountId === undefined || ref.accountId === this.location.accountId) &&
      (ref.region === undefined || ref.region === this.location.region)
    );
  }
}
