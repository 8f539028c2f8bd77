import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The nearest directory at or above `entryPath`'s directory that holds a `package.json`, or the
 * entry's own directory when there is none. esbuild runs with it as working directory, which
 * makes every path written into the bundle relative to the project and the bundle identical on
 * every machine.
 */
export function findProjectRoot(entryPath: string): string {
  const start = path.dirname(entryPath);
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return start;
    }
    dir = parent;
  }
}

/** `file` relative to `root` with forward slashes, for messages that end up in the bundle. */
export function projectRelative(root: string, file: string): string {
  const relative = path.relative(root, file);
  return (relative === '' ? path.basename(file) : relative).split(path.sep).join('/');
}
