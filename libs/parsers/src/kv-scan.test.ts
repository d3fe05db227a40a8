import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBlankSeparatedPairsReader, readBlankSeparatedPairs, scanKeyValues } from './kv-scan';

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

/** Key and value order too: events are written as JSON, so a reordered object is a different document. */
function entriesOf(pairs: Record<string, string>): [string, string][] {
  return Object.entries(pairs);
}

describe('createBlankSeparatedPairsReader', () => {
  it('kv-scan – a reader gives what readBlankSeparatedPairs gives when lines repeat, change or shrink their keys', () => {
    const read = createBlankSeparatedPairsReader();
    const lines = [
      'date=2026-12-04 devname="FGT 1" msg="say \\"hi\\"" action=close',
      'date=2026-12-05 devname="FGT 2" msg="two words" action=deny',
      'date=2026-12-06 devname="FGT 3" msg="" action=',
      // A remembered key that is a prefix of the line's key ("devname" against "devnamex"), and one that the line's key is a prefix of.
      'date=2026-12-06 devnamex=a msg=b act=c',
      'date=2026-12-07 devnamex=a msg=b act=c',
      // Duplicate keys: the last value, at the first key's place.
      'date=1 msg=first date=2 msg=second',
      'date=1 msg=first date=2 msg=second',
      // Fewer pairs than the line before, then a word without "=", then a prototype key.
      'date=1 msg=first',
      'date=1 lone msg=first',
      'date=1 __proto__=x msg=first',
      'date=1 __proto__=x msg=first',
      '',
      'date=1\tmsg="tab\tinside"',
      // Keys outside ASCII and a lone surrogate: the template object is built through JSON text.
      'ключ=значение date=1 \ud800=x',
      'ключ=другое date=2 \ud800=y',
    ];
    for (const line of [...lines, ...lines]) expect(entriesOf(read(line)), line).toEqual(entriesOf(readBlankSeparatedPairs(line)));
  });

  it('kv-scan – objects from a repeated template are independent of each other', () => {
    const read = createBlankSeparatedPairsReader();
    const first = read('a=1 b=2');
    const second = read('a=3 b=4');
    const third = read('a=5 b=6');
    second.a = 'changed';
    expect([first, second, third]).toEqual([{ a: '1', b: '2' }, { a: 'changed', b: '4' }, { a: '5', b: '6' }]);
  });

  it('kv-scan – a line with more pairs than a reader remembers is read in full', () => {
    const read = createBlankSeparatedPairsReader();
    const long = Array.from({ length: 300 }, (_, index) => `k${index}=v${index}`).join(' ');
    for (let round = 0; round < 3; round++) expect(entriesOf(read(long))).toEqual(entriesOf(readBlankSeparatedPairs(long)));
    expect(read('k0=a k1=b')).toEqual({ k0: 'a', k1: 'b' });
  });

  it('kv-scan – a reader gives what readBlankSeparatedPairs gives for any sequence of lines', () => {
    const piece = fc.constantFrom('a', 'key', '=', ' ', '\t', '"', "'", '\\', 'v', '__proto__', 'x y', 'a=1 ', 'key=2 ');
    const line = fc.array(piece, { maxLength: 30 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.array(fc.nat(7), { maxLength: 16 }), (distinct, picks) => {
        const read = createBlankSeparatedPairsReader();
        // Picks repeat some lines, so templates are built and reused.
        for (const pick of picks) {
          const text = distinct[pick % Math.max(distinct.length, 1)] ?? '';
          expect(entriesOf(read(text))).toEqual(entriesOf(readBlankSeparatedPairs(text)));
        }
      }),
      { numRuns: 1000 },
    );
  });
});
