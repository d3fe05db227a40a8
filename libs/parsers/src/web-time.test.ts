import { describe, expect, it } from 'vitest';
import { monthAt } from './web-time';

describe('monthAt', () => {
  it('monthAt – reads the twelve English abbreviations in any case, at any index', () => {
    const months = ['Jan', 'FEB', 'mar', 'aPr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    expect(months.map((month) => monthAt(`10/${month}/2026`, 3))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('monthAt – answers 0 for other words, short text, and letters that only look like a month', () => {
    for (const text of ['Jux', 'Ja', '', '[UF', 'J@N', 'jan'.toUpperCase().replace('A', '\u0391'), '\uff2a\uff21\uff2e', 'Ja\u212a', 'Dec'.slice(0, 2)]) {
      expect(monthAt(text, 0), JSON.stringify(text)).toBe(0);
    }
    expect(monthAt('xxJan', 3)).toBe(0);
  });
});
