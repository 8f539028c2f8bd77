/**
 * Operating a durable function: its metrics, the recommended alarms, dashboard widgets, the
 * status-change rule and the retention warnings, checked on the synthesized template.
 *
 * The expected names are written out here, copied from AWS's "Monitoring durable functions" page
 * (https://docs.aws.amazon.com/lambda/latest/dg/durable-monitoring.html), not taken from the
 * library's constants, so a typo in the library fails these tests.
 */
import { Annotations as CoreAnnotations, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { DurableFunction, DurableFunctionValidationError, REPLACES_FUNCTION_WARNING, RETENTION_WARNING_IDS, type DurableFunctionProps } from '../../lib';
import { arnOf, fixture, logicalIdOf, newApp, newStack, removeOutdirs } from './support';

afterAll(removeOutdirs);

/** The documented durable execution metrics ("Durable execution metrics" table). */
const DOCUMENTED_METRICS = [
  'ApproximateRunningDurableExecutions',
  'ApproximateRunningDurableExecutionsUtilization',
  'DurableExecutionDuration',
  'DurableExecutionStarted',
  'DurableExecutionStopped',
  'DurableExecutionSucceeded',
  'DurableExecutionFailed',
  'DurableExecutionTimedOut',
  'DurableExecutionOperations',
  'DurableExecutionStorageWrittenBytes',
];
/** The documented event `source` and `detail-type` ("Durable execution status change events"). */
const DOCUMENTED_SOURCE = 'aws.lambda';
const DOCUMENTED_DETAIL_TYPE = 'Durable Execution Status Change';

function durable(stack: Stack, id: string, props: Partial<DurableFunctionProps> = {}): DurableFunction {
  return new DurableFunction(stack, id, { entry: fixture('plain-workflow.ts'), ...props });
}

describe('metric helpers', () => {
  const stack = newStack(newApp({ bundle: false }));
  const orders = durable(stack, 'Orders');
  const fnName = stack.resolve(orders.functionName);

  const cases: Array<[string, cloudwatch.Metric, string, string]> = [
    ['metricExecutionsStarted', orders.metricExecutionsStarted(), 'DurableExecutionStarted', 'Sum'],
    ['metricExecutionsSucceeded', orders.metricExecutionsSucceeded(), 'DurableExecutionSucceeded', 'Sum'],
    ['metricExecutionsFailed', orders.metricExecutionsFailed(), 'DurableExecutionFailed', 'Sum'],
    ['metricExecutionsTimedOut', orders.metricExecutionsTimedOut(), 'DurableExecutionTimedOut', 'Sum'],
    ['metricExecutionsStopped', orders.metricExecutionsStopped(), 'DurableExecutionStopped', 'Sum'],
    ['metricExecutionDuration', orders.metricExecutionDuration(), 'DurableExecutionDuration', 'Average'],
    ['metricExecutionOperations', orders.metricExecutionOperations(), 'DurableExecutionOperations', 'Maximum'],
    ['metricExecutionStorageWritten', orders.metricExecutionStorageWritten(), 'DurableExecutionStorageWrittenBytes', 'Maximum'],
    ['metricRunningExecutions', orders.metricRunningExecutions(), 'ApproximateRunningDurableExecutions', 'Maximum'],
  ];

  test.each(cases)('%s: AWS/Lambda, the documented name, FunctionName, its statistic over 5 minutes', (_helper, metric, name, statistic) => {
    expect(DOCUMENTED_METRICS).toContain(name);
    expect(metric.namespace).toBe('AWS/Lambda');
    expect(metric.metricName).toBe(name);
    expect(stack.resolve(metric.dimensions)).toEqual({ FunctionName: fnName });
    expect(metric.statistic).toBe(statistic);
    expect(metric.period.toSeconds()).toBe(300);
  });

  test('props override the statistic and period, as with aws-cdk-lib helpers', () => {
    const metric = orders.metricExecutionDuration({ statistic: 'p99', period: Duration.hours(1) });
    expect(metric.statistic).toBe('p99');
    expect(metric.period.toSeconds()).toBe(3600);
    expect(metric.metricName).toBe('DurableExecutionDuration');
  });

  test('the running-executions quota utilization is account-wide: no dimensions', () => {
    const metric = DurableFunction.metricAllRunningExecutionsUtilization();
    expect(metric.namespace).toBe('AWS/Lambda');
    expect(metric.metricName).toBe('ApproximateRunningDurableExecutionsUtilization');
    expect(DOCUMENTED_METRICS).toContain(metric.metricName);
    expect(metric.dimensions).toBeUndefined();
    expect(metric.statistic).toBe('Maximum');
  });

  test('the running executions of the whole account: no dimensions', () => {
    const metric = DurableFunction.metricAllRunningExecutions();
    expect(metric.metricName).toBe('ApproximateRunningDurableExecutions');
    expect(metric.dimensions).toBeUndefined();
    expect(metric.statistic).toBe('Maximum');
  });

  test('every documented metric has a helper', () => {
    const covered = [...cases.map((c) => c[2]), DurableFunction.metricAllRunningExecutionsUtilization().metricName];
    expect([...covered].sort()).toEqual([...DOCUMENTED_METRICS].sort());
  });
});

describe('addAlarms', () => {
  const stack = newStack(newApp({ bundle: false }));
  const orders = durable(stack, 'Orders');
  const topic = new sns.Topic(stack, 'Pager');
  const alarms = orders.addAlarms();
  alarms.addAlarmAction(new actions.SnsAction(topic));
  const template = Template.fromStack(stack);
  const fnRef = { Ref: logicalIdOf(template, 'AWS::Lambda::Function', 'Orders') };
  const topicRef = { Ref: logicalIdOf(template, 'AWS::SNS::Topic', 'Pager') };

  function alarmProps(construct: cloudwatch.Alarm): Record<string, unknown> {
    const id = stack.getLogicalId(construct.node.defaultChild as cloudwatch.CfnAlarm);
    return template.toJSON().Resources[id].Properties as Record<string, unknown>;
  }

  test('creates the five recommended alarms and returns each', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    expect(alarms.all).toEqual([
      alarms.executionsFailed,
      alarms.executionsTimedOut,
      alarms.operationsNearLimit,
      alarms.storageNearLimit,
      alarms.runningExecutionsNearQuota,
    ]);
  });

  test.each([
    ['executionsFailed', 'DurableExecutionFailed', 'Sum', 1],
    ['executionsTimedOut', 'DurableExecutionTimedOut', 'Sum', 1],
    ['operationsNearLimit', 'DurableExecutionOperations', 'Maximum', 2400],
    ['storageNearLimit', 'DurableExecutionStorageWrittenBytes', 'Maximum', 0.8 * 100 * 1024 * 1024],
  ] as const)('%s: %s %s ≥ %d over 5 minutes on this function, missing data not breaching', (key, metricName, statistic, threshold) => {
    expect(DOCUMENTED_METRICS).toContain(metricName);
    expect(alarmProps(alarms[key])).toEqual(expect.objectContaining({
      Namespace: 'AWS/Lambda',
      MetricName: metricName,
      Dimensions: [{ Name: 'FunctionName', Value: fnRef }],
      Statistic: statistic,
      Period: 300,
      Threshold: threshold,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef],
    }));
  });

  test('runningExecutionsNearQuota: account-wide utilization ≥ 80 %', () => {
    const props = alarmProps(alarms.runningExecutionsNearQuota as cloudwatch.Alarm);
    expect(props).toEqual(expect.objectContaining({
      Namespace: 'AWS/Lambda',
      MetricName: 'ApproximateRunningDurableExecutionsUtilization',
      Statistic: 'Maximum',
      Threshold: 80,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    }));
    expect(props.Dimensions).toBeUndefined();
  });

  test('descriptions say what happened and link the documentation', () => {
    expect(alarmProps(alarms.operationsNearLimit).AlarmDescription).toMatch(/2400 operations, 80% of the 3,000-operation limit.*durable-monitoring\.html/);
  });

  test('thresholds, period, evaluation periods, names and the quota alarm are configurable', () => {
    const s = newStack(newApp({ bundle: false }));
    const fn = durable(s, 'Billing');
    const custom = fn.addAlarms({
      failedExecutionsThreshold: 5,
      timedOutExecutionsThreshold: 2,
      operationsLimitPercent: 50,
      storageLimitPercent: 90,
      period: Duration.minutes(15),
      evaluationPeriods: 3,
      alarmNamePrefix: 'billing-prod',
      quotaAlarm: false,
    });
    expect(custom.runningExecutionsNearQuota).toBeUndefined();
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'billing-prod-ExecutionsFailed', Threshold: 5, Period: 900, EvaluationPeriods: 3,
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'billing-prod-OperationsNearLimit', Threshold: 1500 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'billing-prod-StorageNearLimit', Threshold: Math.floor(0.9 * 100 * 1024 * 1024),
    });
  });

  test.each([
    [{ failedExecutionsThreshold: 0 }, 'failedExecutionsThreshold', /above 0, got 0/],
    [{ operationsLimitPercent: 120 }, 'operationsLimitPercent', /at most 100, got 120/],
    [{ evaluationPeriods: 1.5 }, 'evaluationPeriods', /whole number of at least 1, got 1.5/],
    [{ period: Duration.seconds(90) }, 'period', /whole number of minutes.*Duration\.minutes/],
  ])('rejects %j with a typed error naming %s', (props, prop, message) => {
    const fn = durable(newStack(newApp({ bundle: false })), 'Bad');
    let caught: unknown;
    try {
      fn.addAlarms(props);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DurableFunctionValidationError);
    expect((caught as DurableFunctionValidationError).prop).toBe(prop);
    expect((caught as Error).message).toMatch(message);
  });

  test('a second call is rejected: the alarms of the first call are the ones to keep', () => {
    expect(() => orders.addAlarms()).toThrow(/addAlarms was already called/);
  });
});

describe('dashboardWidgets', () => {
  test('graphs every durable metric, the limits, and the alarms once they exist', () => {
    const stack = newStack(newApp({ bundle: false }));
    const orders = durable(stack, 'Orders');
    expect(orders.dashboardWidgets()).toHaveLength(5);
    orders.addAlarms();
    new cloudwatch.Dashboard(stack, 'Ops').addWidgets(...orders.dashboardWidgets());
    const template = Template.fromStack(stack);
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    for (const name of DOCUMENTED_METRICS) {
      expect(body).toContain(`\\"${name}\\"`);
    }
    expect(body).toContain('Limit: 3,000');
    expect(body).toContain('Limit: 100 MB');
    expect(body).toContain('\\"alarms\\":[');
  });
});

describe('onExecutionStatusChange', () => {
  const stack = newStack(newApp({ bundle: false }));
  const orders = durable(stack, 'Orders');
  const queue = new sqs.Queue(stack, 'Failures');
  const failures = orders.onExecutionStatusChange('OnFailure', {
    statuses: ['FAILED', 'TIMED_OUT'],
    target: new targets.SqsQueue(queue),
  });
  const everything = orders.onExecutionStatusChange('OnAnyChange');
  const template = Template.fromStack(stack);
  const fnArn = arnOf(logicalIdOf(template, 'AWS::Lambda::Function', 'Orders'));

  function ruleProps(rule: typeof failures): Record<string, unknown> {
    return template.toJSON().Resources[stack.getLogicalId(rule.node.defaultChild as never)].Properties;
  }

  test('matches the documented source and detail-type, this function, and the statuses asked for', () => {
    expect(ruleProps(failures).EventPattern).toEqual({
      'source': [DOCUMENTED_SOURCE],
      'detail-type': [DOCUMENTED_DETAIL_TYPE],
      'detail': {
        functionArn: [fnArn, { prefix: { 'Fn::Join': ['', [fnArn, ':']] } }],
        status: ['FAILED', 'TIMED_OUT'],
      },
    });
    expect(ruleProps(failures).State).toBe('ENABLED');
    expect(ruleProps(failures).EventBusName).toBeUndefined();
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::SQS::Queue', 'Failures'), 'Arn'] } })],
    });
  });

  test('without statuses, every status change of this function', () => {
    const pattern = ruleProps(everything).EventPattern as Record<string, Record<string, unknown>>;
    expect(pattern.detail).toEqual({ functionArn: [fnArn, { prefix: { 'Fn::Join': ['', [fnArn, ':']] } }] });
    expect(ruleProps(everything).Targets).toBeUndefined();
  });

  test.each([
    [[], /statuses is empty/],
    [['FAILED', 'FAILED'], /'FAILED' twice/],
    [['CANCELLED'], /unknown status 'CANCELLED'.*RUNNING, SUCCEEDED, FAILED, TIMED_OUT, STOPPED/],
  ])('rejects statuses %j', (statuses, message) => {
    const fn = durable(newStack(newApp({ bundle: false })), 'Bad');
    expect(() => fn.onExecutionStatusChange('Rule', { statuses: statuses as never })).toThrow(DurableFunctionValidationError);
    expect(() => fn.onExecutionStatusChange('Rule2', { statuses: statuses as never })).toThrow(message);
  });
});

describe('retention warnings at synth', () => {
  function warningsFor(props: Partial<DurableFunctionProps>): string[] {
    const stack = newStack(newApp({ bundle: false }));
    // The replacement warning every durable function carries is not a retention warning.
    CoreAnnotations.of(stack).acknowledgeWarning(REPLACES_FUNCTION_WARNING);
    durable(stack, 'Orders', props);
    return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map((w) => String(w.entry.data));
  }

  test('the defaults (15 minutes, 14 days) warn about nothing', () => {
    expect(warningsFor({})).toEqual([]);
  });

  test('a 1-year execution timeout with 1-day retention warns about both', () => {
    const warnings = warningsFor({ executionTimeout: Duration.days(365), retentionPeriod: Duration.days(1) });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/retentionPeriod \(1 day\) is shorter than executionTimeout \(365 days\).*Raise retentionPeriod to 90 days/);
    expect(warnings[0]).toContain(RETENTION_WARNING_IDS.shorterThanExecutions);
    expect(warnings[1]).toMatch(/shorter than the history sampling window \(7 days, the default of historySamplingWindow\)/);
    expect(warnings[1]).toContain(RETENTION_WARNING_IDS.shorterThanSampling);
  });

  test('a retention at least as long as the timeout does not warn; the 90-day maximum is enough for longer timeouts', () => {
    expect(warningsFor({ executionTimeout: Duration.days(30), retentionPeriod: Duration.days(30) })).toEqual([]);
    expect(warningsFor({ executionTimeout: Duration.days(366), retentionPeriod: Duration.days(90) })).toEqual([]);
  });

  test('durations that are tokens (CloudFormation parameters) are not judged at synth', () => {
    const stack = newStack(newApp({ bundle: false }));
    const days = new CfnParameter(stack, 'RetentionDays', { type: 'Number', default: 1 });
    CoreAnnotations.of(stack).acknowledgeWarning(REPLACES_FUNCTION_WARNING);
    durable(stack, 'Orders', { executionTimeout: Duration.days(365), retentionPeriod: Duration.days(days.valueAsNumber) });
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('historySamplingWindow sets the window the retention is compared with', () => {
    expect(warningsFor({ retentionPeriod: Duration.days(3), historySamplingWindow: Duration.days(2) })).toEqual([]);
    const warnings = warningsFor({ retentionPeriod: Duration.days(14), historySamplingWindow: Duration.days(30) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/shorter than the history sampling window \(30 days\)/);
  });
});
