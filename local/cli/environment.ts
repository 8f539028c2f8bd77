/**
 * Environment variables for the hosted handler: `--env KEY=VALUE` (repeatable) and
 * `--env-file FILE` (dotenv lines). Handlers get an isolated, Lambda-like environment, so only
 * these reach them.
 */
import * as fs from 'node:fs';
import { UsageError } from './arguments';

const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses one `KEY=VALUE`.
 *
 * @throws UsageError when there is no `=` or the key is not a variable name.
 * @example
 * parseAssignment('TABLE=orders', '--env'); // ['TABLE', 'orders']
 */
export function parseAssignment(text: string, where: string): [string, string] {
  const eq = text.indexOf('=');
  const key = eq < 0 ? text : text.slice(0, eq).trim();
  if (eq < 0 || !KEY_PATTERN.test(key)) {
    throw new UsageError(`${where}: '${text}' is not KEY=VALUE with KEY a variable name (letters, digits, '_'), e.g. TABLE_NAME=orders.`);
  }
  return [key, eq < 0 ? '' : text.slice(eq + 1)];
}

/**
 * Reads a dotenv file: `KEY=VALUE` lines, `#` comments, blank lines, an optional `export `
 * prefix, and values in single or double quotes (double quotes understand `\n`).
 *
 * @throws UsageError for a missing file or a line that is not an assignment, naming the line.
 * @example
 * readEnvFile('.env.local'); // { TABLE_NAME: 'orders', STAGE: 'dev' }
 */
export function readEnvFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`--env-file ${file} cannot be read; give the path of a file of KEY=VALUE lines.`);
  }
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [key, rawValue] = parseAssignment(line.replace(/^export\s+/, ''), `${file}:${index + 1}`);
    let value = rawValue.trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1).replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) {
      value = value.slice(1, -1);
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    out[key] = value;
  });
  return out;
}

/**
 * The handler environment from `--env-file` (first) and `--env` (which wins).
 *
 * @example
 * handlerEnvironment(['STAGE=dev'], '.env'); // { ...the file's variables, STAGE: 'dev' }
 */
export function handlerEnvironment(assignments: readonly string[], envFile: string | undefined): Record<string, string> {
  const env: Record<string, string> = envFile === undefined ? {} : readEnvFile(envFile);
  for (const assignment of assignments) {
    const [key, value] = parseAssignment(assignment, '--env');
    env[key] = value;
  }
  return env;
}
