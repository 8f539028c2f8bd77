/**
 * With the AWS SDK bundled, its packages come from their ES module builds (so esbuild keeps only
 * the two commands the runtime uses), while every other package resolves as esbuild's defaults
 * say, and a user's own `mainFields` applies to everything. Workflows live in temporary projects
 * outside the repository, as a user's would, and the bundle runs on the local service.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Annotations, Match } from 'aws-cdk-lib/assertions';
import type { Metafile } from 'esbuild';
import type { DurableFunctionProps } from '../../lib';
import { LocalDurableService, silentLogger } from '../../local';
import { project, removeOutdirs, synthOneFunction } from './support';

afterAll(removeOutdirs);

/** Synthesizes one function with bundling; returns its bundle file, its metafile's inputs and the stack's annotations. */
function synthOne(props: DurableFunctionProps): { bundle: string; inputs: string[]; annotations: Annotations } {
  const { assetDir, file, annotations } = synthOneFunction(props);
  const metafile = JSON.parse(file('index.meta.json')) as Metafile;
  return {
    bundle: path.join(assetDir, 'index.js'),
    inputs: Object.keys(metafile.inputs).map((input) => input.split(path.sep).join('/')),
    annotations,
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

describe('resolving SDK packages to their ES module builds', () => {
  const sdkPackage = (name: string, flavour: string) => ({
    [`package.json`]: JSON.stringify({ name, version: '1.0.0', main: './dist-cjs/index.js', module: './dist-es/index.js' }),
    [`dist-cjs/index.js`]: `exports.flavour = "cjs ${flavour}";\n`,
    [`dist-es/index.js`]: `export const flavour = "es ${flavour}";\n`,
  });
  const under = (dir: string, files: Record<string, string>): Record<string, string> =>
    Object.fromEntries(Object.entries(files).map(([name, text]) => [`${dir}/${name}`, text]));

  test('takes each importer\'s own copy, leaves exports maps, CommonJS-only packages and subpath imports alone', () => {
    const root = project({
      ...under('node_modules/@smithy/twice', sdkPackage('@smithy/twice', 'top')),
      ...under('node_modules/@aws-sdk/nesting', sdkPackage('@aws-sdk/nesting', 'nesting')),
      'node_modules/@aws-sdk/nesting/dist-es/index.js': 'export { flavour as inner } from "@smithy/twice";\nexport const flavour = "es nesting";\n',
      ...under('node_modules/@aws-sdk/nesting/node_modules/@smithy/twice', sdkPackage('@smithy/twice', 'nested')),
      'node_modules/@smithy/mapped/package.json': JSON.stringify({
        name: '@smithy/mapped', version: '1.0.0', main: './dist-cjs/index.js', module: './dist-es/index.js',
        // Its exports map decides, even against its own module field.
        exports: { '.': './dist-cjs/index.js' },
      }),
      'node_modules/@smithy/mapped/dist-cjs/index.js': 'exports.flavour = "cjs mapped";\n',
      'node_modules/@smithy/mapped/dist-es/index.js': 'export const flavour = "es mapped";\n',
      'node_modules/@aws-crypto/cjs-only/package.json': JSON.stringify({ name: '@aws-crypto/cjs-only', version: '1.0.0', main: './index.js' }),
      'node_modules/@aws-crypto/cjs-only/index.js': 'exports.flavour = "cjs only";\n',
      ...under('node_modules/@smithy/deep', sdkPackage('@smithy/deep', 'deep')),
      'node_modules/@smithy/deep/dist-cjs/util.js': 'exports.flavour = "cjs deep util";\n',
      'src/orders.ts': `
        import { flavour as twice } from '@smithy/twice';
        import { flavour as nesting, inner } from '@aws-sdk/nesting';
        import { flavour as mapped } from '@smithy/mapped';
        import { flavour as cjsOnly } from '@aws-crypto/cjs-only';
        import { flavour as deep } from '@smithy/deep/dist-cjs/util.js';
        export async function handler(input: unknown, ctx: any) {
          return ctx.step('flavours', async () => [twice, nesting, inner, mapped, cjsOnly, deep]);
        }
      `,
    });
    const built = synthOne({ entry: path.join(root, 'src', 'orders.ts'), bundling: { bundleAwsSDK: true, metafile: true } });
    const code = fs.readFileSync(built.bundle, 'utf8');
    for (const flavour of ['es top', 'es nesting', 'es nested', 'cjs mapped', 'cjs only', 'cjs deep util']) {
      expect(code).toContain(`"${flavour}"`);
    }
    for (const flavour of ['cjs top', 'cjs nesting', 'cjs nested', 'es mapped', 'es deep']) {
      expect(code).not.toContain(`"${flavour}"`);
    }
    built.annotations.hasNoWarning('*', Match.stringLikeRegexp('ES module builds'));
  });

  test('drops SDK schemas nothing uses although they name their keys through constants', () => {
    const schemas = [
      'const _h = "http";',
      'const _U = "Used";',
      'let _v = "varying";',
      'export var Used$ = [9, "n0", _U, { [_h]: ["POST", "/used-path", 200] }];',
      'export var Unused$ = [9, "n0", "Unused", { [_h]: ["POST", "/unused-path", 201] }];',
      'export var Varying$ = [9, "n0", "Varying", { [_v]: ["POST", "/varying-path", 202] }];',
      '',
    ].join('\n');
    const root = project({
      'node_modules/@aws-sdk/client-fake/package.json': JSON.stringify({ name: '@aws-sdk/client-fake', version: '1.0.0', main: './dist-cjs/index.js', module: './dist-es/index.js', sideEffects: false }),
      'node_modules/@aws-sdk/client-fake/dist-cjs/index.js': 'exports.Used$ = [];\n',
      'node_modules/@aws-sdk/client-fake/dist-es/index.js': 'export { Used$ } from "./schemas/schemas_0";\nexport { Kept$ } from "./elsewhere";\n',
      'node_modules/@aws-sdk/client-fake/dist-es/schemas/schemas_0.js': schemas,
      // The same shapes outside a schemas folder are left as they are.
      'node_modules/@aws-sdk/client-fake/dist-es/elsewhere.js': 'const _h = "http";\nexport var Kept$ = 1;\nexport var Other$ = { [_h]: "/elsewhere-path" };\n',
      'src/orders.ts': `
        import { Used$, Kept$ } from '@aws-sdk/client-fake';
        export async function handler(input: unknown, ctx: any) {
          return ctx.step('schema', async () => [Used$[3], Kept$]);
        }
      `,
    });
    const built = synthOne({ entry: path.join(root, 'src', 'orders.ts'), bundling: { bundleAwsSDK: true, metafile: true } });
    const code = fs.readFileSync(built.bundle, 'utf8');
    expect(code).toContain('/used-path');
    expect(code).not.toContain('/unused-path');
    // Not a constant: the key is kept as written, and with it the value.
    expect(code).toContain('/varying-path');
    expect(code).toContain('/elsewhere-path');
  });

  test('keeps only the Lambda operations the runtime calls (the bundle runs: see above)', () => {
    const code = fs.readFileSync(sdkBundled.bundle, 'utf8');
    expect(code).toContain('/2025-12-01/durable-executions/{DurableExecutionArn}/checkpoint');
    expect(code).toContain('/2025-12-01/durable-executions/{DurableExecutionArn}/state');
    expect(code).not.toContain('/2015-03-31/functions"');
    expect(code).not.toContain('/event-source-mappings');
    expect(code).not.toContain('CreateFunctionRequest');
  });
});
