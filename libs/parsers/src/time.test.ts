import { describe, expect, it } from 'vitest';
import { formatIsoTimestamp, parseBsdTimestamp, parseIsoTimestamp, TimeZone } from './time';

const utc = new TimeZone('UTC');

function iso(text: string, mode: 'rfc5424' | 'lenient', zone = utc): string | undefined {
  const millis = parseIsoTimestamp(text, 0, text.length, mode, zone);
  return Number.isNaN(millis) ? undefined : new Date(millis).toISOString();
}

describe('formatIsoTimestamp', () => {
  it('formatIsoTimestamp – matches Date#toISOString across years 1000 to 9999', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const low = Date.UTC(1000, 0, 1);
    const high = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    const mismatches: string[] = [];
    for (let index = 0; index < 20_000; index++) {
      const millis = Math.floor(low + random() * (high - low));
      if (formatIsoTimestamp(millis) !== new Date(millis).toISOString()) mismatches.push(formatIsoTimestamp(millis));
    }
    expect(mismatches).toEqual([]);
  });

  it('formatIsoTimestamp – matches Date#toISOString at the edges and outside the fast range', () => {
    for (const millis of [0, -1, 1, Date.UTC(2000, 1, 29), Date.UTC(1900, 2, 1) - 1, Date.UTC(999, 11, 31), Date.UTC(10000, 0, 1), -8.64e15, 8.64e15]) {
      expect(formatIsoTimestamp(millis)).toBe(new Date(millis).toISOString());
    }
  });
});

describe('parseIsoTimestamp', () => {
  it('parseIsoTimestamp – reads the RFC 5424 section 6.2.3.1 examples', () => {
    expect(iso('1985-04-12T23:20:50.52Z', 'rfc5424')).toBe('1985-04-12T23:20:50.520Z');
    expect(iso('1985-04-12T19:20:50.52-04:00', 'rfc5424')).toBe('1985-04-12T23:20:50.520Z');
    expect(iso('2003-10-11T22:14:15.003Z', 'rfc5424')).toBe('2003-10-11T22:14:15.003Z');
    expect(iso('2003-08-24T05:14:15.000003-07:00', 'rfc5424')).toBe('2003-08-24T12:14:15.000Z');
  });

  it('parseIsoTimestamp – rejects the RFC 5424 section 6.2.3.1 invalid examples', () => {
    expect(iso('2003-08-24T05:14:15.000000003-07:00', 'rfc5424')).toBeUndefined();
    expect(iso('2003-08-24T05:14:15.000000003-07:00', 'lenient')).toBe('2003-08-24T12:14:15.000Z');
  });

  it('parseIsoTimestamp – keeps years below 100 in the first century', () => {
    expect(iso('0042-01-01T00:00:00Z', 'rfc5424')).toBe('0042-01-01T00:00:00.000Z');
  });

  it('parseIsoTimestamp – accepts compact and hour-only offsets and a zone-less time only in lenient mode', () => {
    expect(iso('2026-11-23T12:00:00+0130', 'lenient')).toBe('2026-11-23T10:30:00.000Z');
    expect(iso('2026-11-23T12:00:00-05', 'lenient')).toBe('2026-11-23T17:00:00.000Z');
    expect(iso('2026-11-23t12:00:00z', 'lenient')).toBe('2026-11-23T12:00:00.000Z');
    expect(iso('2026-11-23T12:00:00', 'lenient', new TimeZone('America/New_York'))).toBe('2026-11-23T17:00:00.000Z');
    expect(iso('2026-11-23T12:00:00+0130', 'rfc5424')).toBeUndefined();
    expect(iso('2026-11-23T12:00:00', 'rfc5424')).toBeUndefined();
  });

  it.each(['', '2026', '2026-11-23', '2026-11-23T12:00', '2026-11-23T12:00:00+1', '2026-11-23T12:00:00+24:00', '2026-11-23T12:00:00Zjunk', '２０２６-11-23T12:00:00Z'])(
    'parseIsoTimestamp – rejects %j',
    (text) => {
      expect(iso(text, 'lenient')).toBeUndefined();
    },
  );
});

describe('TimeZone', () => {
  it('TimeZone – converts wall-clock time to UTC across daylight saving time', () => {
    const berlin = new TimeZone('Europe/Berlin');
    expect(new Date(berlin.toUtc(Date.UTC(2026, 2, 29, 1, 30))).toISOString()).toBe('2026-03-29T00:30:00.000Z');
    expect(new Date(berlin.toUtc(Date.UTC(2026, 2, 29, 3, 30))).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(new Date(berlin.toUtc(Date.UTC(2026, 9, 25, 4, 0))).toISOString()).toBe('2026-10-25T03:00:00.000Z');
  });

  it('TimeZone – gives the same answer from its cache as on first computation', () => {
    const sydney = new TimeZone('Australia/Sydney');
    const wall = Date.UTC(2026, 0, 10, 8, 15, 30, 250);
    const first = sydney.toUtc(wall);
    expect(sydney.toUtc(wall)).toBe(first);
    expect(new Date(first).toISOString()).toBe('2026-01-09T21:15:30.250Z');
  });
});

describe('parseBsdTimestamp', () => {
  const received = Date.UTC(2026, 0, 1, 0, 0, 3);

  it('parseBsdTimestamp – returns the end of the timestamp', () => {
    expect(parseBsdTimestamp('Dec 31 23:59:58 host', 0, received, utc)).toEqual({ millis: Date.UTC(2025, 11, 31, 23, 59, 58), end: 15 });
  });

  it.each(['Dec 31 23:59', 'Dec 31 23:59:5', 'Dec 31 23:59:58:00', 'Dec 31 23.59.58', 'De', '', 'Dec 31  23:59:58'])(
    'parseBsdTimestamp – rejects %j',
    (text) => {
      expect(parseBsdTimestamp(text, 0, received, utc)).toBeUndefined();
    },
  );
});
