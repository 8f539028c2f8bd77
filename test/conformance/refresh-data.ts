/**
 * Refreshes the conformance data the suite runs on (`test/conformance/data/`) from folders of
 * upstream requirement files, keeping only the recorded facts of each file: its id (the file
 * name), variables, input, expected result, expected history, expected logs, callback actions and
 * flags. The prose (`description`, `handler`, `invocations`) stays upstream: the handlers in
 * `handlers/` are this project's reading of it.
 *
 *   npx ts-node test/conformance/refresh-data.ts <folder> [<folder> …]
 *
 * Each folder holds suite folders (`step/1-1.yaml`, …) and may hold LICENSE and NOTICE, which are
 * copied along. Every YAML file of the data folder is replaced, so a requirement removed upstream
 * disappears here too.
 *
 * Example:
 * ```sh
 * npx ts-node test/conformance/refresh-data.ts ../shared/conformance ../shared/conformance-next
 * ```
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

/** Where the vendored requirements live. */
export const DATA_DIR = path.join(__dirname, 'data');

/** The top-level keys that are prose, not recorded facts; they are left out of the vendored copy. */
export const PROSE_KEYS: ReadonlySet<string> = new Set(['description', 'handler', 'invocations']);

const FILE_NAME = /^\d+-\d+\.ya?ml$/;

/** One requirement file found in a source folder. */
interface SourceFile {
  readonly suite: string;
  readonly name: string;
  readonly file: string;
}

function findRequirementFiles(root: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (FILE_NAME.test(entry.name)) out.push({ suite: path.basename(dir), name: entry.name.replace(/\.yml$/, '.yaml'), file: p });
    }
  };
  walk(root);
  return out;
}

/**
 * The vendored text of one requirement file: the upstream mapping without its prose keys, with a
 * header naming where it came from.
 *
 * Example: `factsOnly('step/1-1.yaml', text)` starts with `# step/1-1.yaml (recorded facts only …)`.
 */
export function factsOnly(label: string, text: string): string {
  const doc: unknown = parseYaml(text);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new Error(`${label}: the document is not a mapping; is this a conformance requirement file?`);
  }
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    if (!PROSE_KEYS.has(key)) kept[key] = value;
  }
  const header = `# ${label} (recorded facts only; see README.md here)\n`;
  return header + stringifyYaml(kept, { lineWidth: 0 });
}

/**
 * Replaces the vendored data with the requirements of `sources`.
 *
 * @returns how many requirement files were written.
 */
export function refreshData(sources: readonly string[], target: string = DATA_DIR): number {
  const files = sources.flatMap((source) => {
    if (!fs.existsSync(source) || !fs.statSync(source).isDirectory()) {
      throw new Error(`${source} is not a folder; give the folder that holds the suite folders (step/, wait/, …).`);
    }
    return findRequirementFiles(source);
  });
  if (files.length === 0) throw new Error(`No requirement files (<suite>-<n>.yaml) under ${sources.join(', ')}.`);
  const seen = new Map<string, string>();
  for (const f of files) {
    const other = seen.get(f.name);
    if (other) throw new Error(`Requirement ${f.name} is in both ${other} and ${f.file}; keep one.`);
    seen.set(f.name, f.file);
  }
  // Drop the old YAML files only: README.md and the notices stay unless a source brings new ones.
  for (const entry of fs.existsSync(target) ? fs.readdirSync(target, { withFileTypes: true }) : []) {
    if (entry.isDirectory()) fs.rmSync(path.join(target, entry.name), { recursive: true, force: true });
  }
  for (const f of files) {
    const out = path.join(target, f.suite, f.name);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, factsOnly(`${f.suite}/${f.name}`, fs.readFileSync(f.file, 'utf8')));
  }
  for (const notice of ['LICENSE', 'NOTICE']) {
    const from = sources.map((s) => path.join(s, notice)).find((p) => fs.existsSync(p));
    if (from) fs.copyFileSync(from, path.join(target, notice));
  }
  return files.length;
}

if (require.main === module) {
  const sources = process.argv.slice(2).map((a) => path.resolve(a));
  if (sources.length === 0 || sources.some((s) => s.startsWith('-'))) {
    process.stderr.write('Usage: npx ts-node test/conformance/refresh-data.ts <folder> [<folder> …]\n');
    process.exit(2);
  }
  try {
    const count = refreshData(sources);
    process.stdout.write(`Wrote ${count} requirement files to ${path.relative(process.cwd(), DATA_DIR) || DATA_DIR}\n`);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
}
