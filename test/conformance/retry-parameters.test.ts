import { checkDefaultRetryParameters } from './retry-parameters';

const DOCUMENTED = { MaxAttempts: 6, InitialDelaySeconds: 5, MaxDelaySeconds: 60, BackoffRate: 2, Jitter: 'FULL' };

describe('checkDefaultRetryParameters', () => {
  test('the documented default (6 attempts, 5 s doubling to 60 s, full jitter) matches the runtime', () => {
    expect(checkDefaultRetryParameters(DOCUMENTED)).toEqual([]);
  });

  test('a different attempt limit is reported', () => {
    const diffs = checkDefaultRetryParameters({ ...DOCUMENTED, MaxAttempts: 4 });
    expect(diffs.map((d) => d.path)).toEqual(['DefaultRetryParameters.MaxAttempts']);
  });

  test('a different delay or jitter is reported', () => {
    expect(checkDefaultRetryParameters({ ...DOCUMENTED, InitialDelaySeconds: 2 }).length).toBeGreaterThan(0);
    expect(checkDefaultRetryParameters({ ...DOCUMENTED, Jitter: 'NONE' }).length).toBeGreaterThan(0);
    expect(checkDefaultRetryParameters({ ...DOCUMENTED, Jitter: 'SOME' })[0].problem).toBe('unknown jitter kind');
  });
});
