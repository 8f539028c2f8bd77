/**
 * The construct as an installed package runs it: compiled JavaScript under `dist/` (the package
 * ships no TypeScript sources; test/package checks the real tarball). The compiled construct must
 * bundle the compiled runtime (`dist/runtime/*.js`), and user code importing
 * `cdk-durable-function/runtime` must get that same copy.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { resolveRuntimeEntry } from '../../lib/private/runtime-entry';
import { fixture, removeOutdirs, tempOutdir } from './support';

afterAll(removeOutdirs);

const repoRoot = path.resolve(__dirname, '..', '..');

/** Every `.ts` source (not `.d.ts`) under `dir`. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => path.join(dir, file));
}

describe('resolveRuntimeEntry', () => {
  test('from the TypeScript sources it is runtime/index.ts of this checkout', () => {
    expect(resolveRuntimeEntry()).toBe(path.join(repoRoot, 'runtime', 'index.ts'));
  });

  test('compiled, it prefers dist/runtime/index.js even when sources sit next to it', () => {
    const pkg = tempOutdir();
    fs.mkdirSync(path.join(pkg, 'dist', 'lib', 'private'), { recursive: true });
    fs.mkdirSync(path.join(pkg, 'dist', 'runtime'), { recursive: true });
    fs.writeFileSync(path.join(pkg, 'dist', 'runtime', 'index.js'), '');
    fs.writeFileSync(path.join(pkg, 'dist', 'runtime', 'index.ts'), '');
    expect(resolveRuntimeEntry(path.join(pkg, 'dist', 'lib', 'private'), '.js')).toBe(path.join(pkg, 'dist', 'runtime', 'index.js'));
    expect(resolveRuntimeEntry(path.join(pkg, 'dist', 'lib', 'private'), '.ts')).toBe(path.join(pkg, 'dist', 'runtime', 'index.ts'));
  });

  test('an incomplete package is reported with the paths it looked at', () => {
    const pkg = tempOutdir();
    expect(() => resolveRuntimeEntry(path.join(pkg, 'dist', 'lib', 'private'), '.js'))
      .toThrow(`looked for ${path.join(pkg, 'dist', 'runtime', 'index.js')} and ${path.join(pkg, 'dist', 'runtime', 'index.ts')}`);
  });
});

test('the compiled construct bundles the compiled runtime, once, also for user imports of it', () => {
  // The package layout: dist/lib and dist/runtime compiled to CommonJS, dependencies reachable.
  const pkg = tempOutdir();
  esbuild.buildSync({
    entryPoints: [...sources(path.join(repoRoot, 'lib')), ...sources(path.join(repoRoot, 'runtime'))],
    outbase: repoRoot,
    outdir: path.join(pkg, 'dist'),
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
  });
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');

  const assembly = path.join(pkg, 'cdk.out');
  const script = `
    const cdk = require('aws-cdk-lib');
    const { DurableFunction } = require(${JSON.stringify(path.join(pkg, 'dist', 'lib'))});
    const app = new cdk.App({ outdir: ${JSON.stringify(assembly)} });
    const stack = new cdk.Stack(app, 'Compiled');
    new DurableFunction(stack, 'Wrapped', { entry: ${JSON.stringify(fixture('wrapped-workflow.ts'))}, bundling: { minify: false } });
    const template = app.synth().getStackByName('Compiled').template;
    const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function');
    process.stdout.write(fn.Properties.Code.S3Key.replace('.zip', ''));
  `;
  const hash = execFileSync(process.execPath, ['-e', script], { cwd: pkg, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const bundle = fs.readFileSync(path.join(assembly, `asset.${hash}`, 'index.js'), 'utf8');

  const runtimeModules = new Set(bundle.match(/^\/\/ .*runtime\/handler\.[jt]s$/gm));
  expect(runtimeModules.size).toBe(1);
  expect([...runtimeModules][0].endsWith('/dist/runtime/handler.js')).toBe(true);
  // One definition of the runtime's API (esbuild may rename it, but a second copy is a second definition).
  expect(bundle.match(/\bfunction withDurableExecution\d*\(/g)).toHaveLength(1);
  expect(bundle.match(/\bfunction isDurableHandler\d*\(/g)).toHaveLength(1);
});
