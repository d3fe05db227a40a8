import { describe, expect, it } from 'vitest';
import { formatIsoTimestamp, parseBsdTimestamp, parseIsoTimestamp, TimeZone, utcYear } from './time';

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

describe('formatIsoTimestamp – the remembered last text', () => {
  it('formatIsoTimestamp – gives each instant its own text when instants alternate or repeat', () => {
    const instants = [Date.UTC(2026, 10, 23, 10, 0, 5), Date.UTC(2026, 10, 23, 10, 0, 6), Date.UTC(2026, 10, 23, 10, 0, 5), -0, 0, 0.5, 1.5, Number.NaN];
    for (const millis of [...instants, ...instants.reverse()]) {
      const expected = Number.isNaN(millis) ? 'Invalid' : new Date(millis).toISOString();
      if (Number.isNaN(millis)) expect(() => formatIsoTimestamp(millis)).toThrow(expected);
      else expect(formatIsoTimestamp(millis)).toBe(expected);
    }
  });
});

describe('utcYear', () => {
  it('utcYear – matches Date#getUTCFullYear at year boundaries, in any order, and for unusable instants', () => {
    const instants: number[] = [];
    for (const year of [1969, 1970, 2024, 2025, 2026, 9999, 50, 0, -1]) {
      const start = Date.UTC(2000, 0, 1) + (new Date(Date.UTC(2000, 0, 1)).setUTCFullYear(year) - Date.UTC(2000, 0, 1));
      instants.push(start - 1, start, start + 1);
    }
    instants.push(8.64e15, -8.64e15, 8.64e15 + 1, Number.NaN, Number.POSITIVE_INFINITY);
    for (const millis of [...instants, ...instants.reverse()]) {
      expect(utcYear(millis), String(millis)).toBe(new Date(millis).getUTCFullYear());
    }
  });
});

describe('parseIsoTimestamp – remembered day starts', () => {
  it('parseIsoTimestamp – matches Date.parse for random date-times of years 1000 to 9999', () => {
    let seed = 4242;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const low = Date.UTC(1000, 0, 1);
    const high = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    const mismatches: string[] = [];
    for (let index = 0; index < 5_000; index++) {
      const text = new Date(Math.floor(low + random() * (high - low))).toISOString();
      if (parseIsoTimestamp(text, 0, text.length, 'rfc5424', utc) !== Date.parse(text)) mismatches.push(text);
    }
    expect(mismatches).toEqual([]);
  });

  it('parseIsoTimestamp – reads a leap second as the next minute and years below 100 as written', () => {
    expect(iso('2016-12-31T23:59:60Z', 'lenient')).toBe('2017-01-01T00:00:00.000Z');
    expect(iso('0050-03-01T12:00:00.5Z', 'lenient')).toBe('0050-03-01T12:00:00.500Z');
    expect(iso('0004-02-29T01:02:03Z', 'lenient')).toBe('0004-02-29T01:02:03.000Z');
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

  it('parseBsdTimestamp – clips past the last instant a Date holds, as Date.UTC does', () => {
    const last = 8.64e15;
    expect(parseBsdTimestamp('Sep 13 00:00:00', 0, last, utc)?.millis).toBe(last);
    expect(parseBsdTimestamp('Sep 13 00:00:01', 0, last, utc)?.millis).toBeNaN();
  });

  it('parseBsdTimestamp – takes the year of receipt from each receive time, also when they cross a New Year', () => {
    const newYear = Date.UTC(2026, 0, 1);
    expect(parseBsdTimestamp('Dec 31 10:00:00', 0, newYear - 1, utc)?.millis).toBe(Date.UTC(2025, 11, 31, 10));
    expect(parseBsdTimestamp('Jan  1 00:00:00', 0, newYear, utc)?.millis).toBe(newYear);
    expect(parseBsdTimestamp('Jan  1 00:00:00', 0, newYear - 1, utc)?.millis).toBe(newYear);
    expect(parseBsdTimestamp('Jan  2 00:00:00', 0, newYear - 1, utc)?.millis).toBe(Date.UTC(2025, 0, 2));
    expect(parseBsdTimestamp('Jan  2 00:00:00', 0, Date.UTC(2027, 0, 1), utc)?.millis).toBe(Date.UTC(2027, 0, 2));
  });

  it.each(['Dec 31 23:59', 'Dec 31 23:59:5', 'Dec 31 23:59:58:00', 'Dec 31 23.59.58', 'De', '', 'Dec 31  23:59:58'])(
    'parseBsdTimestamp – rejects %j',
    (text) => {
      expect(parseBsdTimestamp(text, 0, received, utc)).toBeUndefined();
    },
  );
});
