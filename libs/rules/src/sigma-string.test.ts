import { describe, expect, it } from 'vitest';
import { ANY, ONE, base64Offsets, expandPlaceholders, parseSigmaString, utf16, windash } from './sigma-string';
import { compileString } from './string-match';

function plain(parts: readonly unknown[]): string {
  return parts.map((part) => (part === ANY ? '*' : part === ONE ? '?' : String(part))).join('');
}

describe('Sigma string values', () => {
  it('rules – reads wildcards and escapes as pySigma does', () => {
    expect(parseSigmaString('a*b?c').parts).toEqual(['a', ANY, 'b', ONE, 'c']);
    expect(parseSigmaString('a\\*b\\?c').parts).toEqual(['a*b?c']);
    expect(parseSigmaString('C:\\Windows\\\\*').parts).toEqual(['C:\\Windows\\', ANY]);
    expect(parseSigmaString('\\\\server\\share').parts).toEqual(['\\server\\share']);
  });

  it('rules – base64offset gives the three encodings a value can have inside a longer base64 text', () => {
    const variants = base64Offsets(parseSigmaString('http://')).map((variant) => plain(variant.parts));
    for (const prefix of ['', 'x', 'xy']) {
      const encoded = Buffer.from(`${prefix}http://example`).toString('base64');
      expect(variants.some((variant) => encoded.includes(variant)), prefix).toBe(true);
    }
  });

  it('rules – utf16 encodes one byte per character, in both byte orders', () => {
    expect(plain(utf16(parseSigmaString('ab'), 'le', false).parts)).toBe('a\u0000b\u0000');
    expect(plain(utf16(parseSigmaString('ab'), 'be', false).parts)).toBe('\u0000a\u0000b');
    expect(plain(utf16(parseSigmaString('a'), 'le', true).parts)).toBe('\u00ff\u00fea\u0000');
  });

  it('rules – windash replaces option dashes only', () => {
    const variants = windash(parseSigmaString(' -enc x-y')).map((variant) => plain(variant.parts));
    expect(variants).toEqual([' -enc x-y', ' /enc x-y', ' \u2013enc x-y', ' \u2014enc x-y', ' \u2015enc x-y']);
  });

  it('rules – expand substitutes every configured value and reports unknown placeholders', () => {
    const { variants, unknown } = expandPlaceholders(parseSigmaString('%dirs%\\a.exe'), { dirs: ['C:\\x', 'D:\\y'] });
    expect(variants.map((variant) => plain(variant.parts))).toEqual(['C:\\x\\a.exe', 'D:\\y\\a.exe']);
    expect(unknown).toEqual([]);
    expect(expandPlaceholders(parseSigmaString('%nope%'), {}).unknown).toEqual(['nope']);
  });

  it('rules – glob tests match anchored segments left to right', () => {
    const test = (value: string, pattern: string) => compileString(parseSigmaString(pattern), false).test(value);
    expect(test('c:\\windows\\system32\\cmd.exe', 'c:\\windows\\\\*\\\\cmd.exe')).toBe(true);
    expect(test('abcabc', 'a*c*c')).toBe(true);
    expect(test('abcab', 'a*c*c')).toBe(false);
    expect(test('abc', 'a?c')).toBe(true);
    expect(test('abbc', 'a?c')).toBe(false);
    expect(test('xaby', '*a?y')).toBe(true);
    expect(test('', '*')).toBe(true);
    expect(test('aa', 'a*a')).toBe(true);
    expect(test('a', 'a*a')).toBe(false);
  });
});
