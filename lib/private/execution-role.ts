import { Annotations, ArnFormat, Stack, Token, type IResolvable, type IResolveContext } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { CHECKPOINT_ACTIONS, LOG_ACTIONS, allQualifiersArn } from './arns';

/** The managed policies lambda.Function attaches to a role it creates, replaced by scoped statements. */
const REPLACED_MANAGED_POLICIES: readonly string[] = [
  'service-role/AWSLambdaBasicExecutionRole',
  // Allows checkpointing on every function (`*`): never wanted.
  'service-role/AWSLambdaBasicDurableExecutionRolePolicy',
];

/**
 * Id of the warning given when the checkpoint policy cannot be attached to the role (imported with
 * `mutable: false`); acknowledge it once the statement it shows is on the role.
 *
 * @example
 * Annotations.of(stack).acknowledgeWarning(IMMUTABLE_ROLE_WARNING, 'statement added by the platform team');
 */
export const IMMUTABLE_ROLE_WARNING = 'cdk-durable-function:immutableRole';

/**
 * Removes the broad AWS managed policies lambda.Function put on the role it created
 * (`AWSLambdaBasicExecutionRole` allows logs on `*`, flagged by scanners as AwsSolutions-IAM4), so
 * that only the scoped statements of {@link attachExecutionPolicy} remain. The VPC access policy
 * stays: its EC2 actions have no narrower resource to scope to.
 *
 * The role's own list is only reachable through the L1 property, so the rendered list is filtered
 * at synth; managed policies the user adds later are kept.
 */
export function dropBroadManagedPolicies(role: iam.IRole): void {
  const cfnRole = role.node.defaultChild;
  if (!(cfnRole instanceof iam.CfnRole)) {
    return;
  }
  const rendered = cfnRole.managedPolicyArns;
  const unwanted = REPLACED_MANAGED_POLICIES.map((name) => iam.ManagedPolicy.fromAwsManagedPolicyName(name).managedPolicyArn);
  cfnRole.managedPolicyArns = Token.asList(new FilteredList(rendered, unwanted));
}

/** A list token that resolves to `source` without the entries equal to one of `unwanted`. */
class FilteredList implements IResolvable {
  public readonly creationStack: string[] = [];

  constructor(private readonly source: unknown, private readonly unwanted: readonly string[]) {}

  public resolve(context: IResolveContext): unknown {
    const all = (context.resolve(this.source) ?? []) as unknown[];
    const drop = new Set(this.unwanted.map((arn) => JSON.stringify(context.resolve(arn))));
    const kept = all.filter((arn) => !drop.has(JSON.stringify(arn)));
    return kept.length > 0 ? kept : undefined;
  }

  public toString(): string {
    return Token.asString(this);
  }
}

/** What {@link attachExecutionPolicy} produced. */
export interface ExecutionPolicy {
  /** The policy; not synthesized when the role did not take it. */
  readonly policy: iam.Policy;
  /** Whether the role took the policy (false for a role imported with `mutable: false`). */
  readonly attached: boolean;
}

/**
 * Creates the function's own policy — the checkpoint APIs on `<function arn>:*`, plus, for a role
 * the construct created, CloudWatch Logs on the function's log group only — and attaches it to the
 * role. A role that ignores attachments (imported with `mutable: false`, or from another account)
 * is left alone: the policy is not synthesized and a warning gives the exact statement to add.
 */
export function attachExecutionPolicy(fn: lambda.Function, role: iam.IRole, options: {
  readonly includeLogs: boolean;
  readonly logGroupName: string;
  /** Default true; false for a helper function that is not durable itself. */
  readonly includeCheckpoint?: boolean;
  /** The `functionName` prop, when given: it makes the ARN in a warning exact. */
  readonly functionName?: string;
}): ExecutionPolicy {
  const statements: iam.PolicyStatement[] = [];
  if (options.includeCheckpoint !== false) {
    statements.push(new iam.PolicyStatement({
      actions: [...CHECKPOINT_ACTIONS],
      resources: [allQualifiersArn(fn.functionArn)],
    }));
  }
  if (options.includeLogs) {
    statements.push(new iam.PolicyStatement({
      actions: [...LOG_ACTIONS],
      resources: [Stack.of(fn).formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: `${options.logGroupName}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })],
    }));
  }
  const policy = new iam.Policy(fn, 'DurableExecutionPolicy', { statements });
  role.attachInlinePolicy(policy);
  const attached = (Stack.of(fn).resolve((policy.node.defaultChild as iam.CfnPolicy).roles) as unknown[] | undefined ?? []).length > 0;
  if (!attached) {
    Annotations.of(fn).addWarningV2(IMMUTABLE_ROLE_WARNING, immutableRoleMessage(fn, role, options.functionName ?? fn.functionName));
  }
  return { policy, attached };
}

function immutableRoleMessage(fn: lambda.Function, role: iam.IRole, givenName: string): string {
  const stack = Stack.of(fn);
  const known = (value: string, placeholder: string): string => (Token.isUnresolved(value) ? placeholder : value);
  const functionName = known(givenName, `<name of the function ${fn.node.path}>`);
  const resource = `arn:${known(stack.partition, 'aws')}:lambda:${known(stack.region, '<region>')}:${known(stack.account, '<account>')}:function:${functionName}:*`;
  const statement = JSON.stringify({ Effect: 'Allow', Action: [...CHECKPOINT_ACTIONS], Resource: resource });
  const roleName = Token.isUnresolved(role.roleArn) ? role.node.path : role.roleArn;
  return `${fn.node.path}: the role ${roleName} cannot be modified (imported with mutable: false, or from another account), `
    + 'so no policy was attached to it and durable executions cannot checkpoint until it allows the checkpoint APIs. '
    + `Add this statement to the role yourself: ${statement}`
    + (Token.isUnresolved(givenName) ? ' (set the functionName prop to know the function name before deploying).' : '.');
}
