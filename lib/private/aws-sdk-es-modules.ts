/**
 * Bundling the AWS SDK from its ES module builds. Each package of the SDK ships a CommonJS build
 * (`main`: `dist-cjs/index.js`, one file holding every command, schema and error class of the
 * package) and an ES module build (`module`: `dist-es/`, one module per command). esbuild's
 * defaults for Node pick `main`, so a bundled `@aws-sdk/client-lambda` brings all of Lambda's
 * commands although the runtime uses two; from `dist-es` esbuild keeps only what is imported.
 *
 * This is done for the SDK's packages only, so that every other package still resolves the way
 * esbuild's defaults say. esbuild's synchronous API (which CDK's local bundling needs) takes no
 * plugins, so the choice is made with esbuild's `alias`: a first build tells which SDK packages
 * the bundle holds and where they are installed, and each one with an ES module build is aliased
 * to that build's entry file for the next build.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as esbuild from 'esbuild';

/** The npm scopes of the AWS SDK for JavaScript v3 and of the packages it is made of. */
export const AWS_SDK_SCOPES: readonly string[] = ['@aws-sdk', '@smithy', '@aws-crypto'];

interface PackageJson {
  readonly name?: unknown;
  readonly module?: unknown;
  readonly exports?: unknown;
}

/**
 * esbuild `alias` entries that make the SDK packages a build bundled come from their ES module
 * builds: package name → absolute path of its `module` entry. `metafile` is the build's, made
 * with `absWorkingDir` as working directory. A package is left out (and keeps resolving as
 * before) when:
 * - it has an `exports` map: its export conditions already choose the ES module build, as
 *   esbuild includes the `module` condition by default, and an alias would bypass the map;
 * - it has no `module` field, i.e. no ES module build;
 * - the bundle holds it from more than one directory (two versions): an alias names one;
 * - something imports a subpath of it (`pkg/dist-cjs/x`): an alias would rewrite that too.
 *
 * @example
 * const aliases = awsSdkEsModuleAliases(first.metafile, projectRoot);
 * // { '@aws-sdk/client-lambda': '/app/node_modules/@aws-sdk/client-lambda/dist-es/index.js', … }
 */
export function awsSdkEsModuleAliases(metafile: esbuild.Metafile, absWorkingDir: string): Record<string, string> {
  const roots = new Map<string, Set<string>>();
  const subpathImported = new Set<string>();
  for (const [input, details] of Object.entries(metafile.inputs)) {
    const owner = sdkPackageOf(input.split(path.sep).join('/'));
    if (owner) roots.set(owner.name, (roots.get(owner.name) ?? new Set()).add(owner.root));
    for (const imported of details.imports) {
      const original = imported.original ?? '';
      const subpath = /^(@[^/]+\/[^/]+)\/./.exec(original);
      if (subpath) subpathImported.add(subpath[1]);
    }
  }
  const aliases: Record<string, string> = {};
  for (const [name, dirs] of [...roots].sort(([a], [b]) => a.localeCompare(b))) {
    if (dirs.size !== 1 || subpathImported.has(name)) continue;
    const root = path.resolve(absWorkingDir, [...dirs][0]);
    const json = readPackageJson(path.join(root, 'package.json'));
    if (json === undefined || json.name !== name || json.exports !== undefined || typeof json.module !== 'string') continue;
    const entry = path.resolve(root, json.module);
    if (fs.existsSync(entry)) aliases[name] = entry;
  }
  return aliases;
}

/** The SDK package a bundled file belongs to: the one in the path's last `node_modules`. */
function sdkPackageOf(file: string): { name: string; root: string } | undefined {
  const marker = 'node_modules/';
  const at = file.lastIndexOf(marker);
  if (at === -1 || (at > 0 && file[at - 1] !== '/')) return undefined;
  const [scope, name] = file.slice(at + marker.length).split('/');
  if (name === undefined || !AWS_SDK_SCOPES.includes(scope)) return undefined;
  return { name: `${scope}/${name}`, root: `${file.slice(0, at)}${marker}${scope}/${name}` };
}

function readPackageJson(file: string): PackageJson | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}
