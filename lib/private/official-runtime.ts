import { DurableFunctionValidationError } from '../errors';

/** The package of AWS's own durable-execution runtime. */
export const OFFICIAL_RUNTIME_PACKAGE = '@aws/durable-execution-sdk-js';

/**
 * Whether the entry (or a file it imports relatively) imports AWS's durable-execution runtime,
 * from the package imports the synth-time look at the entry found.
 */
export function importsOfficialRuntime(packageImports: readonly string[]): boolean {
  return packageImports.some((imported) => imported === OFFICIAL_RUNTIME_PACKAGE || imported.startsWith(`${OFFICIAL_RUNTIME_PACKAGE}/`));
}

/**
 * Checks that the `durableRuntime` choice matches the entry: a handler made with AWS's runtime
 * wrapped again by this one fails every execution ("Unexpected payload provided to start the
 * durable execution"), and a plain workflow deployed unwrapped is not durable at all.
 */
export function assertRuntimeChoice(where: string, entryDisplay: string, importsOfficial: boolean, official: boolean): void {
  if (importsOfficial && !official) {
    throw new DurableFunctionValidationError('durableRuntime',
      `${where}: entry ${entryDisplay} imports ${OFFICIAL_RUNTIME_PACKAGE}. A handler already made with its withDurableExecution `
      + 'would be wrapped a second time by this package\'s runtime, and every execution would fail with "Unexpected payload provided '
      + 'to start the durable execution". Choose one: deploy your handler as it is with durableRuntime: '
      + 'DurableRuntime.AWS_DURABLE_EXECUTION_SDK (the construct\'s IAM, alias, versions and durable settings still apply), or '
      + `export a plain workflow function (input, ctx) => result written against cdk-durable-function/runtime and drop ${OFFICIAL_RUNTIME_PACKAGE}.`);
  }
  if (official && !importsOfficial) {
    throw new DurableFunctionValidationError('durableRuntime',
      `${where}: durableRuntime is DurableRuntime.AWS_DURABLE_EXECUTION_SDK, but entry ${entryDisplay} does not import `
      + `${OFFICIAL_RUNTIME_PACKAGE}, so its handler cannot be a durable handler and would be deployed unwrapped. Wrap the handler `
      + `with withDurableExecution from ${OFFICIAL_RUNTIME_PACKAGE}, or remove durableRuntime to have this package's runtime wrap it.`);
  }
}
