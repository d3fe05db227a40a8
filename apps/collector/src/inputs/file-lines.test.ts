import { describe, expect, it } from 'vitest';
import { LineSplitter } from './file-lines';

const text = (lines: { payload: Buffer }[]) => lines.map((line) => line.payload.toString());

describe('line splitter', () => {
  it('splits across chunk boundaries and records the offset past each newline', () => {
    const splitter = new LineSplitter(100, 10);
    expect(splitter.push(Buffer.from('ab'))).toEqual([]);
    const lines = splitter.push(Buffer.from('c\r\nde\n\nf'));
    expect(text(lines)).toEqual(['abc', 'de', '']);
    expect(lines.map((line) => line.end)).toEqual([15, 18, 19]);
    expect(splitter.offset).toBe(20);
    expect(splitter.hasPartial).toBe(true);
    expect(splitter.rest()).toEqual({ payload: Buffer.from('f'), end: 20, truncated: false });
  });

  it('keeps the first maxBytes of a long line, skips the rest as it streams, and goes on with the next line', () => {
    const splitter = new LineSplitter(4, 0);
    expect(splitter.push(Buffer.from('0123456'))).toEqual([]);
    const lines = splitter.push(Buffer.from('789\nnext\n'));
    expect(lines).toEqual([
      { payload: Buffer.from('0123'), end: 11, truncated: true },
      { payload: Buffer.from('next'), end: 16, truncated: false },
    ]);
  });

  it('passes invalid UTF-8 through untouched', () => {
    const lines = new LineSplitter(100, 0).push(Buffer.from([0xff, 0xfe, 0x41, 0x0a]));
    expect(lines[0]!.payload).toEqual(Buffer.from([0xff, 0xfe, 0x41]));
  });
});
