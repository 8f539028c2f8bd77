/**
 * Every TypeScript block of README.md and lib/README.md compiles against the packed package, in a
 * fresh app outside the repository, under the classic tsconfig `cdk init` writes and under NodeNext:
 * a README example a user cannot compile as written is a bug. Blocks marked as fragments are left
 * out; markers are explained in readme-blocks.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createPackedApp, type PackedApp } from '../support/packed-app';
import { extractTypeScriptBlocks, renderModule, type ReadmeBlock } from './readme-blocks';

jest.setTimeout(15 * 60_000);

const repoRoot = path.resolve(__dirname, '..', '..');
const READMES = ['README.md', 'lib/README.md'];

const blocks: ReadmeBlock[] = READMES.flatMap((file) =>
  extractTypeScriptBlocks(fs.readFileSync(path.join(repoRoot, file), 'utf8'), file));

describe('the extractor', () => {
  const markdown = [
    'Intro', '', '```ts', 'const a = 1;', '```', '',
    '<!-- readme-check: fragment -->', '```ts', 'partial(', '```',
    '<!-- readme-check: in-stack -->', "<!-- readme-check: prelude: import * as iam from 'aws-cdk-lib/aws-iam'; declare const role: iam.IRole; -->",
    '```typescript', "import { DurableFunction } from 'cdk-durable-function';", "new DurableFunction(this, 'F', { entry: 'a.ts', role });", '```',
    '- a list', '  ```ts', '  await run();', '  ```', '```sh', 'npm test', '```',
  ].join('\n');
  const found = extractTypeScriptBlocks(markdown, 'DOC.md');

  test('finds ts and typescript blocks, also indented ones, and not other languages', () => {
    expect(found.map((b) => [b.line, b.code])).toEqual([
      [4, 'const a = 1;'], [9, 'partial('], [14, "import { DurableFunction } from 'cdk-durable-function';\nnew DurableFunction(this, 'F', { entry: 'a.ts', role });"],
      [19, 'await run();'],
    ]);
  });

  test('honours the markers: fragments, wrapping in a stack, preludes with hoisted imports', () => {
    expect(found.map((b) => b.fragment)).toEqual([false, true, false, false]);
    const module = renderModule(found[2]);
    expect(module.indexOf("import * as iam from 'aws-cdk-lib/aws-iam';")).toBeLessThan(module.indexOf('declare const role'));
    expect(module.indexOf("import { DurableFunction } from 'cdk-durable-function';")).toBeLessThan(module.indexOf('export class'));
    expect(module).toContain("super(scope, id);\nnew DurableFunction(this, 'F', { entry: 'a.ts', role });");
  });

  test('rejects a marker it does not know', () => {
    expect(() => extractTypeScriptBlocks('<!-- readme-check: fragmnet -->\n```ts\nx\n```', 'X.md'))
      .toThrow('X.md:3: unknown readme-check marker "fragmnet"');
  });
});

describe.each(['classic', 'nodenext'] as const)('the README blocks compile against the packed package (%s tsconfig)', (tsconfig) => {
  let app: PackedApp;
  beforeAll(() => {
    // The README shows cdk-nag's suppression of the one finding the construct leaves.
    const own = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    app = createPackedApp({ tsconfig, dependencies: { 'cdk-nag': own.devDependencies['cdk-nag'] } });
  });
  afterAll(() => app?.cleanup());

  test('every block that is not a fragment type-checks', () => {
    const checked = blocks.filter((block) => !block.fragment);
    // The READMEs are the package's front door: most of their blocks are whole files or bodies.
    expect(checked.length).toBeGreaterThanOrEqual(8);
    for (const block of checked) {
      app.write(path.join('readme-check', `${block.id}.ts`), renderModule(block));
    }
    app.write('tsconfig.readme.json', JSON.stringify({
      extends: './tsconfig.json',
      compilerOptions: { noEmit: true },
      include: ['readme-check/**/*.ts'],
    }));
    const result = app.run('npx', ['tsc', '-p', 'tsconfig.readme.json', '--pretty', 'false']);
    // Each error names the README file and line of its block (the first line of each module says it).
    const errors = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.includes('error TS')).map((line) => {
      const id = /readme-check\/([^.]+)\.ts/.exec(line)?.[1];
      const block = checked.find((b) => b.id === id);
      return block ? `${block.source}:${block.line} (block) → ${line}` : line;
    });
    expect(errors).toEqual([]);
    expect(result.status).toBe(0);
  });
});
