/**
 * The integ app's two stacks: six durable functions with deterministic names and `live`
 * aliases, and the deployed assertions that start, await and check one execution per scenario.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SCENARIO_NAMES, parseScenarioName } from '../../integ/catalog';
import { SCENARIO_ASSERTIONS } from '../../integ/assertions';
import { buildParallelScenariosApp, type ParallelScenariosApp } from '../../integ/parallel-scenarios-app';

let outdir: string;
let built: ParallelScenariosApp;
let scenarios: Template;
let assertions: Template;

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-stack-'));
  const app = new App({ outdir });
  built = buildParallelScenariosApp(app);
  app.synth();
  scenarios = Template.fromStack(built.scenarios);
  assertions = Template.fromStack(built.assertionStack);
});

afterAll(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
});

/** Custom resources of one integ-tests SDK call type, with their decoded parameters. */
function sdkCalls(api: string): Array<{ parameters: Record<string, unknown>; expected?: string; logicalId: string }> {
  const resources = assertions.findResources(`Custom::DeployAssert@SdkCallLambda${api}`);
  return Object.entries(resources).map(([logicalId, resource]) => {
    const properties = (resource as { Properties: Record<string, unknown> }).Properties;
    return {
      logicalId,
      parameters: properties.parameters as Record<string, unknown>,
      expected: properties.expected as string | undefined,
    };
  });
}

describe('scenario stack', () => {
  test.each(SCENARIO_NAMES)('%s is a durable function named after the stack, with a live alias and an output', (scenario) => {
    const functionName = `DurableParallelScenarios-${scenario}`;
    const functions = scenarios.findResources('AWS::Lambda::Function', {
      Properties: {
        FunctionName: functionName,
        Handler: 'index.handler',
        Timeout: 30,
        DurableConfig: { ExecutionTimeout: 900, RetentionPeriodInDays: 1 },
      },
    });
    expect(Object.keys(functions)).toHaveLength(1);
    const logicalId = Object.keys(functions)[0];
    scenarios.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      FunctionName: { Ref: logicalId },
    });
    const outputs = scenarios.findOutputs('*', { Value: { 'Fn::Join': ['', [{ Ref: logicalId }, ':live']] } });
    expect(Object.keys(outputs)).toHaveLength(1);
  });

  test('holds exactly the six scenario functions', () => {
    scenarios.resourceCountIs('AWS::Lambda::Function', SCENARIO_NAMES.length);
  });
});

describe('deployed assertions', () => {
  test('start each scenario asynchronously through its alias with a DurableExecutionName', () => {
    const starts = sdkCalls('invoke').filter((call) => JSON.stringify(call.parameters).includes('"InvocationType"'));
    expect(starts).toHaveLength(SCENARIO_NAMES.length);
    for (const scenario of SCENARIO_NAMES) {
      const start = starts.find((call) => call.parameters.FunctionName === JSON.stringify(`DurableParallelScenarios-${scenario}:live`));
      expect(start).toBeDefined();
      expect(start!.parameters.InvocationType).toBe('"Event"');
      expect(start!.parameters.Payload).toBe(JSON.stringify(JSON.stringify({ orderId: `integ-${scenario}` })));
      // The name is `<scenario>-<uuid of the assertion stack's id>`, unique per deployment.
      expect(JSON.stringify(start!.parameters.DurableExecutionName)).toContain(`"${scenario}"`);
      expect(JSON.stringify(start!.parameters.DurableExecutionName)).toContain('AWS::StackId');
    }
  });

  test('wait for the expected terminal status by polling getDurableExecution', () => {
    const waits = sdkCalls('getDurableExecution');
    expect(waits).toHaveLength(SCENARIO_NAMES.length);
    const expectedStatuses = waits.map((call) => JSON.parse(call.expected ?? '{}') as { $ObjectLike?: { Status?: string } });
    expect(expectedStatuses.map((e) => e.$ObjectLike?.Status).sort()).toEqual(
      SCENARIO_NAMES.map((scenario) => SCENARIO_ASSERTIONS[scenario].expectedStatus).sort(),
    );
    for (const call of waits) {
      expect(JSON.stringify(call.parameters.DurableExecutionArn)).toContain('apiCallResponse.DurableExecutionArn');
    }
    assertions.resourceCountIs('AWS::StepFunctions::StateMachine', SCENARIO_NAMES.length);
  });

  test('hand each execution to the checker and expect passed: true for its scenario', () => {
    const checks = sdkCalls('invoke').filter((call) => call.expected !== undefined);
    expect(checks).toHaveLength(SCENARIO_NAMES.length);
    const scenariosChecked = checks.map((call) => {
      const expected = JSON.parse(call.expected!) as { $ObjectLike: { Payload: { $SerializedJson: { scenario: string; passed: boolean } } } };
      expect(expected.$ObjectLike.Payload.$SerializedJson.passed).toBe(true);
      return parseScenarioName(expected.$ObjectLike.Payload.$SerializedJson.scenario);
    });
    expect([...scenariosChecked].sort()).toEqual([...SCENARIO_NAMES].sort());
  });

  test('the assertion provider may invoke the six aliases', () => {
    const policies = JSON.stringify(assertions.findResources('AWS::IAM::Role'));
    for (const scenario of SCENARIO_NAMES) {
      expect(policies).toContain(`:function:DurableParallelScenarios-${scenario}:live`);
    }
    expect(policies).toContain('lambda:InvokeFunction');
  });

  test('the checker may read the executions of every version of the six functions', () => {
    assertions.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['lambda:GetDurableExecution', 'lambda:GetDurableExecutionHistory'],
            Resource: SCENARIO_NAMES.map((scenario) => ({
              'Fn::Join': ['', Match.arrayWith([`:function:DurableParallelScenarios-${scenario}:*`])],
            })),
          }),
        ]),
      },
    });
  });

  test('the checker bundle loads on its own and rejects an incomplete request with a clear error', async () => {
    const assetDir = checkerAssetDir();
    const script = `require(${JSON.stringify(path.join(assetDir, 'index.js'))}).handler({ scenario: 'happy-path' })` +
      '.then(() => process.exit(3), (e) => { console.log(e.name + ": " + e.message); process.exit(0); });';
    const output = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['-e', script], { env: { ...process.env, AWS_REGION: 'us-east-1' } }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      );
    });
    expect(output).toContain('InvalidCheckerRequestError');
    expect(output).toContain('"executionArn"');
  });
});

/** The checker function's asset directory in the synthesized assembly. */
function checkerAssetDir(): string {
  const found = Object.values(
    assertions.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('^Checks the executions') } }),
  );
  expect(found).toHaveLength(1);
  const fn = found[0] as { Properties: { Code: { S3Key: string } } };
  const hash = fn.Properties.Code.S3Key.replace(/\.zip$/, '');
  const dir = path.join(outdir, `asset.${hash}`);
  expect(fs.existsSync(path.join(dir, 'index.js'))).toBe(true);
  return dir;
}
