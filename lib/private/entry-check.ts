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
  /** The entry compiled on its own (packages external), for static checks of its exports. */
  readonly text?: string;
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
    return { kind: 'unknown', names, packageImports, text };
  }
  return { kind: 'known', names, packageImports, text };
}

/**
 * What an export is bound to, read from the text of the esbuild pass above, never by running the
 * module (user code may reach out to the network or AWS at load, which synth must not do). esbuild
 * prints every module-level binding as `var name = <initializer>;` and the exports as one
 * `export { local as name }` list, so the initializer of an export is found by name. Only an
 * initializer that is a literal value (a number, string, boolean, null, object or array literal)
 * is known not to be a function; anything else (a function, a call such as
 * `withDurableExecution(...)`, an import) may be one and is left to the load-time check.
 *
 * @example describeNonFunctionExport('var handler = 42;\nexport {\n  handler\n};', 'handler') // 'the number 42'
 */
export function describeNonFunctionExport(text: string, exportName: string): string | undefined {
  const list = /^export \{([^}]*)\};?\s*$/m.exec(text);
  if (!list) return undefined;
  let local: string | undefined;
  for (const item of list[1].split(',')) {
    const match = /^\s*([\w$]+)(?:\s+as\s+([\w$]+|"[^"]*"))?\s*$/.exec(item);
    if (!match) continue;
    const exported = match[2] === undefined ? match[1] : match[2].replace(/^"|"$/g, '');
    if (exported === exportName) local = match[1];
  }
  if (local === undefined) return undefined;
  const declaration = new RegExp(`^(?:var|let|const) ${local.replace(/\$/g, '\\$')} = ([^\n]*)$`, 'm').exec(text);
  if (!declaration) return undefined;
  const escaped = local.replace(/\$/g, '\\$');
  // A binding assigned again later (`let handler = 0; handler = make();`) may end up a function.
  if (new RegExp(`(?<![\\w$.])${escaped}\\s*(?:[-+*/|&]?=)(?!=)`, 'g').exec(text.slice(declaration.index + declaration[0].length)) !== null) {
    return undefined;
  }
  const init = declaration[1].replace(/;\s*$/, '').trim();
  const short = init.length > 40 ? `${init.slice(0, 40)}…` : init;
  if (/^-?(?:\d|\.\d|Infinity\b|NaN\b)/.test(init) || /^\d+n$/.test(init)) return `the number ${short}`;
  if (/^["'`]/.test(init)) return `the string ${short}`;
  if (/^(?:true|false)$/.test(init)) return `the boolean ${init}`;
  if (/^(?:null|void 0|undefined)$/.test(init)) return init === 'null' ? 'null' : 'undefined';
  if (init.startsWith('[')) return 'an array';
  if (init.startsWith('{')) return 'an object literal';
  return undefined;
}

/**
 * Fails with a clear error when the entry is known not to export `exportName`, or exports it as a
 * literal value rather than a function (see {@link describeNonFunctionExport}). Entries whose
 * exports cannot be known statically are checked when the bundle loads instead.
 *
 * @returns what the look at the entry found, for the other synth-time checks.
 */
export function assertEntryExports(where: string, entryPath: string, exportName: string, absWorkingDir: string,
  compile: EntryCompileOptions = {}): EntryExports {
  const found = findEntryExports(where, entryPath, absWorkingDir, compile);
  const display = path.relative(absWorkingDir, entryPath) || entryPath;
  if (found.names.includes(exportName)) {
    const value = found.text === undefined ? undefined : describeNonFunctionExport(found.text, exportName);
    if (value !== undefined) {
      throw new DurableFunctionValidationError('handler',
        `${where}: entry ${display} exports ${JSON.stringify(exportName)} as ${value}, not a function, so every invocation would fail. `
        + 'Export the workflow function `async (input, ctx) => result` (or a handler made with withDurableExecution) under that name.');
    }
    return found;
  }
  if (found.kind === 'unknown') {
    return found;
  }
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
