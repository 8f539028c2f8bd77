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
export * from './alarms';
export * from './dashboard';
export * from './events';
export * from './metrics';
export { DEFAULT_HISTORY_SAMPLING_WINDOW, RETENTION_WARNING_IDS } from './private/retention-warnings';
