/**
 * Tests "as a user would": pack this package with `npm pack` (which runs `prepack`, the real build),
 * install the tarball into a fresh app in the temporary directory, outside the repository, and run
 * commands there.
 *
 * Packing and installing are slow, so both are cached under the temporary directory: one tarball per
 * state of the packed sources (shared by every test file and jest worker of a run), and one installed
 * template per set of dependencies, copied into each new app. A lock folder keeps concurrent workers
 * from packing or installing the same thing twice.
 *
 * @example
 * const app = createPackedApp({ tsconfig: 'classic' });
 * app.write('bin/app.ts', "import { DurableFunction } from 'cdk-durable-function';");
 * app.runOk('npx', ['tsc', '--noEmit']);
 * app.cleanup();
 */
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CACHE_ROOT = path.join(os.tmpdir(), 'cdk-durable-function-packed');
/** What `npm pack` reads: the build inputs and every file the package ships. */
const PACKED_SOURCES = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'lib', 'runtime', 'local', 'testing', 'LICENSE', 'NOTICE'];
const LOCK_WAIT_MS = 15 * 60_000;
const COMMAND_TIMEOUT_MS = 10 * 60_000;

/** The outcome of a command run in a packed app; `status` is null when it was killed. */
export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of one command run in a packed app. */
export interface RunOptions {
  /** Variables added to the environment. */
  readonly env?: Record<string, string>;
  /** Text written to the command's standard input. */
  readonly input?: string;
  /** Kills the command after this long (default: 10 minutes). */
  readonly timeoutMs?: number;
}

/** How to lay out the fresh app. */
export interface PackedAppOptions {
  /**
   * `classic`: the tsconfig `cdk init app --language typescript` writes (CommonJS, node10 resolution,
   * `lib: es2020`). `nodenext`: `module`/`moduleResolution` NodeNext. Default: classic.
   */
  readonly tsconfig?: 'classic' | 'nodenext';
  /** More dependencies, as in package.json (name → version range). */
  readonly dependencies?: Record<string, string>;
  /** More devDependencies. */
  readonly devDependencies?: Record<string, string>;
}

/** A fresh app, outside the repository, with the packed package installed as `cdk-durable-function`. */
export interface PackedApp {
  /** The app's folder. */
  readonly dir: string;
  /** The tarball that was installed. */
  readonly tarball: string;
  /** Writes a file, relative to the app's folder, creating its folders. */
  write(relativePath: string, text: string): string;
  /** Reads a file relative to the app's folder. */
  read(relativePath: string): string;
  /** Runs a command in the app's folder; never throws. */
  run(command: string, args: readonly string[], options?: RunOptions): CommandResult;
  /** Runs a command in the app's folder and throws with its output unless it exits 0. */
  runOk(command: string, args: readonly string[], options?: RunOptions): CommandResult;
  /** Removes the app's folder. */
  cleanup(): void;
}

/**
 * Packs the package once per state of its sources and returns the tarball's path.
 *
 * @example
 * const tarball = packedTarball(); // …/cdk-durable-function-packed/pack-<hash>/cdk-durable-function-0.1.0.tgz
 */
export function packedTarball(): string {
  const folder = path.join(CACHE_ROOT, `pack-${sourcesHash()}`);
  const existing = findTarball(folder);
  if (existing) return existing;
  return withLock(folder, () => {
    const again = findTarball(folder);
    if (again) return again;
    const staging = fs.mkdtempSync(path.join(CACHE_ROOT, 'staging-'));
    const result = runCommand('npm', ['pack', '--pack-destination', staging, '--loglevel=error'], REPO_ROOT, {});
    if (result.status !== 0) {
      throw new Error(`npm pack failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
    }
    fs.renameSync(staging, folder);
    const tarball = findTarball(folder);
    if (!tarball) throw new Error(`npm pack wrote no tarball into ${folder}:\n${result.stdout}`);
    return tarball;
  });
}

/**
 * Creates a fresh app in the temporary directory with the packed package, aws-cdk-lib, constructs,
 * typescript, ts-node and @types/node installed (the versions this repository develops against).
 *
 * @example
 * const app = createPackedApp({ tsconfig: 'nodenext', dependencies: { '@aws-sdk/client-sns': '^3.0.0' } });
 */
export function createPackedApp(options: PackedAppOptions = {}): PackedApp {
  const tarball = packedTarball();
  const manifest = appManifest(tarball, options);
  const template = installedTemplate(manifest);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-durable-app-'));
  fs.cpSync(template, dir, { recursive: true, verbatimSymlinks: true });
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfigFor(options.tsconfig ?? 'classic'), null, 2));

  const app: PackedApp = {
    dir,
    tarball,
    write(relativePath, text) {
      const file = path.join(dir, relativePath);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      return file;
    },
    read(relativePath) {
      return fs.readFileSync(path.join(dir, relativePath), 'utf8');
    },
    run(command, args, runOptions = {}) {
      return runCommand(command, args, dir, runOptions);
    },
    runOk(command, args, runOptions = {}) {
      const result = runCommand(command, args, dir, runOptions);
      if (result.status !== 0) {
        throw new Error(
          `\`${[command, ...args].join(' ')}\` exited ${result.status} in ${dir}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
        );
      }
      return result;
    },
    cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return app;
}

function installedTemplate(manifest: Record<string, unknown>): string {
  const text = JSON.stringify(manifest, null, 2);
  const folder = path.join(CACHE_ROOT, `app-${hashOf(text)}`);
  if (fs.existsSync(path.join(folder, 'node_modules'))) return folder;
  return withLock(folder, () => {
    if (fs.existsSync(path.join(folder, 'node_modules'))) return folder;
    const staging = fs.mkdtempSync(path.join(CACHE_ROOT, 'staging-'));
    fs.writeFileSync(path.join(staging, 'package.json'), text);
    const result = runCommand('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], staging, {});
    if (result.status !== 0) {
      fs.rmSync(staging, { recursive: true, force: true });
      throw new Error(`npm install in a fresh app failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
    }
    fs.rmSync(folder, { recursive: true, force: true });
    fs.renameSync(staging, folder);
    return folder;
  });
}

function appManifest(tarball: string, options: PackedAppOptions): Record<string, unknown> {
  const own = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  const dev = own.devDependencies;
  return {
    name: 'packed-app',
    version: '0.0.0',
    private: true,
    dependencies: {
      'cdk-durable-function': `file:${tarball}`,
      'aws-cdk-lib': dev['aws-cdk-lib'],
      constructs: dev.constructs,
      ...options.dependencies,
    },
    devDependencies: {
      typescript: dev.typescript,
      'ts-node': dev['ts-node'],
      '@types/node': dev['@types/node'],
      ...options.devDependencies,
    },
  };
}

function tsconfigFor(kind: 'classic' | 'nodenext'): Record<string, unknown> {
  if (kind === 'nodenext') {
    return {
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, types: ['node'] },
      exclude: ['node_modules', 'cdk.out'],
    };
  }
  // What `cdk init app --language typescript` writes.
  return {
    compilerOptions: {
      target: 'ES2020',
      module: 'commonjs',
      lib: ['es2020'],
      declaration: true,
      strict: true,
      noImplicitAny: true,
      strictNullChecks: true,
      noImplicitThis: true,
      alwaysStrict: true,
      noUnusedLocals: false,
      noUnusedParameters: false,
      noImplicitReturns: true,
      noFallthroughCasesInSwitch: false,
      inlineSourceMap: true,
      inlineSources: true,
      experimentalDecorators: true,
      strictPropertyInitialization: false,
      typeRoots: ['./node_modules/@types'],
    },
    exclude: ['node_modules', 'cdk.out'],
  };
}

function runCommand(command: string, args: readonly string[], cwd: string, options: RunOptions): CommandResult {
  const result = spawnSync(command, [...args], {
    cwd,
    env: { ...cleanEnvironment(), ...options.env },
    input: options.input,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? COMMAND_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error && result.status === null && !result.signal) {
    return { status: null, stdout: '', stderr: String(result.error) };
  }
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** The environment without what `npm test` and jest add, so the app runs as it would in a user's shell. */
function cleanEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && !/^npm_config_(cache|registry|userconfig)$/i.test(key)) continue;
    if (key === 'INIT_CWD' || key === 'NODE_OPTIONS' || key === 'JEST_WORKER_ID' || key.startsWith('TS_NODE_')) continue;
    env[key] = value;
  }
  return env;
}

function sourcesHash(): string {
  const hash = crypto.createHash('sha256');
  for (const file of listFiles(PACKED_SOURCES)) {
    hash.update(file).update('\0').update(fs.readFileSync(path.join(REPO_ROOT, file))).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function listFiles(entries: readonly string[]): string[] {
  const files: string[] = [];
  const visit = (relative: string): void => {
    const absolute = path.join(REPO_ROOT, relative);
    if (!fs.existsSync(absolute)) return;
    const stat = fs.statSync(absolute);
    if (stat.isDirectory()) {
      for (const child of fs.readdirSync(absolute).sort()) {
        if (child === 'node_modules' || child === 'dist') continue;
        visit(path.join(relative, child));
      }
    } else {
      files.push(relative);
    }
  };
  for (const entry of entries) visit(entry);
  return files;
}

function findTarball(folder: string): string | undefined {
  if (!fs.existsSync(folder)) return undefined;
  const name = fs.readdirSync(folder).find((file) => file.endsWith('.tgz'));
  return name ? path.join(folder, name) : undefined;
}

function hashOf(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Runs `work` holding a lock folder next to `target`, waiting for another worker's lock to go. */
function withLock<T>(target: string, work: () => T): T {
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  const lock = `${target}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const held = fs.statSync(lock, { throwIfNoEntry: false });
      if (!held) continue;
      if (Date.now() - held.mtimeMs > LOCK_WAIT_MS) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lock}: remove it if no test run holds it.`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    return work();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
