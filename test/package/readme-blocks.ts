/**
 * Pulls the TypeScript blocks out of a Markdown file and turns each into a module a compiler can
 * check as a user's file. A block may be preceded by `<!-- readme-check: … -->` lines:
 *
 * - `fragment`: part of a larger file; not checked (say so only when no wrapping below fits);
 * - `in-stack`: the block is the body of a CDK stack's constructor (it uses `this` as the scope);
 * - `in-async`: the block is the body of an async function (it uses `await` at its top level);
 * - `prelude: <code>`: declarations of what the block uses but leaves to the reader (the user's own
 *   functions and values); import statements in it are hoisted with the block's own.
 *
 * @example
 * const blocks = extractTypeScriptBlocks(fs.readFileSync('README.md', 'utf8'), 'README.md');
 * for (const block of blocks.filter((b) => !b.fragment)) fs.writeFileSync(`${block.id}.ts`, renderModule(block));
 */

/** One ```ts block and the check markers above it. */
export interface ReadmeBlock {
  /** `README-L42`: a file-name-safe id naming the Markdown file and the block's first line. */
  readonly id: string;
  /** The Markdown file, as given. */
  readonly source: string;
  /** 1-based line of the block's first code line in the Markdown file. */
  readonly line: number;
  readonly code: string;
  readonly fragment: boolean;
  readonly wrap: 'none' | 'in-stack' | 'in-async';
  readonly prelude: readonly string[];
}

const MARKER = /^\s*<!--\s*readme-check:\s*(.*?)\s*-->\s*$/;
const FENCE_START = /^(\s*)```(?:ts|typescript)\s*$/;

/** Every ```ts / ```typescript block of `markdown`, with its markers. */
export function extractTypeScriptBlocks(markdown: string, source: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = FENCE_START.exec(lines[i]);
    if (!start) continue;
    const indent = start[1].length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]); j++) {
      body.push(lines[j].slice(Math.min(indent, lines[j].length - lines[j].trimStart().length)));
    }
    if (j === lines.length) throw new Error(`${source}:${i + 1}: a \`\`\`ts block is never closed.`);
    const markers: string[] = [];
    for (let k = i - 1; k >= 0 && MARKER.test(lines[k]); k--) markers.unshift(MARKER.exec(lines[k])![1]);
    blocks.push(withMarkers(source, i + 2, body.join('\n'), markers));
    i = j;
  }
  return blocks;
}

function withMarkers(source: string, line: number, code: string, markers: readonly string[]): ReadmeBlock {
  let fragment = false;
  let wrap: ReadmeBlock['wrap'] = 'none';
  const prelude: string[] = [];
  for (const marker of markers) {
    if (marker === 'fragment') fragment = true;
    else if (marker === 'in-stack' || marker === 'in-async') wrap = marker;
    else if (marker.startsWith('prelude:')) prelude.push(marker.slice('prelude:'.length).trim());
    else throw new Error(`${source}:${line}: unknown readme-check marker ${JSON.stringify(marker)} (fragment, in-stack, in-async, prelude: <code>).`);
  }
  const base = source.replace(/[^A-Za-z0-9]+/g, '-').replace(/-md$/i, '').replace(/^-|-$/g, '');
  return { id: `${base}-L${line}`, source, line, code, fragment, wrap, prelude };
}

/** The block as a module: hoisted imports, then the prelude, then the (wrapped) code. */
export function renderModule(block: ReadmeBlock): string {
  const imports: string[] = [];
  const rest: string[] = [];
  for (const text of [...block.prelude, block.code]) {
    const split = splitImports(text);
    imports.push(...split.imports);
    rest.push(split.rest);
  }
  const [preludeRest, body] = [rest.slice(0, -1).join('\n'), rest[rest.length - 1]];
  const lines = [`// ${block.source}:${block.line}`, ...imports, preludeRest];
  if (block.wrap === 'in-stack') {
    lines.push(
      "import { Stack as ReadmeCheckStack } from 'aws-cdk-lib';",
      "import type { Construct as ReadmeCheckConstruct } from 'constructs';",
      'export class ReadmeCheckExample extends ReadmeCheckStack {',
      '  constructor(scope: ReadmeCheckConstruct, id: string) {',
      '    super(scope, id);',
      body,
      '  }',
      '}',
    );
  } else if (block.wrap === 'in-async') {
    lines.push('export async function readmeCheckExample(): Promise<void> {', body, '}');
  } else {
    lines.push(body, 'export {};');
  }
  return `${lines.join('\n')}\n`;
}

/** Import statements (single- or multi-line, each ending with `;`) apart from everything else. */
function splitImports(text: string): { imports: string[]; rest: string } {
  const imports: string[] = [];
  const rest = text.replace(/^\s*import\s[^;]*;/gm, (statement) => {
    imports.push(statement.trim());
    return '';
  });
  return { imports, rest: rest.replace(/^\s*\n/, '').trimEnd() };
}
