/**
 * Where a run's results go: `<date>-<machine>.json`, or, when a run of the same day on the same
 * machine is already there, the first free `<date>-<machine>-b.json`, `-c`, … so that no earlier
 * run's figures are overwritten.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The first results file in `dir` named after `stem` whose `.json` and `.md` are both free.
 *
 * @example freeResultsFile('bench/results', '2026-12-07-amd-epyc-2c') // …/2026-12-07-amd-epyc-2c-b.json on the day's second run
 */
export function freeResultsFile(dir: string, stem: string): string {
  for (let n = 0; n < 26; n++) {
    const name = n === 0 ? stem : `${stem}-${String.fromCharCode(97 + n)}`;
    const file = path.join(dir, `${name}.json`);
    if (!fs.existsSync(file) && !fs.existsSync(path.join(dir, `${name}.md`))) return file;
  }
  throw new Error(`bench: ${dir} already holds 26 runs named ${stem}*; pass --out FILE to choose where this one goes.`);
}
