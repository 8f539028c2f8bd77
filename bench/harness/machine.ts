/** Describes the machine and software a benchmark ran on, for the results file. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './bundle';

/** The machine and versions of one run. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly hostname: string;
  readonly node: string;
  /** 1, 5 and 15 minute load averages when the run started (the machine may be shared). */
  readonly loadAverageAtStart: readonly number[];
  readonly versions: {
    readonly repositoryCommit: string;
    readonly officialRuntime: string;
    readonly clientLambda: string;
    readonly esbuild: string;
  };
}

/**
 * The current machine.
 *
 * @example
 * describeMachine().cpuModel; // 'AMD EPYC'
 */
export function describeMachine(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    hostname: os.hostname(),
    node: process.version,
    loadAverageAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100),
    versions: {
      repositoryCommit: gitCommit(),
      officialRuntime: packageVersion('@aws/durable-execution-sdk-js'),
      clientLambda: packageVersion('@aws-sdk/client-lambda'),
      esbuild: packageVersion('esbuild'),
    },
  };
}

/**
 * A file-name-friendly label of the machine, e.g. `amd-epyc-2c`.
 *
 * @example
 * machineSlug(describeMachine()); // 'amd-epyc-2c'
 */
export function machineSlug(machine: MachineInfo): string {
  const cpu = machine.cpuModel
    .toLowerCase()
    .replace(/\(r\)|\(tm\)|cpu|processor|@.*$/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${cpu || 'cpu'}-${machine.cores}c`;
}

function packageVersion(name: string): string {
  // Read the file directly: some packages do not export their package.json.
  const file = path.join(REPO_ROOT, 'node_modules', name, 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

function gitCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'runtime', path.join('bench')], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    return dirty === '' ? commit : `${commit} (runtime/bench with uncommitted changes)`;
  } catch {
    return 'unknown';
  }
}
