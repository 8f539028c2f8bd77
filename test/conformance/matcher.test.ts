import { Bindings, deepEqual, describeValue, Difference, matchValue } from './matcher';

function run(expected: unknown, actual: unknown, bindings: Bindings = new Map()): Difference[] {
  const out: Difference[] = [];
  matchValue(expected, actual, 'x', bindings, out);
  return out;
}

describe('matchValue', () => {
  test("'*' accepts any present value and rejects an absent one", () => {
    expect(run('*', 0)).toEqual([]);
    expect(run('*', { a: 1 })).toEqual([]);
    expect(run('*', null)).toEqual([]);
    expect(run('*', undefined)).toEqual([{ path: 'x', expected: '*', actual: undefined, problem: 'missing' }]);
  });

  test('{} does not care, even about absence or a scalar', () => {
    expect(run({}, undefined)).toEqual([]);
    expect(run({}, 'text')).toEqual([]);
    expect(run({}, { a: 1 })).toEqual([]);
  });

  test('${NAME} binds on first use and requires equality afterwards', () => {
    const b: Bindings = new Map();
    expect(run('${ID1}', 'aaa', b)).toEqual([]);
    expect(b.get('ID1')).toBe('aaa');
    expect(run('${ID1}', 'aaa', b)).toEqual([]);
    const diffs = run('${ID1}', 'bbb', b);
    expect(diffs).toHaveLength(1);
    expect(diffs[0].problem).toContain('bound to "aaa"');
  });

  test('${NAME} never binds an absent value', () => {
    const b: Bindings = new Map();
    expect(run('${NAME1}', undefined, b)[0].problem).toBe('missing');
    expect(b.has('NAME1')).toBe(false);
  });

  test('${NAME} binds structured values and compares them structurally', () => {
    const b: Bindings = new Map();
    expect(run('${V}', { a: [1, 2] }, b)).toEqual([]);
    expect(run('${V}', { a: [1, 2] }, b)).toEqual([]);
    expect(run('${V}', { a: [1, 3] }, b)).toHaveLength(1);
  });

  test('bound names substitute inside longer strings', () => {
    const b: Bindings = new Map([['INPUT_1', 'ab12']]);
    expect(run('"${INPUT_1}"', '"ab12"', b)).toEqual([]);
    expect(run('Hello, ${INPUT_1}!', 'Hello, ab12!', b)).toEqual([]);
    expect(run('"${INPUT_1}"', 'ab12', b)[0].problem).toBe('string differs');
  });

  test('substituted values are literal, not regex syntax', () => {
    const b: Bindings = new Map([['V', 'a.c']]);
    expect(run('<${V}>', '<a.c>', b)).toEqual([]);
    expect(run('<${V}>', '<abc>', b)).toHaveLength(1);
  });

  test('unbound names inside a longer string capture their text and bind it', () => {
    const b: Bindings = new Map();
    expect(run('${A}-${B}', 'x-y-z', b)).toEqual([]);
    expect(b.get('A')).toBe('x');
    expect(b.get('B')).toBe('y-z');
    expect(run('${C}/${C}', 'q/q', b)).toEqual([]);
    expect(run('${D}/${D}', 'q/r', b)).toHaveLength(1);
  });

  test('${/regex/} searches strings and the JSON text of numbers', () => {
    expect(run('${/TransientError$/}', 'my.TransientError')).toEqual([]);
    expect(run('${/wrapped/}', '{"wrapped":"x"}')).toEqual([]);
    expect(run('${/^[0-5]$/}', 3)).toEqual([]);
    expect(run('${/^[0-5]$/}', 6)[0].problem).toBe('does not match the regex');
    expect(run('${/^([0-9]|10)$/}', 10)).toEqual([]);
    expect(run('${/x/}', { a: 'x' })[0].problem).toBe('expected a string');
    expect(run('${/x/}', undefined)[0].problem).toBe('missing');
  });

  test('a regex holding braces is read up to the closing /}', () => {
    expect(run('${/^a{2}$/}', 'aa')).toEqual([]);
    expect(run('${/^a{2}$/}', 'aaa')).toHaveLength(1);
  });

  test('an invalid regex is reported as a problem of the requirement', () => {
    expect(run('${/(/}', 'x')[0].problem).toMatch(/invalid regex/);
  });

  test('objects compare only the expected keys', () => {
    expect(run({ a: 1 }, { a: 1, b: 2 })).toEqual([]);
    const diffs = run({ a: 1, c: { d: 'e' } }, { a: 2, c: {} });
    expect(diffs.map((d) => d.path)).toEqual(['x.a', 'x.c.d']);
    expect(diffs[1].problem).toBe('missing');
    expect(run({ a: 1 }, [1])[0].problem).toBe('expected an object');
  });

  test('lists need the same length and match element by element', () => {
    expect(run(['a', '*'], ['a', 'b'])).toEqual([]);
    expect(run(['a'], ['a', 'b'])[0].problem).toBe('expected 1 elements, got 2');
    expect(run(['a', 'b'], ['a', 'c']).map((d) => d.path)).toEqual(['x[1]']);
    expect(run([], [])).toEqual([]);
    expect(run([], undefined)[0].problem).toBe('missing');
  });

  test('scalars use literal equality without type coercion', () => {
    expect(run(2, 2)).toEqual([]);
    expect(run(2, '2')).toHaveLength(1);
    expect(run('10', 10)).toHaveLength(1);
    expect(run(null, null)).toEqual([]);
    expect(run(null, undefined)[0].problem).toBe('missing');
    expect(run(true, false)).toHaveLength(1);
    expect(run('Hello', 'Hello')).toEqual([]);
    expect(run('Hello', 'hello')[0].problem).toBe('differs');
  });

  test('a payload string is compared as literal JSON text', () => {
    expect(run('"task-1"', '"task-1"')).toEqual([]);
    expect(run('"task-1"', '"task-1" ')).toHaveLength(1);
    expect(run('10', '10')).toEqual([]);
  });
});

describe('deepEqual and describeValue', () => {
  test('deepEqual ignores undefined members and compares dates by instant', () => {
    expect(deepEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(deepEqual(new Date(5), new Date(5))).toBe(true);
    expect(deepEqual([1, { a: 2 }], [1, { a: 3 }])).toBe(false);
  });

  test('describeValue renders absence and truncates long values', () => {
    expect(describeValue(undefined)).toBe('absent');
    expect(describeValue('x'.repeat(500), 20)).toHaveLength(20);
  });
});
