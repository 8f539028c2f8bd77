import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freeResultsFile } from '../../bench/harness/results-file';

describe('the results file of a bench run', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-results-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is the day and machine, then -b, -c … once a run of that day is there, never overwriting one', () => {
    const stem = '2026-12-07-amd-epyc-2c';
    expect(freeResultsFile(dir, stem)).toBe(path.join(dir, `${stem}.json`));
    fs.writeFileSync(path.join(dir, `${stem}.json`), '{}');
    expect(freeResultsFile(dir, stem)).toBe(path.join(dir, `${stem}-b.json`));
    // A table without its JSON still takes the name.
    fs.writeFileSync(path.join(dir, `${stem}-b.md`), '');
    expect(freeResultsFile(dir, stem)).toBe(path.join(dir, `${stem}-c.json`));
    expect(freeResultsFile(dir, 'other-day')).toBe(path.join(dir, 'other-day.json'));
  });
});
