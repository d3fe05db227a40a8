import { describe, expect, it } from 'vitest';
import { compileRegex, requiredLiteral } from './regex';

describe('regex', () => {
  it('rules – finds the literal every match of a regex contains', () => {
    expect(requiredLiteral('ping\\s+-n.{6,64}echo EEEE\\s?>\\s?')).toBe('echo eeee');
    expect(requiredLiteral('ipconfig\\s+/all')).toBe('ipconfig');
    expect(requiredLiteral('a|b')).toBe('');
    expect(requiredLiteral('(?:abc|def)ghi')).toBe('ghi');
    expect(requiredLiteral('[abcdef]+xyz')).toBe('xyz');
    expect(requiredLiteral('abcd?e')).toBe('abc');
    expect(requiredLiteral('\\.exe\\b')).toBe('.exe');
  });

  it('rules – runs in linear time where a backtracking engine would not', () => {
    // (a+)+$ against a's and one other character takes a backtracking engine 2^n steps; RE2 answers at once.
    const regex = compileRegex('(a+)+$', { i: false, m: false, s: false });
    expect(regex.test(`${'a'.repeat(5000)}!`)).toBe(false);
    expect(regex.test('aaaa')).toBe(true);
    expect(compileRegex('.{10,}', { i: false, m: false, s: false }).test('short')).toBe(false);
    expect(compileRegex('.{10,}', { i: false, m: false, s: false }).test('long enough text')).toBe(true);
  });
});
