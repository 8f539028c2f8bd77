import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { DurableFunctionAlarms } from './alarms';
import { DURABLE_EXECUTION_LIMITS } from './metrics';

/**
 * Options of `DurableFunction.dashboardWidgets`.
 *
 * @example
 * dashboard.addWidgets(...orders.dashboardWidgets({ width: 8, height: 6 }));
 */
export interface DurableDashboardWidgetsOptions {
  /**
   * Width of each widget, in dashboard grid columns (24 make a row).
   *
   * @default 12
   */
  readonly width?: number;

  /**
   * Height of each widget, in grid rows.
   *
   * @default 6
   */
  readonly height?: number;
}

/**
 * The metrics the widgets plot (the function's own `metric…` helpers).
 *
 * @example
 * const metrics: DurableDashboardMetrics = { started: fn.metricExecutionsStarted(), … };
 */
export interface DurableDashboardMetrics {
  readonly started: cloudwatch.Metric;
  readonly succeeded: cloudwatch.Metric;
  readonly failed: cloudwatch.Metric;
  readonly timedOut: cloudwatch.Metric;
  readonly stopped: cloudwatch.Metric;
  readonly durationAverage: cloudwatch.Metric;
  readonly durationMaximum: cloudwatch.Metric;
  readonly operations: cloudwatch.Metric;
  readonly storageWritten: cloudwatch.Metric;
  readonly running: cloudwatch.Metric;
  readonly runningUtilization: cloudwatch.Metric;
}

/**
 * Widgets for one durable function: execution outcomes, execution duration, operations and
 * storage per execution against their limits, running executions, and the status of its alarms
 * when `addAlarms` was called.
 *
 * @example
 * dashboard.addWidgets(...durableDashboardWidgets('Orders', metrics, alarms));
 */
export function durableDashboardWidgets(
  title: string,
  metrics: DurableDashboardMetrics,
  alarms: DurableFunctionAlarms | undefined,
  options: DurableDashboardWidgetsOptions = {},
): cloudwatch.IWidget[] {
  const size = { width: options.width ?? 12, height: options.height ?? 6 };
  const widgets: cloudwatch.IWidget[] = [
    new cloudwatch.GraphWidget({
      ...size,
      title: `${title}: executions`,
      left: [
        metrics.started.with({ label: 'Started' }),
        metrics.succeeded.with({ label: 'Succeeded', color: cloudwatch.Color.GREEN }),
      ],
      right: [
        metrics.failed.with({ label: 'Failed', color: cloudwatch.Color.RED }),
        metrics.timedOut.with({ label: 'Timed out', color: cloudwatch.Color.ORANGE }),
        metrics.stopped.with({ label: 'Stopped', color: cloudwatch.Color.GREY }),
      ],
    }),
    new cloudwatch.GraphWidget({
      ...size,
      title: `${title}: execution duration (ms)`,
      left: [metrics.durationAverage.with({ label: 'Average' }), metrics.durationMaximum.with({ label: 'Maximum' })],
    }),
    new cloudwatch.GraphWidget({
      ...size,
      title: `${title}: operations per execution`,
      left: [metrics.operations.with({ label: 'Operations (max)' })],
      leftAnnotations: [{ value: DURABLE_EXECUTION_LIMITS.operations, label: 'Limit: 3,000', color: cloudwatch.Color.RED }],
    }),
    new cloudwatch.GraphWidget({
      ...size,
      title: `${title}: bytes written per execution`,
      left: [metrics.storageWritten.with({ label: 'Storage written (max)' })],
      leftAnnotations: [{ value: DURABLE_EXECUTION_LIMITS.storageBytes, label: 'Limit: 100 MB', color: cloudwatch.Color.RED }],
    }),
    new cloudwatch.GraphWidget({
      ...size,
      title: `${title}: running executions`,
      left: [metrics.running.with({ label: 'Running (max)' })],
      right: [metrics.runningUtilization.with({ label: 'Account quota used (%)' })],
      rightYAxis: { min: 0, max: 100 },
    }),
  ];
  if (alarms !== undefined) {
    widgets.push(new cloudwatch.AlarmStatusWidget({ ...size, title: `${title}: alarms`, alarms: [...alarms.all] }));
  }
  return widgets;
}
