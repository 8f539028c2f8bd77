import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { DurableFunctionValidationError } from '../errors';

/**
 * Resolves the `entry` prop to an absolute path and checks that it is a file esbuild can load.
 */
export function resolveEntry(where: string, entry: string): string {
  const absolute = path.resolve(entry);
  if (!fs.existsSync(absolute)) {
    throw new DurableFunctionValidationError('entry',
      `${where}: entry file ${JSON.stringify(entry)} does not exist (resolved to ${absolute}). `
      + 'A relative entry is resolved against the directory cdk runs in; pass an absolute path '
      + '(e.g. path.join(__dirname, \'../src/orders.ts\')) to be independent of it.');
  }
  if (!fs.statSync(absolute).isFile()) {
    throw new DurableFunctionValidationError('entry',
      `${where}: entry ${JSON.stringify(entry)} is not a file (resolved to ${absolute}). Point it at the TypeScript or JavaScript file that exports the workflow.`);
  }
  if (!/\.(?:[cm]?[jt]s|[jt]sx)$/.test(absolute)) {
    throw new DurableFunctionValidationError('entry',
      `${where}: entry ${JSON.stringify(entry)} must be a JavaScript or TypeScript file (.ts, .mts, .cts, .tsx, .js, .mjs, .cjs, .jsx).`);
  }
  return absolute;
}

/** What a static look at the entry tells about its exports, and the packages it imports. */
export type EntryExports = (
  /** The entry is an ES module whose export names are all known. */
  | { readonly kind: 'known'; readonly names: readonly string[] }
  /** The exports cannot be known without running the module (CommonJS, `export *` from a package). */
  | { readonly kind: 'unknown'; readonly names: readonly string[] }
) & {
  /** Every package specifier the entry or its relative imports import (`@aws/x`, `@aws/x/sub`). */
  readonly packageImports: readonly string[];
};

/** The bundling options that change how the entry itself compiles. */
export interface EntryCompileOptions {
  readonly loader?: Readonly<Record<string, string>>;
  readonly tsconfig?: string;
}

/**
 * Lists the entry's exports and package imports with one esbuild pass over the entry and its
 * relative imports (packages stay external, so this is fast), read from the metafile.
 */
export function findEntryExports(where: string, entryPath: string, absWorkingDir: string, compile: EntryCompileOptions = {}): EntryExports {
  let result: esbuild.BuildResult<{ write: false; metafile: true }>;
  try {
    result = esbuild.buildSync({
      entryPoints: [entryPath],
      absWorkingDir,
      bundle: true,
      packages: 'external',
      format: 'esm',
      platform: 'node',
      write: false,
      metafile: true,
      logLevel: 'silent',
      outfile: path.join(absWorkingDir, '.durable-function-entry-check', 'entry.js'),
      loader: compile.loader ? { ...compile.loader } as Record<string, esbuild.Loader> : undefined,
      tsconfig: compile.tsconfig,
    });
  } catch (err) {
    throw new DurableFunctionValidationError('entry',
      `${where}: entry ${path.relative(absWorkingDir, entryPath) || entryPath} does not compile: ${formatBuildFailure(err)}`);
  }
  const [output] = Object.values(result.metafile.outputs);
  const names = output?.exports ?? [];
  const packageImports = [...new Set(Object.values(result.metafile.inputs)
    .flatMap((input) => input.imports.filter((imported) => imported.external === true).map((imported) => imported.path)))];
  const entryInput = output?.entryPoint !== undefined ? result.metafile.inputs[output.entryPoint] : undefined;
  if (entryInput?.format === 'cjs') {
    return { kind: 'unknown', names, packageImports };
  }
  // Re-exports from packages stay external in this pass, so their names are not in `exports`.
  const text = result.outputFiles[0]?.text ?? '';
  if (/^export \* from /m.test(text)) {
    return { kind: 'unknown', names, packageImports };
  }
  return { kind: 'known', names, packageImports };
}

/**
 * Fails with a clear error when the entry is known not to export `exportName`. Entries whose
 * exports cannot be known statically are checked when the bundle loads instead.
 *
 * @returns what the look at the entry found, for the other synth-time checks.
 */
export function assertEntryExports(where: string, entryPath: string, exportName: string, absWorkingDir: string,
  compile: EntryCompileOptions = {}): EntryExports {
  const found = findEntryExports(where, entryPath, absWorkingDir, compile);
  if (found.kind === 'unknown' || found.names.includes(exportName)) {
    return found;
  }
  const display = path.relative(absWorkingDir, entryPath) || entryPath;
  const listed = found.names.length > 0 ? found.names.join(', ') : 'none';
  throw new DurableFunctionValidationError('handler',
    `${where}: entry ${display} does not export ${JSON.stringify(exportName)} (its exports: ${listed}). `
    + 'Export the workflow function under that name, or set the handler prop to the name it is exported as.');
}

/** esbuild throws an Error carrying `errors: Message[]`; render them as `file:line:col: text`. */
export function formatBuildFailure(err: unknown): string {
  const errors = (err as { errors?: esbuild.Message[] }).errors;
  if (Array.isArray(errors) && errors.length > 0) {
    return errors.map((m) => {
      const loc = m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : '';
      return `${loc}${m.text}`;
    }).join('; ');
  }
  return err instanceof Error ? err.message : String(err);
}
