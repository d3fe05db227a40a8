import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor';

describe('page cursors', () => {
  it('round-trips the sort values of a hit', () => {
    expect(decodeCursor(encodeCursor([1_772_000_000_000, '2026.03.01', 42]), ['number', 'string', 'number'])).toEqual([1_772_000_000_000, '2026.03.01', 42]);
  });

  it('refuses a cursor of another shape or not a cursor at all', () => {
    expect(() => decodeCursor(encodeCursor([1, 'x']), ['number', 'number'])).toThrow(/not one this store gave out/);
    expect(() => decodeCursor('%%%', ['number'])).toThrow(expect.objectContaining({ code: 'SIEM_STORE_BAD_REQUEST' }));
    expect(() => decodeCursor(Buffer.from('{"a":1}').toString('base64url'), ['number'])).toThrow(/not one this store/);
  });
});
