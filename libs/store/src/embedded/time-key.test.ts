import { describe, expect, it } from 'vitest';
import { SEQUENCE_SPAN, firstKeyOf, keyRange, parseTimeBound, parseTimestamp, partitionDay, timeOfKey, windowStart } from './time-key';

describe('time keys', () => {
  it('names the partition after the date written in an ISO timestamp, like the daily index', () => {
    expect(partitionDay('2026-11-23T23:59:59.999Z', Date.parse('2026-11-23T23:59:59.999Z'))).toBe('2026.11.23');
    expect(partitionDay('2026-11-23T23:30:00-05:00', Date.parse('2026-11-23T23:30:00-05:00'))).toBe('2026.11.23');
    expect(partitionDay('Mon, 23 Nov 2026 10:00:00 GMT', Date.parse('Mon, 23 Nov 2026 10:00:00 GMT'))).toBe('2026.11.23');
  });

  it('reads a zoneless ISO time as UTC and a bound of digits as epoch milliseconds', () => {
    expect(parseTimestamp('2026-11-23T10:00:00')).toBe(Date.UTC(2026, 10, 23, 10));
    expect(parseTimestamp('not a date')).toBeUndefined();
    expect(parseTimeBound('1795428000000')).toBe(1795428000000);
  });

  it('orders keys by time and maps a time range to the keys of its first and last millisecond', () => {
    const start = windowStart('2026.11.23');
    const ms = Date.UTC(2026, 10, 23, 12);
    expect(timeOfKey(start, firstKeyOf(start, ms) + SEQUENCE_SPAN - 1)).toBe(ms);
    expect(keyRange(start, ms, ms)).toEqual([firstKeyOf(start, ms), firstKeyOf(start, ms) + SEQUENCE_SPAN - 1]);
    expect(keyRange(start, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY)?.[1]).toBeLessThan(Number.MAX_SAFE_INTEGER);
    expect(keyRange(start, Date.UTC(2026, 10, 26), Number.POSITIVE_INFINITY)).toBeUndefined();
  });
});
