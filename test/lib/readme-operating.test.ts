/**
 * The README's "Operating in production" examples compile as written, against this repository's
 * sources under the package's import names. (The packed-package test runs them against the
 * published tarball.)
 */
import * as path from 'node:path';
import * as ts from 'typescript';
import { REPO_ROOT, readmeSectionBlocks } from '../support/readme-sections';

const ROOT = REPO_ROOT;

/** Type errors of `files` (name → source, placed in the repository root), as readable lines. */
function typeErrors(files: Record<string, string>): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    baseUrl: ROOT,
    paths: {
      'cdk-durable-function': ['lib/index.ts'],
      'cdk-durable-function/local': ['local/index.ts'],
      'cdk-durable-function/runtime': ['runtime/index.ts'],
    },
  };
  const virtual = new Map(Object.entries(files).map(([name, text]) => [path.join(ROOT, name), text]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) =>
    virtual.has(name) ? ts.createSourceFile(name, virtual.get(name) as string, lang) : getSourceFile(name, lang, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => virtual.has(name) || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => virtual.get(name) ?? readFile(name);
  const program = ts.createProgram([...virtual.keys()], options, host);
  return ts.getPreEmitDiagnostics(program)
    .filter((d) => d.file === undefined || virtual.has(d.file.fileName))
    .map((d) => `${d.file ? path.basename(d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

test('the "Operating in production" examples type-check, and a broken one would not', () => {
  const blocks = readmeSectionBlocks('Operating in production');
  expect(blocks).toHaveLength(2);
  expect(blocks[0]).toContain('addAlarms');
  expect(blocks[0]).toContain('onExecutionStatusChange');
  expect(blocks[0]).toContain('dashboardWidgets');
  expect(blocks[1]).toContain('onExecutionStatusChange');
  // One program for both (loading aws-cdk-lib's types is the slow part): the broken file proves
  // that errors in these files are reported at all.
  const files: Record<string, string> = Object.fromEntries(blocks.map((code, i) => [`readme-operating-${i}.snippet.ts`, code]));
  files['readme-operating-broken.snippet.ts'] =
    "import { DurableFunction } from 'cdk-durable-function';\nDurableFunction.prototype.addAlarms({ failedThreshold: 3 });\n";
  const errors = typeErrors(files);
  expect(errors.filter((e) => !e.startsWith('readme-operating-broken'))).toEqual([]);
  expect(errors.join('\n')).toMatch(/readme-operating-broken.snippet.ts: .*failedThreshold/);
}, 300_000);
