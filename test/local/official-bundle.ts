/**
 * Bundles a workflow written with the official AWS runtime (`@aws/durable-execution-sdk-js`) the
 * way a Lambda deployment of it would be: CommonJS, the AWS SDK left external (the runtime loads it
 * with import(), which the local host resolves through its NODE_PATH fallback).
 *
 * @example
 * const { bundle, outDir } = await bundleOfficialWorkflow(ENTRY, 'official-sdk-');
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';

/** The bundle's path and the temporary folder holding it (remove it when done). */
export interface OfficialBundle {
  readonly bundle: string;
  readonly outDir: string;
}

export async function bundleOfficialWorkflow(entry: string, tempPrefix: string): Promise<OfficialBundle> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), tempPrefix));
  const bundle = path.join(outDir, 'index.js');
  await build({
    entryPoints: [entry],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['@aws-sdk/*'],
    logLevel: 'silent',
  });
  return { bundle, outDir };
}
