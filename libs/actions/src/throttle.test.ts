import { describe, expect, it } from 'vitest';
import { LocalThrottle } from './throttle';

describe('LocalThrottle', () => {
  it('lets at most max through per window and key, and starts over in the next window', () => {
    const window = Date.parse('2026-05-01T10:00:00Z');
    const throttle = new LocalThrottle();
    const taken = (start: number) => Array.from({ length: 5 }, () => throttle.take('rule/hook', start, 2));
    expect(taken(window)).toEqual([true, true, false, false, false]);
    expect(throttle.take('rule/other', window, 2)).toBe(true);
    expect(taken(window + 60_000)).toEqual([true, true, false, false, false]);
  });
});
