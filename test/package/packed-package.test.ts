/**
 * The package as a user installs it: the tarball `npm pack` makes, installed into a fresh app outside
 * the repository, loads through every entry point and its command line starts.
 */
import { spawnSync } from 'node:child_process';
import { createPackedApp, type PackedApp } from '../support/packed-app';

jest.setTimeout(10 * 60_000);

let app: PackedApp;

beforeAll(() => {
  app = createPackedApp();
});

afterAll(() => app?.cleanup());

test('the tarball ships the build and the package manifest, and no tests', () => {
  const listing = spawnSync('tar', ['-tzf', app.tarball], { encoding: 'utf8' });
  expect(listing.status).toBe(0);
  const files = listing.stdout.split('\n').filter(Boolean);
  expect(files).toEqual(expect.arrayContaining(['package/package.json', 'package/README.md', 'package/dist/lib/index.js', 'package/dist/lib/index.d.ts']));
  expect(files.filter((file) => file.startsWith('package/test/'))).toEqual([]);
});

test('every entry point loads from the installed package', () => {
  const manifest = JSON.parse(app.read('node_modules/cdk-durable-function/package.json')) as { exports: Record<string, unknown> };
  const entryPoints = Object.keys(manifest.exports)
    .filter((key) => key !== './package.json')
    .map((key) => `cdk-durable-function${key.slice(1)}`);
  expect(entryPoints).toEqual(expect.arrayContaining(['cdk-durable-function', 'cdk-durable-function/runtime', 'cdk-durable-function/local']));
  const script = entryPoints.map((name) => `if (Object.keys(require(${JSON.stringify(name)})).length === 0) throw new Error('empty: ${name}');`).join('\n');
  app.runOk('node', ['-e', script]);
});

test('the command line prints its help through npx', () => {
  const result = app.runOk('npx', ['--no-install', 'cdk-durable', '--help']);
  expect(result.stdout).toMatch(/Usage: cdk-durable/);
});
