/**
 * The module esbuild bundles as the Lambda entry point. It imports the user's workflow module and
 * exports `handler`: the user's export as is when it already is a durable handler (made with
 * `withDurableExecution`), otherwise that export wrapped with `withDurableExecution`. The choice
 * is made when the bundle loads, with the runtime's own `isDurableHandler`, so it holds whatever
 * way the user's module builds its export.
 */
import * as path from 'node:path';

/** What the generated entry imports and re-exports. */
export interface GeneratedEntryOptions {
  /** Import specifier of the user's entry file, relative to the bundling working directory. */
  readonly entrySpecifier: string;
  /** Import specifier of the runtime's entry module, relative to the bundling working directory. */
  readonly runtimeSpecifier: string;
  /** The export of the entry that holds the workflow. */
  readonly exportName: string;
  /**
   * How the entry is named in error messages. Must not be machine-specific (it ends up in the
   * bundle, whose hash must not depend on where the project is checked out).
   */
  readonly entryDisplayName: string;
  /**
   * Whether to wrap a plain workflow export with this package's runtime (default true). False
   * exports the user's handler as it is (a handler made with AWS's own runtime); the runtime is
   * then not imported at all.
   */
  readonly wrapWithRuntime?: boolean;
}

/** The export name of the generated entry; the Lambda handler is `index.<this>`. */
export const BUNDLE_HANDLER_EXPORT = 'handler';

/**
 * A relative import specifier (`./src/orders.ts`, `../runtime/index.ts`) for `file`, as seen
 * from a module in `fromDir`.
 */
export function relativeSpecifier(fromDir: string, file: string): string {
  const relative = path.relative(fromDir, file).split(path.sep).join('/');
  if (path.isAbsolute(relative)) {
    return relative; // another drive on Windows: no relative form exists
  }
  return relative.startsWith('../') ? relative : `./${relative}`;
}

/**
 * Renders the generated entry module (ES module syntax; esbuild turns the bundle into CommonJS).
 * The import specifiers are relative, never absolute: the module's text is embedded in source maps,
 * and the bundle must not depend on where the project is checked out.
 */
export function renderGeneratedEntry(options: GeneratedEntryOptions): string {
  const exportName = JSON.stringify(options.exportName);
  const missing = JSON.stringify(
    `${options.entryDisplayName} does not export a function named ${JSON.stringify(options.exportName)}. `
    + 'Export the workflow as a function `(input, ctx) => result` (or a handler made with withDurableExecution) '
    + 'under that name, or set the DurableFunction `handler` prop to the name it is exported as. Exports found: ');
  if (options.wrapWithRuntime === false) {
    return [
      `import * as workflowModule from ${JSON.stringify(options.entrySpecifier)};`,
      '',
      `const exported = workflowModule[${exportName}];`,
      'if (typeof exported !== "function") {',
      `  throw new TypeError(${missing} + (Object.keys(workflowModule).join(", ") || "none") + ".");`,
      '}',
      '',
      `export const ${BUNDLE_HANDLER_EXPORT} = exported;`,
      '',
    ].join('\n');
  }
  return [
    `import * as workflowModule from ${JSON.stringify(options.entrySpecifier)};`,
    `import { isDurableHandler, withDurableExecution } from ${JSON.stringify(options.runtimeSpecifier)};`,
    '',
    `const exported = workflowModule[${exportName}];`,
    'if (typeof exported !== "function") {',
    `  throw new TypeError(${missing} + (Object.keys(workflowModule).join(", ") || "none") + ".");`,
    '}',
    '',
    `export const ${BUNDLE_HANDLER_EXPORT} = isDurableHandler(exported) ? exported : withDurableExecution(exported);`,
    '',
  ].join('\n');
}
