import { describe, expect, it } from 'vitest';
import { inferYear, parseDeviceTime, parseDeviceZone } from './device-time';
import { parseJavaDate } from './java-date-format';
import { TimeZone } from './time';

const UTC = new TimeZone('UTC');
const NOW = new Date('2026-01-02T12:00:00.000Z');
const now = () => NOW;
const iso = (millis: number | undefined) => (millis === undefined ? undefined : new Date(millis).toISOString());

describe('device time – zones', () => {
  it.each([
    ['UTC', 0],
    ['Z', 0],
    ['GMT+01:00', 3_600_000],
    ['UTC-5', -18_000_000],
    ['+0530', 19_800_000],
    ['-03', -10_800_000],
    ['PDT', -25_200_000],
  ])('device time – reads the zone %j as an offset of %d ms', (text, offset) => {
    expect(parseDeviceZone(text)).toBe(offset);
  });

  it('device time – reads an IANA zone name and refuses unknown names and malformed offsets', () => {
    expect(parseDeviceZone('America/New_York')).toBeInstanceOf(TimeZone);
    for (const text of ['Mars/Olympus', 'XYZ', '+123', '+25:00', 'GMT+0a:00', '', 'A'.repeat(65)]) {
      expect(parseDeviceZone(text)).toBeUndefined();
    }
  });
});

describe('device time – CEF and LEEF default forms', () => {
  it('device time – puts a date without a year in the year before when it would be more than a day ahead', () => {
    expect(inferYear(12, 31, NOW.getTime())).toBe(2025);
    expect(inferYear(1, 3, NOW.getTime())).toBe(2026);
  });

  it.each([
    '',
    'now',
    'Feb 30 2024 10:00:00',
    'Nov 14 2023 24:00:00',
    'Nov 14 2023 22:13:20 Nowhere',
    'Nov 14 2023 22:13:20.',
    'Nov 14 2023 22:13:20x',
    '12345678901234567',
    '9'.repeat(65),
  ])('device time – refuses %j', (text) => {
    expect(parseDeviceTime(text, UTC, now)).toBeUndefined();
  });

  it('device time – reads 1 to 9 fraction digits as milliseconds', () => {
    expect(iso(parseDeviceTime('Nov 14 2023 22:13:20.5', UTC, now))).toBe('2023-11-14T22:13:20.500Z');
    expect(iso(parseDeviceTime('Nov 14 2023 22:13:20.123456789', UTC, now))).toBe('2023-11-14T22:13:20.123Z');
  });
});

describe('java date patterns', () => {
  it.each([
    ['yyyy-MM-dd HH:mm:ss.SSSXXX', '2024-02-29 23:59:59.999+01:00', '2024-02-29T22:59:59.999Z'],
    ["dd.MM.yy 'um' H:mm", '05.03.24 um 7:05', '2024-03-05T07:05:00.000Z'],
    ['EEE MMM d HH:mm:ss zzz yyyy', 'Tue Mar 5 07:05:00 GMT+02:00 2024', '2024-03-05T05:05:00.000Z'],
    ["yyyy-MM-dd''HH", "2024-03-05'07", '2024-03-05T07:00:00.000Z'],
  ])('java date patterns – reads %j', (pattern, text, expected) => {
    expect(iso(parseJavaDate(text, pattern, UTC, now))).toBe(expected);
  });

  it.each([
    ['yyyy-MM-dd', '2024-13-01'],
    ['yyyy-MM-dd', '2024-02-30'],
    ['yyyy-MM-dd', '2024-02-01 trailing'],
    ['yyyy-MM-dd G', '2024-02-01 AD'],
    ['hh:mm a', '07:05 XM'],
    ['y'.repeat(65), '2024'],
  ])('java date patterns – refuses the pattern %j with %j', (pattern, text) => {
    expect(parseJavaDate(text, pattern, UTC, now)).toBeUndefined();
  });
});
