import { describe, expect, it } from 'vitest';
import { Throttle } from './throttle';

describe('Throttle', () => {
  it('lets at most max through per window and key, and starts over in the next window', () => {
    let now = Date.parse('2026-05-01T10:00:00Z');
    const throttle = new Throttle(() => now);
    const taken = () => Array.from({ length: 5 }, () => throttle.take('rule/hook', 2, 60_000));
    expect(taken()).toEqual([true, true, false, false, false]);
    expect(throttle.take('rule/other', 2, 60_000)).toBe(true);
    now += 60_000;
    expect(taken()).toEqual([true, true, false, false, false]);
  });
});
