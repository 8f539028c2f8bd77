/**
 * With the AWS SDK bundled, its packages come from their ES module builds (so esbuild keeps only
 * the two commands the runtime uses), while every other package resolves as esbuild's defaults
 * say, and a user's own `mainFields` applies to everything. Workflows live in temporary projects
 * outside the repository, as a user's would, and the bundle runs on the local service.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { Metafile } from 'esbuild';
import { DurableFunction, type DurableFunctionProps } from '../../lib';
import { awsSdkEsModuleAliases } from '../../lib/private/aws-sdk-es-modules';
import { LocalDurableService, silentLogger } from '../../local';
import { functionAssetDir, logicalIdOf, newApp, newStack, project, removeOutdirs } from './support';

afterAll(removeOutdirs);

/** Synthesizes one function with bundling; returns its bundle file and its metafile's inputs. */
function synthOne(props: DurableFunctionProps): { bundle: string; inputs: string[]; annotations: Annotations } {
  const app = newApp({ bundle: true });
  const stack = newStack(app);
  new DurableFunction(stack, 'Fn', props);
  const assembly = app.synth();
  const template = Template.fromStack(stack);
  const assetDir = functionAssetDir(assembly.directory, template, logicalIdOf(template, 'AWS::Lambda::Function', 'Fn'));
  const metafile = JSON.parse(fs.readFileSync(path.join(assetDir, 'index.meta.json'), 'utf8')) as Metafile;
  return {
    bundle: path.join(assetDir, 'index.js'),
    inputs: Object.keys(metafile.inputs).map((input) => input.split(path.sep).join('/')),
    annotations: Annotations.fromStack(stack),
  };
}

// A dependency of the user's with both a CommonJS `main` and an ES module `module` that say
// which one was loaded: it must keep resolving to `main`, as esbuild's defaults for Node say.
const dir = project({
  'node_modules/dual-format/package.json': JSON.stringify({ name: 'dual-format', version: '1.0.0', main: 'main.js', module: 'module.js' }),
  'node_modules/dual-format/main.js': 'exports.loadedFrom = "main";\n',
  'node_modules/dual-format/module.js': 'export const loadedFrom = "module";\n',
  'src/orders.ts': `
    import { loadedFrom } from 'dual-format';
    export async function handler(input: { name: string }, ctx: any) {
      const greeting = await ctx.step('greet', async () => 'hello ' + input.name);
      await ctx.wait({ seconds: 30 });
      return ctx.step('sign', async () => greeting + ' from ' + loadedFrom);
    }
  `,
});
const entry = path.join(dir, 'src', 'orders.ts');
const sdkBundled = synthOne({ entry, bundling: { bundleAwsSDK: true, metafile: true } });

const sdkInputs = (inputs: string[], build: 'dist-es' | 'dist-cjs'): string[] =>
  inputs.filter((input) => /\/node_modules\/@(?:aws-sdk|smithy|aws-crypto)\//.test(`/${input}`) && input.includes(`/${build}/`));

describe('bundleAwsSDK', () => {
  test('bundles the SDK from its ES module builds, keeping the two commands the runtime uses and no other', () => {
    expect(sdkBundled.inputs.some((input) => input.endsWith('node_modules/@aws-sdk/client-lambda/dist-es/index.js'))).toBe(true);
    expect(sdkBundled.inputs.some((input) => /node_modules\/@aws-sdk\/client-lambda\/dist-es\/commands\/CheckpointDurableExecutionCommand\.js$/.test(input))).toBe(true);
    expect(sdkInputs(sdkBundled.inputs, 'dist-cjs')).toEqual([]);
    const code = fs.readFileSync(sdkBundled.bundle, 'utf8');
    // Command classes keep their names (keepNames): the unused ones are gone.
    expect(code).toContain('"CheckpointDurableExecutionCommand"');
    expect(code).toContain('"GetDurableExecutionStateCommand"');
    expect(code).not.toContain('"CreateFunctionCommand"');
    expect(code).not.toContain('"InvokeWithResponseStreamCommand"');
  });

  test('leaves a user dependency with both main and module on main', () => {
    expect(sdkBundled.inputs.some((input) => input.endsWith('node_modules/dual-format/main.js'))).toBe(true);
    expect(sdkBundled.inputs.some((input) => input.endsWith('node_modules/dual-format/module.js'))).toBe(false);
  });

  test('the bundle runs on the local service across invocations, with nothing but itself to load', async () => {
    const service = await LocalDurableService.start({ logger: silentLogger, handlerOutput: 'silent' });
    try {
      // The asset lies outside the repository: no node_modules above it to fall back on.
      await service.registerFunction({ name: 'orders', bundle: sdkBundled.bundle });
      const run = await service.run('orders:live', { name: 'Ada' });
      expect(run.error).toBeUndefined();
      expect(run.status).toBe('SUCCEEDED');
      expect(run.result).toBe('hello Ada from main');
      expect(run.invocations).toHaveLength(2);
    } finally {
      await service.stop();
    }
  });

  test('a user mainFields applies to every package, the SDK included', () => {
    const chosen = synthOne({ entry, bundling: { bundleAwsSDK: true, metafile: true, mainFields: ['module', 'main'] } });
    expect(chosen.inputs.some((input) => input.endsWith('node_modules/dual-format/module.js'))).toBe(true);
    expect(sdkInputs(chosen.inputs, 'dist-es').length).toBeGreaterThan(0);
    const cjs = synthOne({ entry, bundling: { bundleAwsSDK: true, metafile: true, mainFields: ['main'] } });
    expect(cjs.inputs.some((input) => input.endsWith('node_modules/@aws-sdk/client-lambda/dist-cjs/index.js'))).toBe(true);
  });
});

test('an SDK package whose ES module build does not bundle is bundled from CommonJS, with a warning', () => {
  const broken = project({
    'node_modules/@aws-sdk/broken-es/package.json': JSON.stringify({ name: '@aws-sdk/broken-es', version: '1.0.0', main: './dist-cjs/index.js', module: './dist-es/index.js' }),
    'node_modules/@aws-sdk/broken-es/dist-cjs/index.js': 'exports.flavour = "cjs";\n',
    'node_modules/@aws-sdk/broken-es/dist-es/index.js': 'export { flavour } from "./missing.js";\n',
    'src/orders.ts': `
      import { flavour } from '@aws-sdk/broken-es';
      export async function handler(input: unknown, ctx: any) {
        return ctx.step('flavour', async () => flavour);
      }
    `,
  });
  const built = synthOne({ entry: path.join(broken, 'src', 'orders.ts'), bundling: { bundleAwsSDK: true, metafile: true } });
  expect(built.inputs.some((input) => input.endsWith('node_modules/@aws-sdk/broken-es/dist-cjs/index.js'))).toBe(true);
  expect(built.inputs.some((input) => input.endsWith('node_modules/@aws-sdk/client-lambda/dist-cjs/index.js'))).toBe(true);
  built.annotations.hasWarning('*', Match.stringLikeRegexp('could not be bundled from its ES module builds, so it was bundled from CommonJS.*missing\\.js'));
});

describe('awsSdkEsModuleAliases', () => {
  /** A project with `packages` installed (path under the project → package.json), ES entry files included. */
  function installed(packages: Record<string, Record<string, unknown>>): string {
    const files: Record<string, string> = {};
    for (const [where, json] of Object.entries(packages)) {
      files[`${where}/package.json`] = JSON.stringify(json);
      if (typeof json.module === 'string') files[`${where}/${json.module}`] = 'export {};\n';
    }
    return project(files);
  }

  /** A metafile whose inputs are `files`, each importing `imports` (original specifiers). */
  function metafile(files: string[], imports: string[] = []): Metafile {
    const inputs: Metafile['inputs'] = {};
    for (const file of files) {
      inputs[file] = { bytes: 1, imports: imports.map((original) => ({ path: 'x.js', kind: 'import-statement', original })) };
    }
    return { inputs, outputs: {} };
  }

  const sdkPackage = (name: string) => ({ name, version: '1.0.0', main: './dist-cjs/index.js', module: './dist-es/index.js' });

  test('aliases each SDK package to its ES module entry, and nothing else', () => {
    const root = installed({
      'node_modules/@aws-sdk/client-lambda': sdkPackage('@aws-sdk/client-lambda'),
      'node_modules/@smithy/types': sdkPackage('@smithy/types'),
      'node_modules/other': sdkPackage('other'),
    });
    const aliases = awsSdkEsModuleAliases(metafile([
      'node_modules/@aws-sdk/client-lambda/dist-cjs/index.js',
      'node_modules/@smithy/types/dist-cjs/index.js',
      'node_modules/other/dist-cjs/index.js',
      'src/orders.ts',
    ]), root);
    expect(aliases).toEqual({
      '@aws-sdk/client-lambda': path.join(root, 'node_modules/@aws-sdk/client-lambda/dist-es/index.js'),
      '@smithy/types': path.join(root, 'node_modules/@smithy/types/dist-es/index.js'),
    });
  });

  test('leaves out a package installed twice, one imported by subpath, one with exports, one without an ES build', () => {
    const root = installed({
      'node_modules/@smithy/twice': sdkPackage('@smithy/twice'),
      'node_modules/@aws-sdk/client-lambda': sdkPackage('@aws-sdk/client-lambda'),
      'node_modules/@aws-sdk/client-lambda/node_modules/@smithy/twice': sdkPackage('@smithy/twice'),
      'node_modules/@smithy/deep': sdkPackage('@smithy/deep'),
      'node_modules/@smithy/mapped': { ...sdkPackage('@smithy/mapped'), exports: { '.': { module: './dist-es/index.js', require: './dist-cjs/index.js' } } },
      'node_modules/@aws-crypto/cjs-only': { name: '@aws-crypto/cjs-only', version: '1.0.0', main: './index.js' },
    });
    const aliases = awsSdkEsModuleAliases(metafile([
      'node_modules/@smithy/twice/dist-cjs/index.js',
      'node_modules/@aws-sdk/client-lambda/dist-cjs/index.js',
      'node_modules/@aws-sdk/client-lambda/node_modules/@smithy/twice/dist-cjs/index.js',
      'node_modules/@smithy/deep/dist-cjs/index.js',
      'node_modules/@smithy/mapped/dist-cjs/index.js',
      'node_modules/@aws-crypto/cjs-only/index.js',
    ], ['@smithy/deep/dist-cjs/util.js']), root);
    expect(aliases).toEqual({ '@aws-sdk/client-lambda': path.join(root, 'node_modules/@aws-sdk/client-lambda/dist-es/index.js') });
  });
});
