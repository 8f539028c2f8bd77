import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Locates the embedded runtime's entry module, relative to this file, so the bundle always uses
 * the runtime copy that ships with this very package:
 *
 * - from TypeScript sources (ts-node, ts-jest) this file is `<pkg>/lib/private/runtime-entry.ts`
 *   and the runtime is `<pkg>/runtime/index.ts`;
 * - installed as compiled JavaScript this file is `<pkg>/dist/lib/private/runtime-entry.js` and
 *   the runtime is `<pkg>/dist/runtime/index.js`.
 *
 * The file with our own extension wins, so a compiled install never picks up the TypeScript
 * sources it also ships (and vice versa).
 */
export function resolveRuntimeEntry(fromDir: string = __dirname, ownExtension: string = path.extname(__filename)): string {
  const runtimeDir = path.resolve(fromDir, '..', '..', 'runtime');
  const preferred = ownExtension === '.ts' ? ['index.ts', 'index.js'] : ['index.js', 'index.ts'];
  for (const file of preferred) {
    const candidate = path.join(runtimeDir, file);
    if (fs.existsSync(candidate)) {
      return candidate;
    }
  }
  throw new Error(
    `The durable-execution runtime was not found: looked for ${preferred.map((f) => path.join(runtimeDir, f)).join(' and ')}. `
    + 'The cdk-durable-function package is incomplete; reinstall it (or build it with `npm run build` when working from a checkout).');
}

/** The specifier user workflow code imports the runtime through. */
export const RUNTIME_IMPORT_SPECIFIER = 'cdk-durable-function/runtime';
