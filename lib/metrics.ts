import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * Where AWS documents the durable execution metrics, their alarms and the status-change events:
 * "Monitoring durable functions" in the Lambda Developer Guide.
 *
 * @example
 * console.log(`See ${DURABLE_MONITORING_DOCS}`);
 */
export const DURABLE_MONITORING_DOCS = 'https://docs.aws.amazon.com/lambda/latest/dg/durable-monitoring.html';

/**
 * The CloudWatch namespace Lambda publishes its durable execution metrics in, next to the
 * standard function metrics.
 *
 * @example
 * new cloudwatch.Metric({ namespace: DURABLE_METRICS_NAMESPACE, metricName: DurableExecutionMetric.FAILED });
 */
export const DURABLE_METRICS_NAMESPACE = 'AWS/Lambda';

/**
 * The durable execution metric names, exactly as listed under "Durable execution metrics" in
 * {@link DURABLE_MONITORING_DOCS}. Unlike `Invocations` and `Errors`, which count every
 * invocation including replays, these count executions.
 *
 * @example
 * orders.metric(DurableExecutionMetric.FAILED, { statistic: cloudwatch.Stats.SUM });
 */
export const DurableExecutionMetric = {
  /** Number of durable executions that started. */
  STARTED: 'DurableExecutionStarted',
  /** Number of durable executions that completed successfully. */
  SUCCEEDED: 'DurableExecutionSucceeded',
  /** Number of durable executions that completed with a failure. */
  FAILED: 'DurableExecutionFailed',
  /** Number of durable executions that exceeded their configured execution timeout. */
  TIMED_OUT: 'DurableExecutionTimedOut',
  /** Number of durable executions stopped using the StopDurableExecution API. */
  STOPPED: 'DurableExecutionStopped',
  /** Wall-clock milliseconds a durable execution remained in the RUNNING state. */
  DURATION: 'DurableExecutionDuration',
  /** Cumulative number of operations performed within a durable execution (max 3,000). */
  OPERATIONS: 'DurableExecutionOperations',
  /** Cumulative bytes persisted by a durable execution (max 100 MB). */
  STORAGE_WRITTEN_BYTES: 'DurableExecutionStorageWrittenBytes',
  /** Number of durable executions in the RUNNING state. */
  RUNNING: 'ApproximateRunningDurableExecutions',
  /** Percentage of the account's maximum running durable executions quota in use. */
  RUNNING_UTILIZATION: 'ApproximateRunningDurableExecutionsUtilization',
} as const;

/**
 * One of the {@link DurableExecutionMetric} names.
 *
 * @example
 * const name: DurableExecutionMetricName = 'DurableExecutionFailed';
 */
export type DurableExecutionMetricName = (typeof DurableExecutionMetric)[keyof typeof DurableExecutionMetric];

/**
 * The service limits the operations and storage metrics count towards (Lambda quotas for durable
 * functions, also given next to the metrics in {@link DURABLE_MONITORING_DOCS}).
 *
 * @example
 * const nearLimit = DURABLE_EXECUTION_LIMITS.operations * 0.8; // 2,400 operations
 */
export const DURABLE_EXECUTION_LIMITS = {
  /** Operations per execution. */
  operations: 3000,
  /** Bytes an execution may persist (100 MB, counted in MiB as the service does). */
  storageBytes: 100 * 1024 * 1024,
} as const;

/**
 * The period every durable metric helper uses unless told otherwise (as aws-cdk-lib's metric helpers do).
 *
 * @example
 * DEFAULT_METRIC_PERIOD.toMinutes(); // 5
 */
export const DEFAULT_METRIC_PERIOD = Duration.minutes(5);

/**
 * A durable execution metric of one function: namespace `AWS/Lambda`, dimension
 * `FunctionName`, the given default statistic over 5 minutes, then `props` on top.
 *
 * The durable-monitoring page lists names but no dimensions; Lambda's per-function metrics are
 * published with the `FunctionName` dimension (Lambda Developer Guide, "Types of metrics for
 * Lambda functions"), which is what `lambda.Function.metric` sets.
 *
 * @example
 * const failed = functionDurableMetric(importedFn, DurableExecutionMetric.FAILED, 'Sum');
 */
export function functionDurableMetric(
  fn: lambda.IFunction,
  metricName: DurableExecutionMetricName,
  statistic: string,
  props?: cloudwatch.MetricOptions,
): cloudwatch.Metric {
  return fn.metric(metricName, { statistic, period: DEFAULT_METRIC_PERIOD, ...props });
}

/**
 * An account-wide durable execution metric (no dimensions), such as the running-executions
 * quota utilization, which Lambda publishes per account and Region.
 *
 * @example
 * const utilization = accountDurableMetric(DurableExecutionMetric.RUNNING_UTILIZATION, 'Maximum');
 */
export function accountDurableMetric(
  metricName: DurableExecutionMetricName,
  statistic: string,
  props?: cloudwatch.MetricOptions,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: DURABLE_METRICS_NAMESPACE,
    metricName,
    statistic,
    period: DEFAULT_METRIC_PERIOD,
    ...props,
  });
}
