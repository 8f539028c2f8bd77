import { Annotations, Aspects, CfnResource, Stack, Stage, type IAspect } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';

/**
 * Where, in a resource's properties, an invoke path names its target function. Each reader gets
 * the resolved properties and returns the values that must not be a durable function's
 * unqualified ARN or name.
 */
interface InvokePathReader {
  /** What the resource is, for the message. */
  readonly what: string;
  /** The values that name the invoked function. */
  readonly targets: (props: Props) => Array<{ readonly property: string; readonly value: unknown }>;
  /** Whether the resource qualifies the function separately (a `Qualifier` property). */
  readonly qualifier?: (props: Props) => unknown;
}

type Props = Record<string, unknown>;

/** Where the app's one check is kept on the root construct. */
const CHECK_KEY = Symbol.for('cdk-durable-function.QualifiedWiringCheck');

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function record(value: unknown): Props {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Props : {};
}

/** The resource types whose properties start an invocation, and where they name the function. */
const READERS: Readonly<Record<string, InvokePathReader>> = {
  'AWS::Lambda::Permission': {
    what: 'Lambda permission',
    targets: (p) => [{ property: 'FunctionName', value: p.FunctionName }],
  },
  'AWS::Lambda::EventSourceMapping': {
    what: 'event source mapping',
    targets: (p) => [{ property: 'FunctionName', value: p.FunctionName }],
  },
  'AWS::Lambda::Url': {
    what: 'function URL',
    targets: (p) => [{ property: 'TargetFunctionArn', value: p.TargetFunctionArn }],
    qualifier: (p) => p.Qualifier,
  },
  'AWS::Lambda::EventInvokeConfig': {
    what: 'asynchronous invocation config (onFailure, onSuccess, retryAttempts, maxEventAge)',
    targets: (p) => [{ property: 'FunctionName', value: p.FunctionName }],
    qualifier: (p) => p.Qualifier,
  },
  'AWS::Events::Rule': {
    what: 'EventBridge rule target',
    targets: (p) => list(p.Targets).map((t, i) => ({ property: `Targets[${i}].Arn`, value: record(t).Arn })),
  },
  'AWS::ApiGateway::Method': {
    what: 'API Gateway integration',
    targets: (p) => [{ property: 'Integration.Uri', value: record(p.Integration).Uri }],
  },
  'AWS::ApiGatewayV2::Integration': {
    what: 'API Gateway integration',
    targets: (p) => [{ property: 'IntegrationUri', value: p.IntegrationUri }],
  },
  'AWS::SNS::Subscription': {
    what: 'SNS subscription',
    targets: (p) => [{ property: 'Endpoint', value: p.Endpoint }],
  },
  'AWS::Scheduler::Schedule': {
    what: 'EventBridge Scheduler target',
    targets: (p) => [{ property: 'Target.Arn', value: record(p.Target).Arn }],
  },
  'AWS::Pipes::Pipe': {
    what: 'EventBridge Pipes target',
    targets: (p) => [{ property: 'Target', value: p.Target }],
  },
  'AWS::StepFunctions::StateMachine': {
    what: 'Step Functions state machine task',
    targets: (p) => [{ property: 'DefinitionString', value: p.DefinitionString }],
  },
  'Custom::S3BucketNotifications': {
    what: 'S3 bucket notification',
    targets: (p) => list(record(p.NotificationConfiguration).LambdaFunctionConfigurations)
      .map((c, i) => ({ property: `NotificationConfiguration.LambdaFunctionConfigurations[${i}].LambdaFunctionArn`, value: record(c).LambdaFunctionArn })),
  },
};

/** A durable function as the check sees it. */
interface Watched {
  readonly fn: lambda.Function;
  readonly aliasHint: string;
}

/**
 * Whether `value` (resolved CloudFormation) names the function with logical id `logicalId`
 * without a qualifier: a bare `Ref`/`Fn::GetAtt`, or one inside `Fn::Join` that is not followed by
 * `:qualifier`, or a `${Id.Arn}` in `Fn::Sub` not followed by `:`.
 */
export function namesUnqualified(value: unknown, logicalId: string): boolean {
  if (isReference(value, logicalId)) {
    return true;
  }
  if (Array.isArray(value)) {
    return value.some((v) => namesUnqualified(v, logicalId));
  }
  if (value === null || typeof value !== 'object') {
    return false;
  }
  const obj = value as Props;
  if (Array.isArray(obj['Fn::Join'])) {
    const [, parts] = obj['Fn::Join'] as [unknown, unknown];
    const pieces = list(parts);
    return pieces.some((piece, i) => {
      if (isReference(piece, logicalId)) {
        const next = pieces[i + 1];
        return !(typeof next === 'string' && next.startsWith(':'));
      }
      return namesUnqualified(piece, logicalId);
    });
  }
  if (obj['Fn::Sub'] !== undefined) {
    const sub = obj['Fn::Sub'];
    const text = Array.isArray(sub) ? sub[0] : sub;
    if (typeof text === 'string' && new RegExp(`\\$\\{${logicalId}(?:\\.Arn)?\\}(?!:)`).test(text)) {
      return true;
    }
    return Array.isArray(sub) && namesUnqualified(sub[1], logicalId);
  }
  if (obj['Fn::Select'] !== undefined || obj['Fn::Split'] !== undefined) {
    // `Fn::Select(6, Fn::Split(':', arn))` takes the name out of an ARN; what follows decides.
    return false;
  }
  return Object.values(obj).some((v) => namesUnqualified(v, logicalId));
}

function isReference(value: unknown, logicalId: string): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return false;
  }
  const obj = value as Props;
  if (obj.Ref === logicalId) {
    return true;
  }
  const getAtt = obj['Fn::GetAtt'];
  return Array.isArray(getAtt) && getAtt[0] === logicalId;
}

/** A qualifier that does not pin a version or alias. */
function unqualifiedQualifier(qualifier: unknown): boolean {
  return qualifier === undefined || qualifier === '$LATEST';
}

/**
 * Fails the synth (an error annotation on the offending resource) when anything in the app would
 * invoke a durable function through its unqualified ARN or `$LATEST`: Lambda rejects a durable
 * invocation on the unqualified ARN and resource-based permissions on `$LATEST`, so such wiring
 * synthesizes and deploys but fails in AWS. One instance per stage (the app, or a nested Stage),
 * registered by the first DurableFunction in it.
 */
export class QualifiedWiringCheck implements IAspect {
  /**
   * Registers `fn` with the app's check, adding the check to the app on first use.
   *
   * @example
   * QualifiedWiringCheck.watch(this, 'orders.alias');
   */
  public static watch(fn: lambda.Function, aliasHint: string): void {
    // Aspects do not cross into nested stages, so the check lives on the function's own stage.
    const root = Stage.of(fn) ?? fn.node.root;
    const holder = root as unknown as { [CHECK_KEY]?: QualifiedWiringCheck };
    let check = holder[CHECK_KEY];
    if (check === undefined) {
      check = new QualifiedWiringCheck();
      Object.defineProperty(holder, CHECK_KEY, { value: check, enumerable: false });
      Aspects.of(root).add(check);
    }
    check.watched.push({ fn, aliasHint });
  }

  private readonly watched: Watched[] = [];

  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) {
      return;
    }
    const reader = READERS[node.cfnResourceType];
    if (reader === undefined) {
      return;
    }
    const stack = Stack.of(node);
    const rendered = stack.resolve(node._toCloudFormation()) as { Resources?: Record<string, { Properties?: Props }> };
    const props = Object.values(rendered.Resources ?? {})[0]?.Properties ?? {};
    for (const { fn, aliasHint } of this.watched) {
      const fnResource = fn.node.defaultChild as CfnResource;
      if (Stack.of(fnResource) !== stack) {
        continue;
      }
      const logicalId = stack.resolve(fnResource.logicalId) as string;
      if (reader.qualifier !== undefined && !unqualifiedQualifier(reader.qualifier(props))) {
        continue;
      }
      for (const target of reader.targets(props)) {
        if (namesUnqualified(target.value, logicalId)) {
          Annotations.of(node).addError(
            `${node.node.path}: this ${reader.what} invokes the durable function ${fn.node.path} through its unqualified ARN `
            + `(${node.cfnResourceType} ${target.property}${reader.qualifier !== undefined ? ', Qualifier $LATEST or none' : ''}). `
            + 'Lambda rejects durable invocations of the unqualified ARN and resource-based permissions on $LATEST, so this would fail '
            + `in AWS. Wire it to the alias instead: pass ${aliasHint} (not the function itself) to the integration, target or subscription.`);
          break;
        }
      }
    }
  }
}
