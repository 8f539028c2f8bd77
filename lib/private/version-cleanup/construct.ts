import * as path from 'node:path';
import { AssetHashType, DockerImage, Duration, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import * as esbuild from 'esbuild';
import { DurableFunctionValidationError } from '../../errors';
import { LIST_EXECUTIONS_ACTION, allQualifiersArn, listExecutionsArns } from '../arns';
import { attachExecutionPolicy, dropBroadManagedPolicies } from '../execution-role';

/** Default number of versions older than the alias's that the cleanup keeps. */
export const DEFAULT_VERSIONS_KEPT = 3;

/** Props of {@link VersionCleanup}. */
export interface VersionCleanupProps {
  /** The durable function whose versions are cleaned up. */
  readonly target: lambda.Function;
  /** Versions older than the alias's kept anyway. */
  readonly keep?: number;
  /** When the cleanup runs. */
  readonly schedule?: events.Schedule;
}

/**
 * A small scheduled Lambda function that deletes the target's old versions once no execution is
 * in flight on them (see `handler.ts`), with IAM scoped to the target function.
 */
export class VersionCleanup extends Construct {
  /** The cleanup function. */
  public readonly handler: lambda.Function;
  /** The schedule rule. */
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: VersionCleanupProps) {
    super(scope, id);
    const keep = props.keep ?? DEFAULT_VERSIONS_KEPT;
    if (!Token.isUnresolved(keep) && (!Number.isInteger(keep) || keep < 0 || keep > 1000)) {
      throw new DurableFunctionValidationError('versionCleanup',
        `${scope.node.path}: versionCleanup.keep must be a whole number between 0 and 1000, got ${keep}. `
        + 'It is how many versions older than the alias\'s are kept even without executions in flight.');
    }
    this.handler = new lambda.Function(this, 'Handler', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: cleanupCode(),
      timeout: Duration.minutes(5),
      memorySize: 256,
      description: `Deletes old versions of ${props.target.node.path} that no alias uses and no execution runs on`,
      environment: { FUNCTION_NAME: props.target.functionName, KEEP: String(keep) },
    });
    dropBroadManagedPolicies(this.handler.role!);
    const own = attachExecutionPolicy(this.handler, this.handler.role!, {
      includeLogs: true,
      includeCheckpoint: false,
      logGroupName: `/aws/lambda/${this.handler.functionName}`,
    });
    own.policy.addStatements(
      new iam.PolicyStatement({
        actions: ['lambda:ListVersionsByFunction', 'lambda:ListAliases'],
        resources: [props.target.functionArn],
      }),
      new iam.PolicyStatement({
        actions: [LIST_EXECUTIONS_ACTION],
        resources: listExecutionsArns(props.target.functionArn),
      }),
      // With a Qualifier, DeleteFunction is authorised against the qualified ARN: `:*` lets the
      // cleanup delete versions but never the function itself.
      new iam.PolicyStatement({
        actions: ['lambda:DeleteFunction'],
        resources: [allQualifiersArn(props.target.functionArn)],
      }),
    );
    this.rule = new events.Rule(this, 'Schedule', {
      schedule: props.schedule ?? events.Schedule.rate(Duration.days(1)),
      targets: [new targets.LambdaFunction(this.handler, { retryAttempts: 2 })],
    });
  }
}

/** The cleanup handler, bundled with esbuild at synth like the workflow itself. */
function cleanupCode(): lambda.Code {
  const extension = path.extname(__filename);
  const entry = path.join(__dirname, `handler${extension}`);
  const root = path.resolve(__dirname, '..', '..', '..');
  return lambda.Code.fromAsset(__dirname, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: DockerImage.fromRegistry('cdk-durable-function-bundles-locally-with-esbuild'),
      local: {
        tryBundle(outputDir: string): boolean {
          esbuild.buildSync({
            entryPoints: [entry],
            absWorkingDir: root,
            outfile: path.join(outputDir, 'index.js'),
            bundle: true,
            platform: 'node',
            format: 'cjs',
            target: 'node22',
            minify: true,
            keepNames: true,
            legalComments: 'none',
            logLevel: 'silent',
          });
          return true;
        },
      },
    },
  });
}
