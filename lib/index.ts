/**
 * CDK constructs for Lambda durable functions.
 *
 * @example
 * import { DurableFunction } from 'cdk-durable-function';
 *
 * const orders = new DurableFunction(this, 'Orders', { entry: 'src/orders.ts' });
 * orders.grantInvoke(apiRole);
 */
export * from './errors';
export * from './function';
export * from './types';
export { DURABLE_RUNTIME_NAMES } from './private/validation';
