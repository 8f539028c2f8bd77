import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Lock files by package manager, in the order they are looked for. */
const LOCK_FILES: ReadonlyArray<{ readonly file: string; readonly manager: PackageManager }> = [
  { file: 'package-lock.json', manager: 'npm' },
  { file: 'yarn.lock', manager: 'yarn' },
  { file: 'pnpm-lock.yaml', manager: 'pnpm' },
  { file: 'bun.lockb', manager: 'bun' },
  { file: 'bun.lock', manager: 'bun' },
];

type PackageManager = 'npm' | 'yarn' | 'pnpm' | 'bun';

/** The frozen-lockfile install command of each package manager, as NodejsFunction runs them. */
const INSTALL_COMMANDS: Readonly<Record<PackageManager, readonly string[]>> = {
  npm: ['npm', 'ci', '--no-audit', '--no-fund', '--loglevel=error'],
  yarn: ['yarn', 'install', '--frozen-lockfile', '--non-interactive', '--no-bin-links'],
  pnpm: ['pnpm', 'install', '--frozen-lockfile', '--config.node-linker=hoisted', '--config.package-import-method=clone-or-copy'],
  bun: ['bun', 'install', '--frozen-lockfile', '--backend', 'copyfile'],
};

/**
 * The lock file `nodeModules` are installed from: `depsLockFilePath` when given, otherwise the
 * nearest one at or above `fromDir`.
 */
export function findLockFile(fromDir: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    for (const { file } of LOCK_FILES) {
      const candidate = path.join(dir, file);
      if (fs.existsSync(candidate)) {
        return candidate;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return undefined;
    }
    dir = parent;
  }
}

/** The package manager a lock file belongs to, or undefined for a file that is not one. */
export function packageManagerOf(lockFile: string): PackageManager | undefined {
  return LOCK_FILES.find(({ file }) => file === path.basename(lockFile))?.manager;
}

/** The version of `name` installed for code in `fromDir` (its `node_modules/<name>/package.json`). */
export function installedVersion(name: string, fromDir: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const manifest = path.join(dir, 'node_modules', ...name.split('/'), 'package.json');
    if (fs.existsSync(manifest)) {
      return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version?: string }).version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return undefined;
    }
    dir = parent;
  }
}

/**
 * Installs `modules` into `outputDir/node_modules` at the versions installed for the entry, with
 * the package manager of `lockFile` and a copy of it, so the asset gets exactly what the lock file
 * pins. The copied lock file is removed afterwards; the `package.json` listing the modules stays.
 */
export function installNodeModules(options: {
  readonly modules: readonly string[];
  readonly lockFile: string;
  readonly entryDir: string;
  readonly outputDir: string;
  readonly beforeInstall: readonly string[];
  readonly runCommands: (commands: readonly string[]) => void;
}): void {
  const manager = packageManagerOf(options.lockFile);
  if (manager === undefined) {
    throw new Error(`${options.lockFile} is not a lock file this construct knows (${LOCK_FILES.map((l) => l.file).join(', ')}).`);
  }
  const dependencies: Record<string, string> = {};
  for (const name of options.modules) {
    const version = installedVersion(name, options.entryDir);
    if (version === undefined) {
      throw new Error(`bundling.nodeModules lists ${JSON.stringify(name)}, which is not installed for ${options.entryDir}. `
        + `Add it to your package.json dependencies and install it (npm install ${name}).`);
    }
    dependencies[name] = version;
  }
  fs.writeFileSync(path.join(options.outputDir, 'package.json'), `${JSON.stringify({ dependencies }, null, 2)}\n`);
  const lockCopy = path.join(options.outputDir, path.basename(options.lockFile));
  fs.copyFileSync(options.lockFile, lockCopy);
  options.runCommands(options.beforeInstall);
  const [command, ...args] = INSTALL_COMMANDS[manager];
  try {
    execFileSync(command, args, { cwd: options.outputDir, stdio: 'pipe', encoding: 'utf8' });
  } catch (err) {
    const failed = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`installing bundling.nodeModules (${options.modules.join(', ')}) with \`${INSTALL_COMMANDS[manager].join(' ')}\` `
      + `from ${options.lockFile} failed: ${failed.stderr || failed.stdout || failed.message}`);
  }
  fs.rmSync(lockCopy, { force: true });
  fs.rmSync(path.join(options.outputDir, 'node_modules', '.package-lock.json'), { force: true });
}
