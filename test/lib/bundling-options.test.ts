/**
 * The props and bundling options users bring from `NodejsFunction` and from aws-cdk-lib's own
 * `durableConfig`: each one reaches the template or the bundle, and whatever the construct does not
 * support fails the synth with an error naming it. Workflows live in temporary projects outside the
 * repository, as a user's would.
 */
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Charset, LogLevel, NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { DurableFunction, DurableFunctionValidationError, type DurableFunctionProps } from '../../lib';
import { LocalDurableService, silentLogger } from '../../local';
import { fixture, functionAssetDir, logicalIdOf, newApp, newStack, project, removeOutdirs, synthOneFunction, tempOutdir, type SynthesizedFunction } from './support';

afterAll(removeOutdirs);

const PLAIN_WORKFLOW = `
export async function handler(input: { name: string }, ctx: any) {
  return ctx.step('greet', async () => 'hello ' + input.name);
}
`;


/** The validation error the props raise (without bundling). */
function rejection(props: unknown): DurableFunctionValidationError {
  const stack = newStack(newApp({ bundle: false }));
  try {
    new DurableFunction(stack, 'Fn', props as DurableFunctionProps);
  } catch (err) {
    expect(err).toBeInstanceOf(DurableFunctionValidationError);
    return err as DurableFunctionValidationError;
  }
  throw new Error('the function was created');
}

const plainEntry = (): string => path.join(project({ 'src/orders.ts': PLAIN_WORKFLOW }), 'src', 'orders.ts');

describe('durableConfig, spelled as aws-cdk-lib spells it', () => {
  test('reaches DurableConfig in the template', () => {
    const stack = newStack(newApp({ bundle: false }));
    const fn = new DurableFunction(stack, 'Fn', {
      entry: plainEntry(),
      durableConfig: { executionTimeout: Duration.hours(2), retentionPeriod: Duration.days(3) },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      DurableConfig: { ExecutionTimeout: 7200, RetentionPeriodInDays: 3 },
    });
    expect(fn.executionTimeout.toSeconds()).toBe(7200);
    expect(fn.retentionPeriod.toDays()).toBe(3);
  });

  test('without retentionPeriod, keeps the 14-day default', () => {
    const stack = newStack(newApp({ bundle: false }));
    new DurableFunction(stack, 'Fn', { entry: plainEntry(), durableConfig: { executionTimeout: Duration.minutes(30) } });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      DurableConfig: { ExecutionTimeout: 1800, RetentionPeriodInDays: 14 },
    });
  });

  test('is validated like the separate props', () => {
    const err = rejection({ entry: plainEntry(), durableConfig: { executionTimeout: Duration.days(400) } });
    expect(err.prop).toBe('executionTimeout');
  });

  test('together with executionTimeout or retentionPeriod, is an error naming both', () => {
    const err = rejection({
      entry: plainEntry(),
      durableConfig: { executionTimeout: Duration.hours(1) },
      retentionPeriod: Duration.days(3),
    });
    expect(err.prop).toBe('durableConfig');
    expect(err.message).toContain('durableConfig and retentionPeriod both set the durable settings');
  });

  test('an unknown field or a missing executionTimeout is named', () => {
    expect(rejection({ entry: plainEntry(), durableConfig: { executionTimeout: Duration.hours(1), kmsKey: {} } }).message)
      .toContain('unknown durableConfig field "kmsKey"; it takes executionTimeout and retentionPeriod (the key is the durableStateKey prop)');
    expect(rejection({ entry: plainEntry(), durableConfig: { retentionPeriod: Duration.days(1) } }).message)
      .toContain('durableConfig.executionTimeout is required');
  });
});

describe('unknown props are never silently ignored', () => {
  test('a prop passed through a typed variable (no excess-property check) is named, with a suggestion', () => {
    const fromElsewhere = { entry: plainEntry(), retentionPeriodDays: 7 };
    const props: DurableFunctionProps = fromElsewhere;
    const err = rejection(props);
    expect(err.prop).toBe('retentionPeriodDays');
    expect(err.message).toContain('unknown prop "retentionPeriodDays"');
    expect(err.message).toContain('did you mean "retentionPeriod"?');
  });

  test('a NodejsFunction prop with no meaning here is refused with the reason', () => {
    expect(rejection({ entry: plainEntry(), awsSdkConnectionReuse: true }).message)
      .toContain('the awsSdkConnectionReuse prop is not supported: it only configures the AWS SDK v2');
    expect(rejection({ entry: plainEntry(), code: {} }).message).toContain('the construct bundles `entry` itself');
  });

  test('undefined values are fine, as for any optional prop', () => {
    const stack = newStack(newApp({ bundle: false }));
    expect(() => new DurableFunction(stack, 'Fn', { entry: plainEntry(), memorySize: undefined, bundling: { minify: undefined } }))
      .not.toThrow();
  });
});

describe('bundling options that need Docker or are unknown are rejected, never dropped', () => {
  test.each([
    ['dockerImage', {}, 'never in Docker'],
    ['forceDockerBundling', true, 'never in Docker'],
    ['esbuildArgs', { '--log-limit': '0' }, 'use the named options'],
    ['esbuildVersion', '0.21.0', 'the esbuild this package depends on is used'],
    ['preCompilation', true, 'esbuild compiles TypeScript itself'],
    ['volumes', [], 'there is no Docker container'],
  ])('%s', (key, value, reason) => {
    const err = rejection({ entry: plainEntry(), bundling: { [key]: value } });
    expect(err.prop).toBe('bundling');
    expect(err.message).toContain(`bundling.${key} is not supported: `);
    expect(err.message).toContain(reason);
  });

  test('an unknown option is named, with a suggestion', () => {
    const err = rejection({ entry: plainEntry(), bundling: { minfy: true } });
    expect(err.message).toContain('unknown bundling option "minfy" (did you mean "minify"?)');
  });

  test('a value of the wrong kind is named', () => {
    expect(rejection({ entry: plainEntry(), bundling: { format: 'iife' } }).message)
      .toContain('bundling.format must be OutputFormat.CJS or OutputFormat.ESM, got "iife"');
    expect(rejection({ entry: plainEntry(), bundling: { loader: { png: 'dataurl' } } }).message)
      .toContain('bundling.loader must be an object mapping extensions that start with "."');
    expect(rejection({ entry: plainEntry(), bundling: { sourceMapMode: SourceMapMode.INLINE } }).message)
      .toContain('bundling.sourceMapMode needs bundling.sourceMap: true');
  });
});

describe('format: ESM', () => {
  const dir = project({
    'src/orders.ts': `
      const loadedFrom = new URL(import.meta.url).pathname.split('/').pop();
      const config = await Promise.resolve({ greeting: 'hello' });
      export async function handler(input: { name: string }, ctx: any) {
        return ctx.step('greet', async () => config.greeting + ' ' + input.name + ' from ' + loadedFrom);
      }
    `,
  });
  const esm = synthOneFunction({ entry: path.join(dir, 'src', 'orders.ts'), bundling: { format: OutputFormat.ESM, minify: false } });
  const esmWithSdk = synthOneFunction({ entry: path.join(dir, 'src', 'orders.ts'), bundling: { format: OutputFormat.ESM, bundleAwsSDK: true } });

  test('writes index.mjs, an ES module; the handler is still index.handler', () => {
    expect(esm.files()).toEqual(['index.mjs']);
    expect(/^export \{/m.test(esm.file('index.mjs'))).toBe(true);
    esm.template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler' });
  });

  test('import.meta and top-level await work, with the SDK provided or bundled, on the local service', async () => {
    const service = await LocalDurableService.start({ logger: silentLogger, handlerOutput: 'silent' });
    try {
      await service.registerFunction({ name: 'esm', bundle: path.join(esm.assetDir, 'index.mjs'), handler: 'handler' });
      await service.registerFunction({ name: 'esmsdk', bundle: path.join(esmWithSdk.assetDir, 'index.mjs'), handler: 'handler' });
      for (const name of ['esm', 'esmsdk']) {
        const run = await service.run(`${name}:live`, { name: 'Ada' });
        expect(run.error).toBeUndefined();
        expect(run.status).toBe('SUCCEEDED');
        expect(run.result).toBe('hello Ada from index.mjs');
      }
    } finally {
      await service.stop();
    }
  });
});

describe('esbuild options reach the bundle', () => {
  test('banner, footer, charset, define and target', () => {
    const entry = path.join(project({
      'src/orders.ts': `
        export async function handler(input: { name?: string }, ctx: any) {
          return ctx.step('greet', async () => 'grüße ' + (input.name ?? STAGE));
        }
      `,
    }), 'src', 'orders.ts');
    const built = synthOneFunction({
      entry,
      bundling: {
        minify: false, banner: '/* banner: licence */', footer: '/* footer: end */', charset: Charset.UTF8,
        define: { STAGE: '"prod"' }, target: 'es2019',
      },
    });
    const bundle = built.file('index.js');
    expect(bundle.startsWith('/* banner: licence */')).toBe(true);
    expect(bundle.trimEnd().endsWith('/* footer: end */')).toBe(true);
    expect(bundle.includes("'grüße '") || bundle.includes('"grüße "')).toBe(true);
    expect(bundle.includes('"prod"')).toBe(true);
    // es2019 has no `??`: esbuild lowered every use of it.
    expect(bundle.includes('??')).toBe(false);
  });

  test('loader, tsconfig paths, mainFields and inject', () => {
    const dir = project({
      'src/orders.ts': `
        import template from './greeting.txt';
        import logo from './logo.png';
        import { shout } from '@util/shout';
        import { flavour } from 'dual-package';
        export async function handler(input: { name: string }, ctx: any) {
          return ctx.step('greet', async () => shout(template.trim() + ' ' + input.name) + ' ' + flavour + ' ' + INJECTED + logo.length);
        }
      `,
      'src/greeting.txt': 'hello\n',
      'src/logo.png': 'PNG',
      'src/util/shout.ts': 'export const shout = (s: string) => s.toUpperCase();',
      'tsconfig.build.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@util/*': ['src/util/*'] } } }),
      'node_modules/dual-package/package.json': JSON.stringify({ name: 'dual-package', version: '1.0.0', main: 'main.js', module: 'module.mjs' }),
      'node_modules/dual-package/main.js': 'exports.flavour = "from-main";',
      'node_modules/dual-package/module.mjs': 'export const flavour = "from-module";',
      'inject.js': 'export const INJECTED = "injected";',
    });
    const built = synthOneFunction({
      entry: path.join(dir, 'src', 'orders.ts'),
      projectRoot: dir,
      bundling: {
        minify: false,
        loader: { '.txt': 'text', '.png': 'dataurl' },
        tsconfig: path.join(dir, 'tsconfig.build.json'),
        mainFields: ['module', 'main'],
        inject: [path.join(dir, 'inject.js')],
      },
    });
    const bundle = built.file('index.js');
    expect(bundle.includes('"hello\\n"')).toBe(true);
    expect(/"data:image\/png[;,]/.test(bundle)).toBe(true);
    expect(bundle.includes('// src/util/shout.ts')).toBe(true);
    expect(bundle.includes('"from-module"')).toBe(true);
    expect(bundle.includes('"from-main"')).toBe(false);
    expect(bundle.includes('"injected"')).toBe(true);
  });

  test('metafile writes index.meta.json next to the bundle', () => {
    const built = synthOneFunction({ entry: plainEntry(), bundling: { metafile: true } });
    expect(built.files()).toEqual(['index.js', 'index.meta.json']);
    const meta = JSON.parse(built.file('index.meta.json')) as { inputs: Record<string, unknown>; outputs: Record<string, unknown> };
    expect(Object.keys(meta.inputs).some((input) => input.endsWith('src/orders.ts'))).toBe(true);
    expect(Object.keys(meta.outputs)).toEqual(['.durable-function-bundle/index.js']);
  });

  test('sourceMapMode inline puts the map in the bundle; sourcesContent false leaves the sources out', () => {
    const built = synthOneFunction({ entry: plainEntry(), bundling: { sourceMap: true, sourceMapMode: SourceMapMode.INLINE, sourcesContent: false } });
    expect(built.files()).toEqual(['index.js']);
    const inline = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(built.file('index.js'));
    expect(inline).not.toBeNull();
    const map = JSON.parse(Buffer.from(inline![1], 'base64').toString('utf8')) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sources.some((source) => source.endsWith('src/orders.ts'))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
  });

  test('externalModules replaces the default', () => {
    const entry = path.join(project({
      'src/orders.ts': `import { marker } from 'left-out';\n${PLAIN_WORKFLOW}\nexport const used = marker;`,
    }), 'src', 'orders.ts');
    const built = synthOneFunction({ entry, bundling: { externalModules: ['left-out', '@aws-sdk/*'] } });
    expect(built.file('index.js').includes('require("left-out")')).toBe(true);
  });

  test('assetHash makes the asset hash independent of the bundle', () => {
    const dir = project({ 'src/orders.ts': PLAIN_WORKFLOW });
    const entry = path.join(dir, 'src', 'orders.ts');
    const s3Key = (built: SynthesizedFunction): string =>
      (Object.values(built.template.findResources('AWS::Lambda::Function'))[0] as { Properties: { Code: { S3Key: string } } }).Properties.Code.S3Key;
    const first = s3Key(synthOneFunction({ entry, bundling: { assetHash: 'release-42' } }));
    const unpinned = s3Key(synthOneFunction({ entry }));
    fs.appendFileSync(entry, '\nexport const changed = true;\n');
    expect(s3Key(synthOneFunction({ entry, bundling: { assetHash: 'release-42' } }))).toBe(first);
    expect(s3Key(synthOneFunction({ entry }))).not.toBe(unpinned);
    expect(first).not.toBe(unpinned);
  });
});

describe('the default bundle', () => {
  test('is no larger than NodejsFunction\'s default bundle of the same workflow on the official SDK', () => {
    const app = newApp({ bundle: true });
    const stack = newStack(app);
    new DurableFunction(stack, 'Ours', { entry: fixture('plain-workflow.ts') });
    new NodejsFunction(stack, 'Official', {
      entry: fixture('official-sdk-workflow.ts'),
      runtime: lambda.Runtime.NODEJS_24_X,
      projectRoot: path.resolve(__dirname, '..', '..'),
      depsLockFilePath: path.resolve(__dirname, '..', '..', 'package-lock.json'),
      bundling: { logLevel: LogLevel.ERROR },
    });
    const assembly = app.synth();
    const template = Template.fromStack(stack);
    const size = (id: string): number => {
      const dir = functionAssetDir(assembly.directory, template, logicalIdOf(template, 'AWS::Lambda::Function', id));
      return fs.readdirSync(dir).reduce((total, file) => total + fs.statSync(path.join(dir, file)).size, 0);
    };
    const ours = size('Ours');
    const official = size('Official');
    // Both leave @aws-sdk/* to the Lambda runtime; ours is minified, theirs is not by default.
    expect(ours).toBeGreaterThan(10_000);
    expect(ours).toBeLessThanOrEqual(official);
  });
});

describe('esbuild warnings become synth warnings', () => {
  const entry = (): string => path.join(project({
    'src/orders.ts': `
      export async function handler(input: unknown, ctx: any) {
        return ctx.step('where', async () => String(import.meta.url));
      }
    `,
  }), 'src', 'orders.ts');

  test('import.meta in a CommonJS bundle is reported on the function', () => {
    const built = synthOneFunction({ entry: entry() });
    built.annotations.hasWarning('/TestStack/Fn', Match.stringLikeRegexp('esbuild: .*src/orders.ts:\\d+:\\d+: "import.meta" is not available'));
  });

  test('logLevel ERROR keeps them out, as NodejsFunction would', () => {
    const built = synthOneFunction({ entry: entry(), bundling: { logLevel: LogLevel.ERROR } });
    built.annotations.hasNoWarning('/TestStack/Fn', Match.stringLikeRegexp('esbuild'));
  });
});

describe('commandHooks', () => {
  test('run in order around bundling, in the project root, with the asset directory as output', () => {
    const dir = project({ 'src/orders.ts': PLAIN_WORKFLOW, 'extra/config.json': '{"copied":true}' });
    const built = synthOneFunction({
      entry: path.join(dir, 'src', 'orders.ts'),
      bundling: {
        commandHooks: {
          beforeBundling: (inputDir, outputDir) => [`echo before > "${outputDir}/order.txt"`, `test "$(pwd)" = "${inputDir}"`],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => [`cp "${inputDir}/extra/config.json" "${outputDir}/"`, `test -f "${outputDir}/index.js" && echo after >> "${outputDir}/order.txt"`],
        },
      },
    });
    expect(built.files()).toEqual(['config.json', 'index.js', 'order.txt']);
    expect(built.file('order.txt')).toBe('before\nafter\n');
  });

  test('a failing command fails the synth with its output', () => {
    expect(() => synthOneFunction({
      entry: plainEntry(),
      bundling: {
        commandHooks: { beforeBundling: () => ['echo nope >&2', 'exit 3'], beforeInstall: () => [], afterBundling: () => [] },
      },
    })).toThrow(/bundling\.commandHooks command `echo nope >&2 && exit 3` failed \(exit 3\)[^]*nope/);
  });
});

describe('projectRoot and depsLockFilePath', () => {
  test('projectRoot makes bundle paths relative to it; giving it twice is an error', () => {
    const dir = project({ 'app/src/orders.ts': PLAIN_WORKFLOW });
    const built = synthOneFunction({ entry: path.join(dir, 'app', 'src', 'orders.ts'), projectRoot: dir, bundling: { minify: false } });
    expect(built.file('index.js').includes('// app/src/orders.ts')).toBe(true);
    expect(rejection({ entry: path.join(dir, 'app', 'src', 'orders.ts'), projectRoot: dir, bundling: { projectRoot: dir } }).prop)
      .toBe('projectRoot');
  });

  test('the project root defaults to the directory of depsLockFilePath', () => {
    const dir = project({ 'services/orders/src/orders.ts': PLAIN_WORKFLOW, 'services/orders/package.json': '{}', 'package-lock.json': '{}' });
    const built = synthOneFunction({
      entry: path.join(dir, 'services', 'orders', 'src', 'orders.ts'),
      depsLockFilePath: path.join(dir, 'package-lock.json'),
      bundling: { minify: false },
    });
    expect(built.file('index.js').includes('// services/orders/src/orders.ts')).toBe(true);
  });

  test('a depsLockFilePath that is not a lock file is named', () => {
    const dir = project({ 'src/orders.ts': PLAIN_WORKFLOW });
    const err = rejection({ entry: path.join(dir, 'src', 'orders.ts'), depsLockFilePath: path.join(dir, 'package.json') });
    expect(err.prop).toBe('depsLockFilePath');
    expect(err.message).toContain('must be an existing package-lock.json, yarn.lock, pnpm-lock.yaml, bun.lockb or bun.lock');
  });
});

describe('nodeModules', () => {
  /**
   * A project that depends on a package from a registry, installed, with its lock file; the
   * package's tarball sits in a private npm cache, so `npm ci` installs it offline.
   */
  function projectWithDependency(): { dir: string; cache: string } {
    const work = tempOutdir();
    const pkg = path.join(work, 'pkg');
    fs.mkdirSync(pkg);
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'durable-fixture-greeting', version: '1.2.3', main: 'index.js' }));
    fs.writeFileSync(path.join(pkg, 'index.js'), 'exports.greet = (name) => "hi " + name + " from " + __dirname.split("/").slice(-2).join("/");');
    execFileSync('npm', ['pack', '--pack-destination', work, '--loglevel=error'], { cwd: pkg, stdio: 'pipe' });
    const tarball = path.join(work, 'durable-fixture-greeting-1.2.3.tgz');
    const cache = path.join(work, 'npm-cache');
    execFileSync('npm', ['cache', 'add', tarball, '--cache', cache, '--loglevel=error'], { stdio: 'pipe' });
    const integrity = `sha512-${crypto.createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`;

    const dir = project({
      'src/orders.ts': `
        import { greet } from 'durable-fixture-greeting';
        export async function handler(input: { name: string }, ctx: any) {
          return ctx.step('greet', async () => greet(input.name));
        }
      `,
      'package-lock.json': JSON.stringify({
        name: 'user-project', version: '1.0.0', lockfileVersion: 3, requires: true,
        packages: {
          '': { name: 'user-project', version: '1.0.0', dependencies: { 'durable-fixture-greeting': '^1.2.0' } },
          'node_modules/durable-fixture-greeting': {
            version: '1.2.3',
            resolved: 'https://registry.npmjs.org/durable-fixture-greeting/-/durable-fixture-greeting-1.2.3.tgz',
            integrity,
          },
        },
      }),
    });
    fs.cpSync(pkg, path.join(dir, 'node_modules', 'durable-fixture-greeting'), { recursive: true });
    return { dir, cache };
  }

  test('are left out of the bundle and installed from the lock file into the asset', async () => {
    const { dir, cache } = projectWithDependency();
    const saved = { cache: process.env.npm_config_cache, offline: process.env.npm_config_offline };
    process.env.npm_config_cache = cache;
    process.env.npm_config_offline = 'true';
    let built: SynthesizedFunction;
    try {
      built = synthOneFunction({ entry: path.join(dir, 'src', 'orders.ts'), bundling: { nodeModules: ['durable-fixture-greeting'] } });
    } finally {
      restoreEnv('npm_config_cache', saved.cache);
      restoreEnv('npm_config_offline', saved.offline);
    }
    expect(built.files()).toEqual(['index.js', 'node_modules', 'package.json']);
    expect(built.file('index.js').includes('require("durable-fixture-greeting")')).toBe(true);
    expect(JSON.parse(built.file('package.json'))).toEqual({ dependencies: { 'durable-fixture-greeting': '1.2.3' } });
    expect(JSON.parse(built.file('node_modules/durable-fixture-greeting/package.json')).version).toBe('1.2.3');

    const service = await LocalDurableService.start({ logger: silentLogger, handlerOutput: 'silent' });
    try {
      await service.registerFunction({ name: 'greeter', bundle: path.join(built.assetDir, 'index.js'), handler: 'handler' });
      const run = await service.run('greeter:live', { name: 'Ada' });
      expect(run.status).toBe('SUCCEEDED');
      // Loaded from the asset's own node_modules, not the project's.
      expect(run.result).toBe('hi Ada from node_modules/durable-fixture-greeting');
    } finally {
      await service.stop();
    }
  });

  test('a module that is not installed is named with the fix', () => {
    const dir = project({ 'src/orders.ts': PLAIN_WORKFLOW, 'package-lock.json': '{"lockfileVersion":3,"packages":{}}' });
    expect(() => synthOneFunction({ entry: path.join(dir, 'src', 'orders.ts'), bundling: { nodeModules: ['not-installed-anywhere'] } }))
      .toThrow(/bundling\.nodeModules lists "not-installed-anywhere", which is not installed for .*npm install not-installed-anywhere/);
  });
});

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) {
    delete process.env[name];
  } else {
    process.env[name] = value;
  }
}
