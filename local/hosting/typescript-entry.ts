/**
 * Hosting a TypeScript entry directly: the entry is bundled with esbuild into a CommonJS file,
 * the same shape the CDK construct deploys, and that file is hosted like any bundle.
 */
import * as path from 'node:path';
import { build } from 'esbuild';
import { FunctionRegistrationError } from './hosted-function';

/** File extensions bundled before hosting. */
const SOURCE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

/**
 * True when `file` is a source entry that must be bundled first.
 *
 * @example
 * needsBundling('src/orders.ts'); // true
 * needsBundling('dist/index.js'); // false
 */
export function needsBundling(file: string): boolean {
  return SOURCE_EXTENSIONS.has(path.extname(file).toLowerCase());
}

/**
 * Bundles `entry` into `<outDir>/index.js` (CommonJS, Node 20 syntax, AWS SDK left external as
 * Lambda's Node runtime provides it) and returns that file's path.
 *
 * @throws FunctionRegistrationError with esbuild's messages when the entry does not build.
 * @example
 * const bundle = await bundleTypeScriptEntry('src/orders.ts', fs.mkdtempSync(os.tmpdir() + '/orders-'));
 */
export async function bundleTypeScriptEntry(entry: string, outDir: string): Promise<string> {
  const outfile = path.join(outDir, 'index.js');
  try {
    await build({
      entryPoints: [path.resolve(entry)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['@aws-sdk/*'],
      sourcemap: 'inline',
      logLevel: 'silent',
    });
  } catch (error) {
    const failure = error as { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> };
    const details = (failure.errors ?? [])
      .map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text))
      .join('\n  ');
    throw new FunctionRegistrationError(
      `Could not bundle ${entry} with esbuild:\n  ${details || (error as Error).message}`,
    );
  }
  return outfile;
}
