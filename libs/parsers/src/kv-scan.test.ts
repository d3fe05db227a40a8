import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readBlankSeparatedPairs, scanKeyValues } from './kv-scan';

/** What the vendor parsers did before readBlankSeparatedPairs: scanKeyValues with blank separators into an object. */
function viaScan(text: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  scanKeyValues(text, { separator: undefined, assignment: '=' }, (key, value) => {
    if (key !== '__proto__' && key !== 'constructor' && key !== 'prototype') pairs[key] = value;
  });
  return pairs;
}

describe('readBlankSeparatedPairs', () => {
  it('kv-scan – reads quoted values with escapes, skips words without "=" and prototype keys', () => {
    const line = 'date=2026-12-04 devname="FGT 1" msg="say \\"hi\\"" lone word\t=x tail="open __proto__=1 constructor=2 k=';
    expect(readBlankSeparatedPairs(line)).toEqual({ date: '2026-12-04', devname: 'FGT 1', msg: 'say "hi"', tail: 'open __proto__=1 constructor=2 k=' });
    expect(readBlankSeparatedPairs('a="x"y b= c')).toEqual({ a: 'xy', b: '' });
  });

  it('kv-scan – gives what scanKeyValues gives with blank separators, for any line', () => {
    const piece = fc.constantFrom('a', 'key', '=', ' ', '\t', '"', "'", '\\', 'v', '__proto__', 'x y');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        const line = parts.join('');
        expect(readBlankSeparatedPairs(line)).toEqual(viaScan(line));
      }),
      { numRuns: 2000 },
    );
  });
});
