/**
 * Thrown at construction (synth) time when a `DurableFunction` prop is invalid or its entry file
 * cannot be used. The message names the prop, the offending value and what is allowed, so the fix
 * is obvious from the message alone; `prop` carries the prop name for programmatic checks.
 *
 * @example
 * try {
 *   new DurableFunction(stack, 'Orders', { entry: 'src/orders.ts', retentionPeriod: Duration.days(120) });
 * } catch (err) {
 *   if (err instanceof DurableFunctionValidationError && err.prop === 'retentionPeriod') {
 *     // "retentionPeriod must be between 1 and 90 days, got 120 days"
 *   }
 * }
 */
export class DurableFunctionValidationError extends Error {
  /**
   * The name of the prop that failed validation.
   *
   * @example
   * err.prop; // 'executionTimeout'
   */
  public readonly prop: string;

  /**
   * @param prop the prop that failed validation
   * @param message the full explanation: the prop, the value and the allowed range or the fix
   */
  constructor(prop: string, message: string) {
    super(message);
    this.name = 'DurableFunctionValidationError';
    this.prop = prop;
  }
}

/**
 * Thrown when a `lambda.Function` member would create an invoke path to a `DurableFunction`'s
 * unqualified ARN or `$LATEST`, which Lambda rejects for durable invocations. The message says
 * what to use instead (the alias).
 *
 * @example
 * try {
 *   orders.grantInvokeLatestVersion(role);
 * } catch (err) {
 *   if (err instanceof DurableFunctionWiringError) {
 *     // "... use orders.alias.grantInvoke(role) ..."
 *   }
 * }
 */
export class DurableFunctionWiringError extends Error {
  /**
   * The member that was called.
   *
   * @example
   * err.member; // 'grantInvokeLatestVersion'
   */
  public readonly member: string;

  /**
   * @param member the `lambda.Function` member that was called
   * @param message the explanation and the fix
   */
  constructor(member: string, message: string) {
    super(message);
    this.name = 'DurableFunctionWiringError';
    this.member = member;
  }
}
