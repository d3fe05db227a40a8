/**
 * The timestamps web servers write: the Common Log Format `[10/Oct/2000:13:55:36 -0700]`,
 * Apache's error log `Wed Oct 11 14:32:52.123456 2000` and nginx's error log
 * `2024/01/02 03:04:05`. Index-based and regex-free, like time.ts. The error
 * log times carry no zone and are read in the configured one.
 */
import { dateUtc, daysInMonth, isValidTimeValue, type TimeZone } from './time';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Three ASCII characters in one number, letters lower-cased (OR 0x20 turns no other ASCII character into a letter). */
const monthKey = (first: number, second: number, third: number): number => ((first | 0x20) << 16) | ((second | 0x20) << 8) | (third | 0x20);
const MONTH_BY_KEY: ReadonlyMap<number, number> = new Map(MONTHS.map((name, index) => [monthKey(name.charCodeAt(0), name.charCodeAt(1), name.charCodeAt(2)), index + 1]));

/** Month 1–12 of the three letters at `index` (any case), or 0. Read from the character codes: most callers probe text that is no month. */
export function monthAt(text: string, index: number): number {
  if (index + 3 > text.length) return 0;
  const first = text.charCodeAt(index);
  const second = text.charCodeAt(index + 1);
  const third = text.charCodeAt(index + 2);
  if ((first | second | third) > 0x7f) return 0;
  return MONTH_BY_KEY.get(monthKey(first, second, third)) ?? 0;
}

/** Value of `count` decimal digits at `index`, or -1. */
export function digitsAt(text: string, index: number, count: number): number {
  if (index + count > text.length) return -1;
  let value = 0;
  for (let offset = 0; offset < count; offset++) {
    const digit = text.charCodeAt(index + offset) - 48;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function validDate(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  return (
    year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour >= 0 && hour <= 23 &&
    minute >= 0 && minute <= 59 && second >= 0 && second <= 60
  );
}

/** Milliseconds of a fraction of 1–9 digits at `start`, or undefined when there are none. */
function fractionMillis(text: string, start: number, end: number): { millis: number; end: number } | undefined {
  let index = start;
  let millis = 0;
  while (index < end && index - start < 9) {
    const digit = text.charCodeAt(index) - 48;
    if (!(digit >= 0 && digit <= 9)) break;
    if (index - start < 3) millis = millis * 10 + digit;
    index++;
  }
  const count = index - start;
  if (count === 0) return undefined;
  return { millis: count === 1 ? millis * 100 : count === 2 ? millis * 10 : millis, end: index };
}

/** `dd/Mmm/yyyy:hh:mm:ss ±hhmm` (or `d/...`: some servers and converters write an unpadded day) exactly filling text[start, end); UTC millis or NaN. */
export function parseClfTime(text: string, from: number, end: number): number {
  let start = from;
  let day: number;
  if (end - start === 26) {
    day = digitsAt(text, start, 2);
  } else if (end - start === 25 && text.charCodeAt(start + 1) === 0x2f) {
    day = digitsAt(text, start, 1);
    // Every later part sits one character earlier: read it at the offsets of the padded form.
    start--;
  } else {
    return Number.NaN;
  }
  const month = monthAt(text, start + 3);
  const year = digitsAt(text, start + 7, 4);
  const hour = digitsAt(text, start + 12, 2);
  const minute = digitsAt(text, start + 15, 2);
  const second = digitsAt(text, start + 18, 2);
  const sign = text.charCodeAt(start + 21);
  const offsetHour = digitsAt(text, start + 22, 2);
  const offsetMinute = digitsAt(text, start + 24, 2);
  if (
    text.charCodeAt(start + 2) !== 0x2f || text.charCodeAt(start + 6) !== 0x2f || text.charCodeAt(start + 11) !== 0x3a ||
    text.charCodeAt(start + 14) !== 0x3a || text.charCodeAt(start + 17) !== 0x3a || text.charCodeAt(start + 20) !== 0x20 ||
    (sign !== 0x2b && sign !== 0x2d) || offsetHour < 0 || offsetHour > 23 || offsetMinute < 0 || offsetMinute > 59 ||
    !validDate(year, month, day, hour, minute, second)
  ) {
    return Number.NaN;
  }
  const offset = (offsetHour * 60 + offsetMinute) * 60_000;
  const wall = dateUtc(year, month, day, hour, minute, second, 0);
  return sign === 0x2b ? wall - offset : wall + offset;
}

/** Apache's `Www Mmm dd hh:mm:ss[.ffffff] yyyy` exactly filling text[start, end), read in `zone`; UTC millis or NaN. */
export function parseApacheErrorTime(text: string, start: number, end: number, zone: TimeZone): number {
  if (end - start < 24) return Number.NaN;
  const month = monthAt(text, start + 4);
  const day = text.charCodeAt(start + 8) === 0x20 ? digitsAt(text, start + 9, 1) : digitsAt(text, start + 8, 2);
  const hour = digitsAt(text, start + 11, 2);
  const minute = digitsAt(text, start + 14, 2);
  const second = digitsAt(text, start + 17, 2);
  if (
    text.charCodeAt(start + 3) !== 0x20 || text.charCodeAt(start + 7) !== 0x20 || text.charCodeAt(start + 10) !== 0x20 ||
    text.charCodeAt(start + 13) !== 0x3a || text.charCodeAt(start + 16) !== 0x3a
  ) {
    return Number.NaN;
  }
  let index = start + 19;
  let millis = 0;
  if (text.charCodeAt(index) === 0x2e) {
    const fraction = fractionMillis(text, index + 1, end);
    if (fraction === undefined) return Number.NaN;
    millis = fraction.millis;
    index = fraction.end;
  }
  if (text.charCodeAt(index) !== 0x20 || end - index !== 5) return Number.NaN;
  const year = digitsAt(text, index + 1, 4);
  if (!validDate(year, month, day, hour, minute, second)) return Number.NaN;
  const time = zone.toUtc(dateUtc(year, month, day, hour, minute, second, millis));
  return isValidTimeValue(time) ? time : Number.NaN;
}

/** nginx's `yyyy/mm/dd hh:mm:ss` at `start` (19 characters), read in `zone`; UTC millis or NaN. */
export function parseNginxErrorTime(text: string, start: number, zone: TimeZone): number {
  const year = digitsAt(text, start, 4);
  const month = digitsAt(text, start + 5, 2);
  const day = digitsAt(text, start + 8, 2);
  const hour = digitsAt(text, start + 11, 2);
  const minute = digitsAt(text, start + 14, 2);
  const second = digitsAt(text, start + 17, 2);
  if (
    text.charCodeAt(start + 4) !== 0x2f || text.charCodeAt(start + 7) !== 0x2f || text.charCodeAt(start + 10) !== 0x20 ||
    text.charCodeAt(start + 13) !== 0x3a || text.charCodeAt(start + 16) !== 0x3a || !validDate(year, month, day, hour, minute, second)
  ) {
    return Number.NaN;
  }
  return zone.toUtc(dateUtc(year, month, day, hour, minute, second, 0));
}

/** Epoch seconds with an optional fraction (`1364481363.243`, nginx `$msec`); UTC millis or NaN. */
export function parseEpochSeconds(text: string, start: number, end: number): number {
  let index = start;
  let seconds = 0;
  while (index < end && index - start < 12) {
    const digit = text.charCodeAt(index) - 48;
    if (!(digit >= 0 && digit <= 9)) break;
    seconds = seconds * 10 + digit;
    index++;
  }
  if (index === start) return Number.NaN;
  let millis = 0;
  if (index < end && text.charCodeAt(index) === 0x2e) {
    const fraction = fractionMillis(text, index + 1, end);
    if (fraction === undefined) return Number.NaN;
    millis = fraction.millis;
    index = fraction.end;
  }
  return index === end ? seconds * 1000 + millis : Number.NaN;
}
