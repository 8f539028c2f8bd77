import { RetryPresets } from '../../runtime';

describe('RetryPresets.exponentialBackoff retryableErrors', () => {
  it('matches a global or sticky pattern on every attempt, not on every other one', () => {
    for (const pattern of [/throttl/gi, /Throttled/y]) {
      const strategy = RetryPresets.exponentialBackoff({ maxAttempts: 5, retryableErrors: [pattern] });
      const decisions = [1, 2, 3, 4].map((attempt) => strategy(new Error('Throttled by the bank'), attempt).shouldRetry);
      expect(decisions).toEqual([true, true, true, true]);
    }
  });

  it('does not retry a message the pattern does not match', () => {
    const strategy = RetryPresets.exponentialBackoff({ retryableErrors: [/throttl/i] });
    expect(strategy(new Error('card declined'), 1).shouldRetry).toBe(false);
  });
});
