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
  /**
   * Check when the bundle loads that `@aws-sdk/client-lambda` has the durable-execution commands:
   * set when the client is left external, i.e. provided by the Lambda runtime.
   */
  readonly checkProvidedSdk?: boolean;
}

/** The commands the runtime checkpoints through. */
const DURABLE_COMMANDS = ['CheckpointDurableExecutionCommand', 'GetDurableExecutionStateCommand'];

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
  const sdkCheck = options.checkProvidedSdk !== true ? [] : [
    'import * as providedLambdaSdk from "@aws-sdk/client-lambda";',
    `const missingCommands = ${JSON.stringify(DURABLE_COMMANDS)}.filter((name) => typeof providedLambdaSdk[name] !== "function");`,
    'if (missingCommands.length > 0) {',
    `  throw new Error(${JSON.stringify('The @aws-sdk/client-lambda this function loads (the one the Lambda runtime provides, since the bundle leaves @aws-sdk/* external) has no ')}`,
    `    + missingCommands.join(" or ") + ${JSON.stringify(': it predates durable functions. Bundle the SDK instead: set bundling: { bundleAwsSDK: true } on the DurableFunction (or take @aws-sdk/client-lambda out of bundling.externalModules).')});`,
    '}',
    '',
  ];
  if (options.wrapWithRuntime === false) {
    return [
      ...sdkCheck,
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
    ...sdkCheck,
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
