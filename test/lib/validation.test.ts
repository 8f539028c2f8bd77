import * as path from 'node:path';
import { CfnParameter, Duration, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DurableFunction, DurableFunctionValidationError, type DurableFunctionProps } from '../../lib';
import { fixture, logicalIdOf, newApp, newStack, removeOutdirs } from './support';

afterAll(removeOutdirs);

const entry = fixture('plain-workflow.ts');

/** Constructs a function in a fresh stack that skips bundling: these tests are about props only. */
function build(props: Partial<DurableFunctionProps>): { fn: DurableFunction; template: Template } {
  const stack = newStack(newApp({ bundle: false }));
  const fn = new DurableFunction(stack, 'Orders', { entry, ...props });
  return { fn, template: Template.fromStack(stack) };
}

/** The validation error thrown for `props`; fails the test when nothing is thrown. */
function rejection(props: Partial<DurableFunctionProps>): DurableFunctionValidationError {
  try {
    build(props);
  } catch (err) {
    expect(err).toBeInstanceOf(DurableFunctionValidationError);
    return err as DurableFunctionValidationError;
  }
  throw new Error(`props were accepted: ${JSON.stringify(Object.keys(props))}`);
}

describe('executionTimeout', () => {
  test.each([
    ['zero', Duration.seconds(0), '0 seconds'],
    ['one second over 366 days', Duration.seconds(31_622_401), '31622401 seconds'],
    ['367 days', Duration.days(367), '31708800 seconds'],
    ['a fraction of a second', Duration.millis(1500), '1.5 seconds'],
  ])('rejects %s with the prop, the value and the range', (_name, value, shown) => {
    const err = rejection({ executionTimeout: value });
    expect(err.prop).toBe('executionTimeout');
    expect(err.message).toContain('executionTimeout');
    expect(err.message).toContain(shown);
    expect(err.message).toContain('between 1 second and 31622400 seconds (366 days)');
    expect(err.message).toContain('TestStack/Orders');
  });

  test.each([
    ['1 second', Duration.seconds(1), 1],
    ['366 days', Duration.days(366), 31_622_400],
  ])('accepts the bound %s', (_name, value, seconds) => {
    const { template } = build({ executionTimeout: value });
    template.hasResourceProperties('AWS::Lambda::Function', { DurableConfig: { ExecutionTimeout: seconds } });
  });
});

describe('retentionPeriod', () => {
  test.each([
    ['zero days', Duration.days(0), '0 days'],
    ['91 days', Duration.days(91), '91 days'],
    ['36 hours', Duration.hours(36), '1 day 12 hours'],
  ])('rejects %s with the prop, the value and the range', (_name, value, shown) => {
    const err = rejection({ retentionPeriod: value });
    expect(err.prop).toBe('retentionPeriod');
    expect(err.message).toContain('retentionPeriod');
    expect(err.message).toContain(shown);
    expect(err.message).toContain('between 1 and 90 days');
  });

  test.each([1, 90])('accepts the bound of %d days', (days) => {
    const { template } = build({ retentionPeriod: Duration.days(days) });
    template.hasResourceProperties('AWS::Lambda::Function', { DurableConfig: { RetentionPeriodInDays: days } });
  });
});

describe('runtime', () => {
  test.each([
    ['Node.js 20', lambda.Runtime.NODEJS_20_X],
    ['Python', lambda.Runtime.PYTHON_3_12],
    ['Node.js 18', lambda.Runtime.NODEJS_18_X],
  ])('rejects %s and names the allowed runtimes', (_name, runtime) => {
    const err = rejection({ runtime });
    expect(err.prop).toBe('runtime');
    expect(err.message).toContain(`got ${runtime.name}`);
    expect(err.message).toContain('nodejs22.x, nodejs24.x');
  });

  test('accepts Node.js 22 and defaults to Node.js 24', () => {
    build({ runtime: lambda.Runtime.NODEJS_22_X }).template
      .hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x' });
    build({}).template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x' });
  });
});

describe('aliasName', () => {
  test.each([
    ['only digits (it would read as a version)', '123'],
    ['a space', 'my alias'],
    ['empty', ''],
    ['129 characters', 'a'.repeat(129)],
    ['$LATEST', '$LATEST'],
  ])('rejects %s', (_name, aliasName) => {
    const err = rejection({ aliasName });
    expect(err.prop).toBe('aliasName');
    expect(err.message).toContain(JSON.stringify(aliasName));
    expect(err.message).toContain('1 to 128 characters');
  });

  test('accepts letters, digits, - and _', () => {
    const { fn, template } = build({ aliasName: 'prod_2-b' });
    expect(fn.alias.aliasName).toBe('prod_2-b');
    template.hasResourceProperties('AWS::Lambda::Alias', { Name: 'prod_2-b' });
  });
});

describe('timeout (one invocation)', () => {
  test.each([
    ['16 minutes', Duration.minutes(16), '960 seconds'],
    ['half a second', Duration.millis(500), '0.5 seconds'],
  ])('rejects %s', (_name, timeout, shown) => {
    const err = rejection({ timeout });
    expect(err.prop).toBe('timeout');
    expect(err.message).toContain(shown);
    expect(err.message).toContain('between 1 second and 900 seconds');
  });
});

describe('handler', () => {
  test('rejects a Lambda file.export string and suggests the export name', () => {
    const err = rejection({ handler: 'index.processOrder' });
    expect(err.prop).toBe('handler');
    expect(err.message).toContain('"index.processOrder"');
    expect(err.message).toContain('use "processOrder"');
  });

  test('rejects an empty name', () => {
    expect(rejection({ handler: '' }).prop).toBe('handler');
  });
});

describe('entry', () => {
  test('rejects a missing file, naming the path as given and as resolved', () => {
    const missing = fixture('does-not-exist.ts');
    const err = rejection({ entry: missing });
    expect(err.prop).toBe('entry');
    expect(err.message).toContain(JSON.stringify(missing));
    expect(err.message).toContain('does not exist');
  });

  test('rejects a directory', () => {
    const err = rejection({ entry: path.dirname(entry) });
    expect(err.prop).toBe('entry');
    expect(err.message).toContain('is not a file');
  });

  test('rejects a file that is not JavaScript or TypeScript', () => {
    const err = rejection({ entry: path.join(__dirname, '..', '..', 'package.json') });
    expect(err.prop).toBe('entry');
    expect(err.message).toContain('must be a JavaScript or TypeScript file');
  });

  test('resolves a relative entry against the working directory', () => {
    expect(() => build({ entry: path.relative(process.cwd(), entry) })).not.toThrow();
  });
});

describe('unresolved values (tokens) are left to CloudFormation', () => {
  test('durations and the alias name from parameters are accepted and rendered as references', () => {
    const stack = newStack(newApp({ bundle: false }));
    const timeout = new CfnParameter(stack, 'TimeoutSeconds', { type: 'Number' });
    const retention = new CfnParameter(stack, 'RetentionDays', { type: 'Number' });
    const alias = new CfnParameter(stack, 'AliasName', { type: 'String' });
    new DurableFunction(stack, 'Orders', {
      entry,
      executionTimeout: Duration.seconds(Token.asNumber(timeout.value)),
      retentionPeriod: Duration.days(Token.asNumber(retention.value)),
      aliasName: alias.valueAsString,
    });
    const template = Template.fromStack(stack);
    const fnId = logicalIdOf(template, 'AWS::Lambda::Function', 'Orders');
    expect(template.toJSON().Resources[fnId].Properties.DurableConfig).toEqual({
      ExecutionTimeout: { Ref: 'TimeoutSeconds' },
      RetentionPeriodInDays: { Ref: 'RetentionDays' },
    });
    template.hasResourceProperties('AWS::Lambda::Alias', { Name: { Ref: 'AliasName' } });
  });
});
