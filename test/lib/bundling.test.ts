import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { DurableFunction, DurableFunctionValidationError, type DurableFunctionProps } from '../../lib';
import { fixture, functionAssetDir, loadFresh, logicalIdOf, newApp, newStack, removeOutdirs, tempOutdir } from './support';

afterAll(removeOutdirs);

const repoRoot = path.resolve(__dirname, '..', '..');

/** Synthesizes one stack of real (bundled) functions; returns each function's asset directory. */
function synthesize(functions: Record<string, Omit<DurableFunctionProps, 'entry'> & { entry: string }>): {
  template: Template;
  assetDir: (id: string) => string;
  s3Key: (id: string) => string;
} {
  const app = newApp({ bundle: true });
  const stack = newStack(app);
  for (const [id, props] of Object.entries(functions)) {
    new DurableFunction(stack, id, props);
  }
  const assembly = app.synth();
  const template = Template.fromStack(stack);
  const fnId = (id: string): string => logicalIdOf(template, 'AWS::Lambda::Function', id);
  return {
    template,
    assetDir: (id) => functionAssetDir(assembly.directory, template, fnId(id)),
    s3Key: (id) => (template.toJSON().Resources[fnId(id)].Properties.Code as { S3Key: string }).S3Key,
  };
}

/** The node_modules folder that provides the AWS SDK here, as Lambda's runtime provides it. */
function sdkNodePath(): string {
  let dir = path.dirname(require.resolve('@aws-sdk/client-lambda'));
  while (path.basename(dir) !== 'node_modules') dir = path.dirname(dir);
  return dir;
}

/**
 * `typeof handler` of the asset's bundle, required by a separate Node process from the asset
 * directory (no node_modules above it), with `nodePath` as its only other module source.
 */
function loadInFreshProcess(assetDir: string, nodePath?: string): string {
  const script = `process.stdout.write(typeof require(${JSON.stringify(path.join(assetDir, 'index.js'))}).handler)`;
  return execFileSync(process.execPath, ['-e', script], {
    cwd: assetDir,
    env: { PATH: process.env.PATH ?? '', ...(nodePath === undefined ? {} : { NODE_PATH: nodePath }) },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

// Shared by the tests below: bundling takes a moment per distinct bundle.
const shared = synthesize({
  Standard: { entry: fixture('plain-workflow.ts') },
  Plain: { entry: fixture('plain-workflow.ts'), bundling: { minify: false } },
  SdkBundled: { entry: fixture('plain-workflow.ts'), bundling: { minify: false, bundleAwsSDK: true } },
  Wrapped: { entry: fixture('wrapped-workflow.ts'), bundling: { minify: false } },
  Mapped: { entry: fixture('plain-workflow.ts'), bundling: { minify: false, sourceMap: true } },
  Reexported: { entry: fixture('reexport-entry.ts') },
});
const bundleOf = (id: string): string => fs.readFileSync(path.join(shared.assetDir(id), 'index.js'), 'utf8');

describe('the asset', () => {
  test('is one CommonJS file, index.js, exporting handler', () => {
    expect(fs.readdirSync(shared.assetDir('Plain'))).toEqual(['index.js']);
    expect(bundleOf('Plain').includes('module.exports = __toCommonJS(')).toBe(true);
  });

  // Assertions on the bundle text use booleans and counts: a failing toMatch would print megabytes.
  test('by default it contains the runtime and leaves @aws-sdk/* to the Lambda runtime', () => {
    const bundle = bundleOf('Plain');
    expect(/^\/\/ runtime\/handler\.ts$/m.test(bundle)).toBe(true);
    expect(/^\/\/ (?:.*\/)?node_modules\/@aws-sdk\//m.test(bundle)).toBe(false);
    expect(bundle.includes('require("@aws-sdk/client-lambda")')).toBe(true);
    // Loaded as Lambda loads it: the SDK comes from outside the asset (NODE_PATH), nothing else does.
    expect(loadInFreshProcess(shared.assetDir('Plain'), sdkNodePath())).toBe('function');
  });

  test('with bundleAwsSDK, contains @aws-sdk/client-lambda too: it loads with no node_modules anywhere', () => {
    const bundle = bundleOf('SdkBundled');
    expect(/^\/\/ (?:.*\/)?node_modules\/@aws-sdk\/client-lambda\//m.test(bundle)).toBe(true);
    expect(bundle.includes('require("@aws-sdk/client-lambda")')).toBe(false);
    expect(loadInFreshProcess(shared.assetDir('SdkBundled'))).toBe('function');
  });

  test('a provided @aws-sdk/client-lambda without the durable commands fails the load with the fix', () => {
    // An SDK from before durable functions: the client exists, the durable commands do not.
    const oldSdk = tempOutdir();
    fs.mkdirSync(path.join(oldSdk, '@aws-sdk', 'client-lambda'), { recursive: true });
    fs.writeFileSync(path.join(oldSdk, '@aws-sdk', 'client-lambda', 'package.json'), '{"name":"@aws-sdk/client-lambda","version":"3.600.0","main":"index.js"}');
    fs.writeFileSync(path.join(oldSdk, '@aws-sdk', 'client-lambda', 'index.js'), 'exports.LambdaClient = class LambdaClient {};');
    expect(() => loadInFreshProcess(shared.assetDir('Standard'), oldSdk)).toThrow(
      /has no CheckpointDurableExecutionCommand or GetDurableExecutionStateCommand: it predates durable functions\. Bundle the SDK instead: set bundling: \{ bundleAwsSDK: true \}/,
    );
  });

  test('a workflow importing cdk-durable-function/runtime shares the one runtime copy of the entry', () => {
    const bundle = bundleOf('Wrapped');
    // One module path for the runtime's handler module.
    const handlerModules = new Set(bundle.match(/^\/\/ .*runtime\/handler\.[jt]s$/gm));
    expect([...handlerModules]).toEqual(['// runtime/handler.ts']);
    // One definition of the runtime's API (esbuild may rename it, but a second copy is a second definition).
    expect(bundle.match(/\bfunction withDurableExecution\d*\(/g)).toHaveLength(1);
    expect(bundle.match(/\bfunction isDurableHandler\d*\(/g)).toHaveLength(1);
  });

  test('embeds no machine-specific path', () => {
    for (const id of ['Standard', 'Plain', 'Mapped']) {
      const dir = shared.assetDir(id);
      for (const file of fs.readdirSync(dir)) {
        expect(fs.readFileSync(path.join(dir, file), 'utf8').includes(repoRoot)).toBe(false);
      }
    }
  });

  test('with sourceMap, ships index.js.map linked from the bundle, its sources relative to the project', () => {
    const dir = shared.assetDir('Mapped');
    expect(fs.readdirSync(dir).sort()).toEqual(['index.js', 'index.js.map']);
    expect(/\/\/# sourceMappingURL=index\.js\.map\s*$/.test(bundleOf('Mapped'))).toBe(true);
    const map = JSON.parse(fs.readFileSync(path.join(dir, 'index.js.map'), 'utf8')) as { sources: string[] };
    expect(map.sources).toEqual(expect.arrayContaining(['../test/fixtures/lib/plain-workflow.ts', '../runtime/handler.ts']));
    expect(map.sources.filter((source) => path.isAbsolute(source))).toEqual([]);
    shared.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
    });
  });

  test('minified by default, keeping function and class names', () => {
    const minified = bundleOf('Standard');
    expect(minified.length).toBeLessThan(bundleOf('Plain').length * 0.8);
    // keepNames: the workflow function's name survives as a string set on the mangled function.
    expect(/\(\w+,"handler"\)/.test(minified)).toBe(true);
  });

  test('different entries or options give different assets', () => {
    const keys = ['Standard', 'Plain', 'SdkBundled', 'Wrapped', 'Mapped', 'Reexported'].map(shared.s3Key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('determinism', () => {
  test('two synths of the same function, into different cloud assemblies, give the same asset hash and bytes', () => {
    const again = synthesize({
      Standard: { entry: fixture('plain-workflow.ts') },
      Mapped: { entry: fixture('plain-workflow.ts'), bundling: { minify: false, sourceMap: true } },
    });
    for (const id of ['Standard', 'Mapped']) {
      expect(again.s3Key(id)).toBe(shared.s3Key(id));
      expect(again.assetDir(id)).not.toBe(shared.assetDir(id));
      for (const file of fs.readdirSync(shared.assetDir(id))) {
        const same = fs.readFileSync(path.join(again.assetDir(id), file)).equals(fs.readFileSync(path.join(shared.assetDir(id), file)));
        expect(same).toBe(true);
      }
    }
  });
});

describe('entry errors', () => {
  function rejection(props: DurableFunctionProps): DurableFunctionValidationError {
    const stack = newStack(newApp({ bundle: true }));
    try {
      new DurableFunction(stack, 'Orders', props);
    } catch (err) {
      expect(err).toBeInstanceOf(DurableFunctionValidationError);
      return err as DurableFunctionValidationError;
    }
    throw new Error('the function was created');
  }

  test('a missing entry file is named', () => {
    const err = rejection({ entry: fixture('missing-workflow.ts') });
    expect(err.prop).toBe('entry');
    expect(err.message).toContain('missing-workflow.ts');
    expect(err.message).toContain('does not exist');
  });

  test('an entry without the handler export lists what it does export', () => {
    const err = rejection({ entry: fixture('no-handler.ts') });
    expect(err.prop).toBe('handler');
    expect(err.message).toContain('test/fixtures/lib/no-handler.ts does not export "handler"');
    expect(err.message).toContain('its exports: alsoNotIt, notTheWorkflow');
  });

  test('a custom handler name that is not exported', () => {
    const err = rejection({ entry: fixture('named-export.ts'), handler: 'process' });
    expect(err.message).toContain('does not export "process" (its exports: processOrder, unrelated)');
  });

  test('an entry that does not compile reports esbuild\'s message and location', () => {
    const err = rejection({ entry: fixture('does-not-compile.js') });
    expect(err.prop).toBe('entry');
    expect(err.message).toMatch(/does-not-compile\.js does not compile: .*does-not-compile\.js:3:\d+: /);
  });

  test('an import that cannot be resolved fails the bundling with esbuild\'s message', () => {
    expect(() => synthesize({ Broken: { entry: fixture('unresolvable-import.js') } })).toThrow(
      /esbuild could not bundle test\/fixtures\/lib\/unresolvable-import\.js: .*Could not resolve "a-package-that-is-not-installed"/,
    );
  });

  test('the export check is skipped, like bundling, for a stack that is not being synthesized', () => {
    const stack = newStack(newApp({ bundle: false }));
    expect(() => new DurableFunction(stack, 'Orders', { entry: fixture('no-handler.ts') })).not.toThrow();
  });

  test('a CommonJS entry cannot be checked statically: the bundle fails to load with the same explanation', () => {
    const built = synthesize({ Missing: { entry: fixture('commonjs-missing.js'), bundling: { bundleAwsSDK: true } } });
    const bundle = path.join(built.assetDir('Missing'), 'index.js');
    expect(() => loadFresh(bundle)).toThrow(
      'test/fixtures/lib/commonjs-missing.js does not export a function named "handler". ',
    );
    expect(() => loadFresh(bundle)).toThrow(/Exports found: (?:default, )?somethingElse\.$/);
  });
});
