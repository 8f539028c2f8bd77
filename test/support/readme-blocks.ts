/**
 * The README's code blocks, so tests run them exactly as a user would copy them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const README = path.join(__dirname, '..', '..', 'README.md');

/** A fenced code block of the README. */
export interface ReadmeBlock {
  readonly language: string;
  readonly code: string;
  /** The file the block names on its first line (`// src/orders.ts`), if any. */
  readonly file?: string;
}

/**
 * The code blocks of the README section under `heading` (up to the next `## ` heading).
 *
 * @example
 * const files = readmeBlocks('## Test your workflow').filter((block) => block.file !== undefined);
 */
export function readmeBlocks(heading: string): ReadmeBlock[] {
  const text = fs.readFileSync(README, 'utf8');
  const start = text.indexOf(`\n${heading}`);
  if (start < 0) throw new Error(`README.md has no section '${heading}'.`);
  const next = text.indexOf('\n## ', start + heading.length + 1);
  const section = text.slice(start, next < 0 ? undefined : next);
  const blocks: ReadmeBlock[] = [];
  for (const match of section.matchAll(/```(\w*)\n([\s\S]*?)```/g)) {
    const code = match[2];
    const file = /^\/\/ ([\w./-]+\.(?:ts|js|mjs))\b/.exec(code)?.[1];
    blocks.push({ language: match[1], code, ...(file !== undefined ? { file } : {}) });
  }
  return blocks;
}
