/**
 * The README's "Test your workflow" recipe and the testing reference's example, run as a user
 * would: copied from the README into a fresh app with the packed package, type-checked with the
 * app's tsconfig, and run with jest in process and in the local mode.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createPackedApp, type PackedApp } from '../support/packed-app';
import { readmeBlocks } from '../support/readme-blocks';

jest.setTimeout(15 * 60_000);

const QUIET = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
let app: PackedApp;

beforeAll(() => {
  const own = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  // NodeNext resolution reads the package's exports map; the classic tsconfig needs the package's
  // typesVersions for subpath entries.
  app = createPackedApp({
    tsconfig: 'nodenext',
    devDependencies: { jest: own.devDependencies.jest, 'ts-jest': own.devDependencies['ts-jest'], '@types/jest': own.devDependencies['@types/jest'] },
  });
  const files = [...readmeBlocks('## Test your workflow'), ...readmeBlocks('## The testing entry point (`cdk-durable-function/testing`)')].filter(
    (block) => block.file !== undefined,
  );
  expect(files.map((block) => block.file)).toEqual(['src/orders.ts', 'src/payments.ts', 'test/orders.test.ts', 'test/cool-off.test.ts']);
  for (const block of files) app.write(block.file as string, block.code);
  // As the recipe says: a tsconfig that lists `types` needs jest's.
  const tsconfig = JSON.parse(app.read('tsconfig.json')) as { compilerOptions: { types?: string[] } };
  tsconfig.compilerOptions.types = [...(tsconfig.compilerOptions.types ?? []), 'jest'];
  app.write('tsconfig.json', JSON.stringify(tsconfig, null, 2));
  // The jest configuration the recipe gives, verbatim.
  const config = /a `jest\.config\.js` with\n`(module\.exports = [^`]+)`/.exec(fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8'))?.[1];
  expect(config).toBeDefined();
  app.write('jest.config.js', `${config}\n`);
});

afterAll(() => app?.cleanup());

test('the recipe type-checks (NodeNext resolution)', () => {
  app.runOk('npx', ['--no-install', 'tsc', '--noEmit', '-p', '.']);
});

test('the recipe passes in process (jest.mock applies)', () => {
  const result = app.run('npx', ['--no-install', 'jest', '--ci'], { env: QUIET });
  expect(result.stderr + result.stdout).toMatch(/Tests:\s+3 passed, 3 total/);
  expect(result.status).toBe(0);
});

test('the same test file passes in the local mode, on the synthesized bundle', () => {
  const result = app.run('npx', ['--no-install', 'jest', '--ci', 'test/orders.test.ts'], { env: { ...QUIET, DURABLE_TEST_MODE: 'local' } });
  expect(result.stderr + result.stdout).toMatch(/Tests:\s+2 passed, 2 total/);
  expect(result.status).toBe(0);
});
