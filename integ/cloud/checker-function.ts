/**
 * The checker function: the scenario assertion modules bundled into a plain Lambda function that
 * the integ stack's assertions invoke once an execution has ended.
 *
 * It is bundled in-process with esbuild (no Docker), with `@aws-sdk/client-lambda` inside the
 * bundle so the durable-execution commands exist whatever SDK the Lambda runtime ships.
 *
 * @example
 * const checker = new ScenarioCheckerFunction(assertionStack, 'Checker', {
 *   functionNames: ['DurableParallelScenarios-happy-path'],
 * });
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArnFormat, AssetHashType, DockerImage, Duration, Stack, type ILocalBundling } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as esbuild from 'esbuild';
import { Construct } from 'constructs';

/** Properties of a {@link ScenarioCheckerFunction}. */
export interface ScenarioCheckerFunctionProps {
  /** Unqualified names of the scenario functions whose executions the checker may read. */
  readonly functionNames: readonly string[];
}

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const HANDLER_FILE = path.join(__dirname, 'checker-handler.ts');

/** Bundles the checker handler; its fields are the whole input, which keys CDK's asset cache. */
class CheckerLocalBundling implements ILocalBundling {
  constructor(
    public readonly entry: string,
    public readonly projectRoot: string,
  ) {}

  public tryBundle(outputDir: string): boolean {
    let result: esbuild.BuildResult<{ write: false }>;
    try {
      result = esbuild.buildSync({
        entryPoints: [this.entry],
        absWorkingDir: this.projectRoot,
        // A fixed virtual output path keeps module comments, and so the asset hash, independent of cdk.out.
        outfile: path.join(this.projectRoot, '.checker-bundle', 'index.js'),
        write: false,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node22',
        logLevel: 'silent',
      });
    } catch (error) {
      throw new Error(`esbuild could not bundle the scenario checker (${this.entry}): ${error instanceof Error ? error.message : String(error)}`);
    }
    fs.mkdirSync(outputDir, { recursive: true });
    for (const file of result.outputFiles) {
      fs.writeFileSync(path.join(outputDir, path.basename(file.path)), file.contents);
    }
    return true;
  }
}

/** A Lambda function running the scenario checks against executions it is handed. */
export class ScenarioCheckerFunction extends Construct {
  /** The underlying function. */
  public readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: ScenarioCheckerFunctionProps) {
    super(scope, id);
    this.function = new lambda.Function(this, 'Function', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      timeout: Duration.seconds(60),
      memorySize: 512,
      code: lambda.Code.fromAsset(PROJECT_ROOT, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Required by the type, never used: local bundling always succeeds or throws.
          image: DockerImage.fromRegistry('scenario-checker-bundles-locally-with-esbuild'),
          local: new CheckerLocalBundling(HANDLER_FILE, PROJECT_ROOT),
        },
      }),
      description: 'Checks the executions of the durable parallel scenarios against the scenario table',
    });
    const stack = Stack.of(this);
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:GetDurableExecution', 'lambda:GetDurableExecutionHistory'],
        resources: props.functionNames.map((name) =>
          stack.formatArn({
            service: 'lambda',
            resource: 'function',
            resourceName: `${name}:*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ),
      }),
    );
  }
}
