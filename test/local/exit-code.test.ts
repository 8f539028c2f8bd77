import { exitWith } from '../../local/exit-code';

describe('exitWith', () => {
  let saved: typeof process.exitCode;
  beforeEach(() => {
    saved = process.exitCode;
  });
  afterEach(() => {
    process.exitCode = saved;
  });

  test('sets the exit code main resolves with and reports nothing', async () => {
    const written: string[] = [];
    await exitWith(Promise.resolve(2), { writeError: (text) => written.push(text) });
    expect(process.exitCode).toBe(2);
    expect(written).toEqual([]);
  });

  test('sets 1 and reports the stack, prefixed, when main rejects', async () => {
    const written: string[] = [];
    await exitWith(Promise.reject(new Error('disk full')), { errorPrefix: 'error: ', writeError: (text) => written.push(text) });
    expect(process.exitCode).toBe(1);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^error: Error: disk full\n\s+at /);
  });

  test('reports a rejection that is not an Error readably', async () => {
    const written: string[] = [];
    await exitWith(Promise.reject({ code: 'E42' }), { writeError: (text) => written.push(text) });
    expect(process.exitCode).toBe(1);
    expect(written).toEqual(["{ code: 'E42' }\n"]);
  });
});
