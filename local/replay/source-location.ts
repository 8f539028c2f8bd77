/**
 * Finds the workflow line behind a stack captured inside a bundle: each frame in the bundle is
 * mapped through the bundle's source map, and the first one that is not the runtime's own code,
 * a dependency or the generated entry is the user's call site.
 */
import * as fs from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import * as path from 'node:path';

/**
 * Where the user's code asked for an operation, or undefined when the bundle has no source map
 * or no frame is the user's.
 *
 * @example
 * userSourceLocation(details.stack, '/tmp/replay/index.js', { runtimeDir: '/app/node_modules/cdk-durable-function/dist/runtime' });
 * // → 'src/orders.ts:14:13'
 */
export function userSourceLocation(
  stack: readonly string[] | undefined,
  bundlePath: string,
  options: {
    /** The runtime's source folder: its frames are skipped. */
    readonly runtimeDir?: string;
    /** Where the map's relative sources start, when not at the map file (a bundle written away from where it was built). */
    readonly sourcesDir?: string;
    /** Paths are shown relative to this folder (default: the working directory). */
    readonly relativeTo?: string;
  } = {},
): string | undefined {
  if (!stack || stack.length === 0) return undefined;
  const map = loadSourceMap(bundlePath);
  if (!map) return undefined;
  const bundle = path.resolve(bundlePath);
  for (const frame of stack) {
    const match = /\(?([^()\s]+):(\d+):(\d+)\)?$/.exec(frame);
    if (!match || path.resolve(match[1]) !== bundle) continue;
    const entry = map.consumer.findEntry(Number(match[2]) - 1, Number(match[3]) - 1) as {
      originalSource?: string;
      originalLine?: number;
      originalColumn?: number;
    };
    if (!entry.originalSource) continue;
    const source = resolveSource(entry.originalSource, options.sourcesDir ?? map.baseDir);
    if (isRuntimeOrDependency(source, options.runtimeDir)) continue;
    const relative = path.relative(options.relativeTo ?? process.cwd(), source);
    // A file outside the working directory is clearer as an absolute path than as ../../…
    const shown = relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? source : relative;
    return `${shown.split(path.sep).join('/')}:${(entry.originalLine ?? 0) + 1}:${(entry.originalColumn ?? 0) + 1}`;
  }
  return undefined;
}

function loadSourceMap(bundlePath: string): { consumer: SourceMap; baseDir: string } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(bundlePath, 'utf8');
  } catch {
    return undefined;
  }
  const reference = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text.slice(-4096))?.[1];
  if (!reference) return undefined;
  let payload: SourceMapPayload;
  let mapDir = path.dirname(bundlePath);
  try {
    if (reference.startsWith('data:')) {
      payload = JSON.parse(Buffer.from(reference.slice(reference.indexOf(',') + 1), 'base64').toString('utf8')) as SourceMapPayload;
    } else {
      const file = path.resolve(path.dirname(bundlePath), reference);
      payload = JSON.parse(fs.readFileSync(file, 'utf8')) as SourceMapPayload;
      mapDir = path.dirname(file);
    }
  } catch {
    return undefined;
  }
  const baseDir = path.resolve(mapDir, payload.sourceRoot ?? '');
  return { consumer: new SourceMap(payload), baseDir };
}

function resolveSource(source: string, baseDir: string): string {
  if (source.startsWith('file://')) return new URL(source).pathname;
  return path.resolve(baseDir, source);
}

function isRuntimeOrDependency(source: string, runtimeDir: string | undefined): boolean {
  if (runtimeDir !== undefined && (source === runtimeDir || source.startsWith(runtimeDir + path.sep))) return true;
  if (source.split(path.sep).includes('node_modules')) return true;
  return path.basename(source) === 'durable-function-entry.js';
}
