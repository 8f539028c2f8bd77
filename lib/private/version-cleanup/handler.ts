/**
 * The scheduled version cleanup Lambda function (bundled at synth by `VersionCleanup`). It deletes
 * the durable function's old versions that no alias uses, that are not among the `KEEP` newest
 * older ones, and that have no execution in flight: an execution runs on the version that started
 * it until it ends, so its version must outlive it.
 */
import {
  DeleteFunctionCommand,
  LambdaClient,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  type ListAliasesCommandOutput,
  type ListVersionsByFunctionCommandOutput,
} from '@aws-sdk/client-lambda';
import { findVersionsInFlight, planVersionCleanup, type VersionCleanupPlan } from './plan';

/** The function the cleanup looks after, and how many older versions it keeps. */
export interface VersionCleanupEnvironment {
  readonly functionName: string;
  readonly keep: number;
}

/** Reads `FUNCTION_NAME` and `KEEP` from the environment the construct sets. */
export function readEnvironment(env: NodeJS.ProcessEnv): VersionCleanupEnvironment {
  const functionName = env.FUNCTION_NAME;
  const keep = Number(env.KEEP);
  if (functionName === undefined || functionName === '' || !Number.isInteger(keep) || keep < 0) {
    throw new Error(`The version cleanup needs FUNCTION_NAME and a whole KEEP >= 0 in its environment, got ${JSON.stringify({ FUNCTION_NAME: functionName, KEEP: env.KEEP })}.`);
  }
  return { functionName, keep };
}

/**
 * One cleanup pass: lists versions and aliases, plans, and deletes. Returns the plan it carried out.
 */
export async function cleanUpVersions(client: LambdaClient, { functionName, keep }: VersionCleanupEnvironment): Promise<VersionCleanupPlan> {
  const versions: string[] = [];
  let marker: string | undefined;
  do {
    const page: ListVersionsByFunctionCommandOutput = await client.send(new ListVersionsByFunctionCommand({ FunctionName: functionName, Marker: marker }));
    versions.push(...(page.Versions ?? []).map((v) => v.Version ?? '').filter((v) => /^[0-9]+$/.test(v)));
    marker = page.NextMarker;
  } while (marker !== undefined);
  const aliasVersions: string[] = [];
  marker = undefined;
  do {
    const page: ListAliasesCommandOutput = await client.send(new ListAliasesCommand({ FunctionName: functionName, Marker: marker }));
    for (const alias of page.Aliases ?? []) {
      aliasVersions.push(alias.FunctionVersion ?? '', ...Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {}));
    }
    marker = page.NextMarker;
  } while (marker !== undefined);
  const inventory = { versions, aliasVersions, keep };
  const candidates = planVersionCleanup(inventory, new Set()).remove;
  const plan = planVersionCleanup(inventory, await findVersionsInFlight(client, functionName, candidates));
  for (const version of plan.remove) {
    await client.send(new DeleteFunctionCommand({ FunctionName: functionName, Qualifier: version }));
  }
  return plan;
}

/** The Lambda entry point. */
export async function handler(): Promise<VersionCleanupPlan> {
  const plan = await cleanUpVersions(new LambdaClient({}), readEnvironment(process.env));
  console.log(JSON.stringify({ deleted: plan.remove, kept: plan.keep }));
  return plan;
}
