/**
 * Timestamp scanning for syslog and JSON lines. Hand-written, index-based
 * and regex-free: it runs once per event on untrusted input.
 */

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
/** The Date range limit (ECMAScript time values). */
const MAX_TIME_VALUE = 8.64e15;
const OFFSET_CACHE_LIMIT = 10_000;
const UTC_ZONE_NAMES: ReadonlySet<string> = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'Etc/Zulu', 'Zulu']);

/** Converts wall-clock times of one IANA zone to UTC, caching the offset per local hour. */
export class TimeZone {
  readonly name: string;
  readonly #formatter: Intl.DateTimeFormat | undefined;
  readonly #offsetByLocalHour = new Map<number, number>();

  constructor(name: string) {
    this.name = name;
    this.#formatter = UTC_ZONE_NAMES.has(name)
      ? undefined
      : new Intl.DateTimeFormat('en-US', {
          timeZone: name,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
        });
  }

  /** `wallMillis` is the local wall-clock time written as if it were UTC; returns the real UTC instant. */
  toUtc(wallMillis: number): number {
    if (this.#formatter === undefined) return wallMillis;
    const hour = Math.floor(wallMillis / MS_PER_HOUR);
    let offset = this.#offsetByLocalHour.get(hour);
    if (offset === undefined) {
      offset = this.#offsetForWallTime(hour * MS_PER_HOUR);
      if (this.#offsetByLocalHour.size >= OFFSET_CACHE_LIMIT) this.#offsetByLocalHour.clear();
      this.#offsetByLocalHour.set(hour, offset);
    }
    return wallMillis - offset;
  }

  // Two passes settle the offset everywhere except inside a DST gap or
  // overlap, where any of the two candidate offsets is an acceptable answer.
  #offsetForWallTime(wallMillis: number): number {
    const first = this.#offsetAt(wallMillis);
    const second = this.#offsetAt(wallMillis - first);
    return first === second ? first : this.#offsetAt(wallMillis - second);
  }

  #offsetAt(utcMillis: number): number {
    const formatter = this.#formatter;
    if (formatter === undefined || !Number.isFinite(utcMillis)) return 0;
    try {
      let year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
      for (const part of formatter.formatToParts(utcMillis)) {
        const value = Number(part.value);
        switch (part.type) {
          case 'year': year = value; break;
          case 'month': month = value; break;
          case 'day': day = value; break;
          case 'hour': hour = value; break;
          case 'minute': minute = value; break;
          case 'second': second = value; break;
        }
      }
      const wall = dateUtc(year, month, day, hour, minute, second, 0);
      const offset = wall - (utcMillis - (((utcMillis % 1000) + 1000) % 1000));
      return Number.isFinite(offset) ? offset : 0;
    } catch {
      return 0;
    }
  }
}

/** Like Date.UTC, but years 0–99 stay in the first century instead of becoming 19xx. */
export function dateUtc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millisecond: number,
): number {
  const time = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  if (year >= 0 && year < 100) {
    const date = new Date(time);
    date.setUTCFullYear(date.getUTCFullYear() - 1900);
    return date.getTime();
  }
  return time;
}

const DAY_START_CACHE_LIMIT = 4096;
// Lines of one day share its start, and Date.UTC is a slow call; the bound keeps odd input from growing the map.
const dayStarts = new Map<number, number>();

/**
 * dateUtc for fields already checked to be integers in range (month 1–12,
 * day 1–31, hour 0–23, minute 0–59, second 0–60, millisecond 0–999): the
 * start of the day, remembered, plus the time of day, clipped as Date.UTC clips.
 */
function checkedDateUtc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millisecond: number,
): number {
  const key = year * 416 + month * 32 + day;
  let dayStart = dayStarts.get(key);
  if (dayStart === undefined) {
    dayStart = dateUtc(year, month, day, 0, 0, 0, 0);
    if (dayStarts.size >= DAY_START_CACHE_LIMIT) dayStarts.clear();
    dayStarts.set(key, dayStart);
  }
  const time = dayStart + ((hour * 60 + minute) * 60 + second) * 1000 + millisecond;
  return Math.abs(time) <= MAX_TIME_VALUE ? time : Number.NaN;
}

/** The UTC year of the last instant asked about, and the span of that year, so that a receive time costs no Date. */
let yearStart = 0;
let nextYearStart = 0;
let spanYear = Number.NaN;

/** `new Date(millis).getUTCFullYear()`. */
export function utcYear(millis: number): number {
  if (millis >= yearStart && millis < nextYearStart) return spanYear;
  const year = new Date(millis).getUTCFullYear();
  if (Number.isNaN(year)) return year;
  spanYear = year;
  yearStart = dateUtc(year, 1, 1, 0, 0, 0, 0);
  nextYearStart = dateUtc(year + 1, 1, 1, 0, 0, 0, 0);
  return year;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function isValidTimeValue(millis: number): boolean {
  return Number.isFinite(millis) && Math.abs(millis) <= MAX_TIME_VALUE;
}

/** The decimal digit at `index`, or -1 (also past the end, where charCodeAt gives NaN). */
function digitAt(text: string, index: number): number {
  const value = text.charCodeAt(index) - 48;
  return value >= 0 && value <= 9 ? value : -1;
}

function twoDigitsAt(text: string, index: number): number {
  const tens = digitAt(text, index);
  const ones = digitAt(text, index + 1);
  return tens < 0 || ones < 0 ? -1 : tens * 10 + ones;
}

// Scratch output of scanFraction; parsing is synchronous, so one per module is safe.
const fraction = { millis: 0 };

/**
 * Reads 1 to `maxDigits` digits of a fraction of a second at `start`.
 * Returns the index after them (or -1) and leaves the millisecond part in `fraction.millis`.
 */
function scanFraction(text: string, start: number, end: number, maxDigits: number): number {
  let index = start;
  let millis = 0;
  while (index < end && index - start < maxDigits) {
    const digit = digitAt(text, index);
    if (digit < 0) break;
    if (index - start < 3) millis = millis * 10 + digit;
    index++;
  }
  const count = index - start;
  if (count === 0) return -1;
  if (count === 1) millis *= 100;
  else if (count === 2) millis *= 10;
  fraction.millis = millis;
  return index;
}

/**
 * `rfc5424` (§6.2.3): upper-case T and Z, 1–6 fraction digits, offset required.
 * `lenient`: also lower-case t/z, a space separator, 1–9 fraction digits,
 * ±HHMM or ±HH, or no offset at all (then it is local time of `zone`).
 */
export type IsoMode = 'rfc5424' | 'lenient';

/** Parses an ISO 8601 / RFC 3339 date-time in text[start, end). Returns UTC epoch millis or NaN. */
export function parseIsoTimestamp(text: string, start: number, end: number, mode: IsoMode, zone: TimeZone): number {
  if (end - start < 19 || end > text.length) return Number.NaN;
  const strict = mode === 'rfc5424';
  const century = twoDigitsAt(text, start);
  const yearInCentury = twoDigitsAt(text, start + 2);
  const month = twoDigitsAt(text, start + 5);
  const day = twoDigitsAt(text, start + 8);
  const hour = twoDigitsAt(text, start + 11);
  const minute = twoDigitsAt(text, start + 14);
  const second = twoDigitsAt(text, start + 17);
  const separator = text.charCodeAt(start + 10);
  if (
    century < 0 || yearInCentury < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 ||
    minute < 0 || minute > 59 || second < 0 || second > (strict ? 59 : 60) ||
    text.charCodeAt(start + 4) !== 0x2d || text.charCodeAt(start + 7) !== 0x2d ||
    text.charCodeAt(start + 13) !== 0x3a || text.charCodeAt(start + 16) !== 0x3a ||
    !(separator === 0x54 || (!strict && (separator === 0x74 || separator === 0x20)))
  ) {
    return Number.NaN;
  }
  const year = century * 100 + yearInCentury;
  if (day > daysInMonth(year, month)) return Number.NaN;

  let index = start + 19;
  fraction.millis = 0;
  if (index < end && text.charCodeAt(index) === 0x2e) {
    index = scanFraction(text, index + 1, end, strict ? 6 : 9);
    if (index < 0) return Number.NaN;
  }
  const wall = checkedDateUtc(year, month, day, hour, minute, second, fraction.millis);
  if (index === end) return strict ? Number.NaN : zone.toUtc(wall);

  const sign = text.charCodeAt(index);
  if (sign === 0x5a || (!strict && sign === 0x7a)) return index + 1 === end ? wall : Number.NaN;
  if (sign !== 0x2b && sign !== 0x2d) return Number.NaN;
  const offsetHour = twoDigitsAt(text, index + 1);
  let offsetMinute = 0;
  const rest = end - index - 3;
  if (rest === 3 && text.charCodeAt(index + 3) === 0x3a) offsetMinute = twoDigitsAt(text, index + 4);
  else if (!strict && rest === 2) offsetMinute = twoDigitsAt(text, index + 3);
  else if (strict || rest !== 0) return Number.NaN;
  if (offsetHour < 0 || offsetHour > 23 || offsetMinute < 0 || offsetMinute > 59) return Number.NaN;
  const offset = (offsetHour * 60 + offsetMinute) * 60_000;
  return sign === 0x2b ? wall - offset : wall + offset;
}

const MONTH_BY_LETTERS: ReadonlyMap<number, number> = new Map(
  ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map((name, index) => [
    letterKey(name, 0),
    index + 1,
  ]),
);

// OR-ing 0x20 lower-cases ASCII letters; no non-letter maps onto a letter, so
// the lookup needs no separate letter check.
function letterKey(text: string, index: number): number {
  return (
    ((text.charCodeAt(index) | 0x20) << 16) | ((text.charCodeAt(index + 1) | 0x20) << 8) | (text.charCodeAt(index + 2) | 0x20)
  );
}

export interface BsdTimestamp {
  /** UTC epoch millis. */
  readonly millis: number;
  /** Index just after the timestamp: the end of the line or a space. */
  readonly end: number;
}

/**
 * Parses the RFC 3164 `Mmm dd hh:mm:ss` timestamp at `start` (day padded with a
 * space, a zero or not at all; an optional fraction of a second). The line has no
 * year and no zone, so the time is read in `zone` and the year is the year of
 * receipt, except that a line which would then lie more than a day after
 * `receivedMillis` belongs to the year before (December lines received in
 * January), and one that fits a day after receipt in the next year belongs to
 * that year (a sender clock just past New Year).
 */
export function parseBsdTimestamp(text: string, start: number, receivedMillis: number, zone: TimeZone): BsdTimestamp | undefined {
  const month = MONTH_BY_LETTERS.get(letterKey(text, start));
  if (month === undefined || text.charCodeAt(start + 3) !== 0x20) return undefined;
  let index = start + 4;
  if (text.charCodeAt(index) === 0x20) index++;
  let day = digitAt(text, index);
  if (day < 0) return undefined;
  index++;
  const secondDayDigit = digitAt(text, index);
  if (secondDayDigit >= 0) {
    day = day * 10 + secondDayDigit;
    index++;
  }
  if (text.charCodeAt(index) !== 0x20 || day < 1 || day > 31) return undefined;
  const hour = twoDigitsAt(text, index + 1);
  const minute = twoDigitsAt(text, index + 4);
  const second = twoDigitsAt(text, index + 7);
  if (
    hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 ||
    text.charCodeAt(index + 3) !== 0x3a || text.charCodeAt(index + 6) !== 0x3a
  ) {
    return undefined;
  }
  index += 9;
  fraction.millis = 0;
  if (text.charCodeAt(index) === 0x2e) {
    index = scanFraction(text, index + 1, text.length, 9);
    if (index < 0) return undefined;
  }
  if (index < text.length && text.charCodeAt(index) !== 0x20) return undefined;

  const millis = fraction.millis;
  const receivedYear = utcYear(receivedMillis);
  const latestPlausible = receivedMillis + MS_PER_DAY;
  let year = receivedYear;
  let time = zone.toUtc(checkedDateUtc(year, month, day, hour, minute, second, millis));
  if (time > latestPlausible) {
    year = receivedYear - 1;
  } else {
    const nextYearTime = zone.toUtc(checkedDateUtc(receivedYear + 1, month, day, hour, minute, second, millis));
    if (nextYearTime <= latestPlausible) year = receivedYear + 1;
  }
  if (day > daysInMonth(year, month)) return undefined;
  if (year !== receivedYear) time = zone.toUtc(checkedDateUtc(year, month, day, hour, minute, second, millis));
  return { millis: time, end: index };
}

const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, value) => (value < 10 ? `0${value}` : `${value}`));
const THREE_DIGITS: readonly string[] = Array.from({ length: 1000 }, (_, value) => String(value).padStart(3, '0'));
const FAST_FORMAT_MIN = -30_610_224_000_000; // 1000-01-01T00:00:00Z
const FAST_FORMAT_MAX = 253_402_300_800_000; // 10000-01-01T00:00:00Z

/**
 * Same output as `new Date(millis).toISOString()` (UTC, milliseconds), several
 * times faster: V8's version costs about a microsecond, and every event needs
 * two of them. Years outside 1000–9999 fall back to the built-in.
 */
export function formatIsoTimestamp(millis: number): string {
  if (millis === lastFormatted) return lastFormattedText;
  if (!(millis >= FAST_FORMAT_MIN && millis < FAST_FORMAT_MAX)) return new Date(millis).toISOString();
  lastFormattedText = formatFast(millis);
  lastFormatted = millis;
  return lastFormattedText;
}

// Senders write many lines per second and stamps have whole seconds, so the last text is often the one asked for again.
let lastFormatted = Number.NaN;
let lastFormattedText = '';

// Event times and receive times mostly fall on the same day, so the date half of the text is kept.
let lastDay = Number.NaN;
let lastDayText = '';

/** `YYYY-MM-DDT` of a day count since the epoch. */
function dayText(days: number): string {
  // Civil date from a day count (Howard Hinnant's days_from_civil, inverted).
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T`;
}

function formatFast(millis: number): string {
  const whole = Math.floor(millis);
  const days = Math.floor(whole / MS_PER_DAY);
  if (days !== lastDay) {
    lastDayText = dayText(days);
    lastDay = days;
  }
  let rest = whole - days * MS_PER_DAY;
  const hour = Math.floor(rest / MS_PER_HOUR);
  rest -= hour * MS_PER_HOUR;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const millisecond = rest - second * 1000;
  return `${lastDayText}${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[second]}.${THREE_DIGITS[millisecond]}Z`;
}

/**
 * `Mmm dd yyyy hh:mm:ss[.fff]` at `start`, the BSD timestamp with a year that
 * Cisco ASA, FTD and IOS write (`logging timestamp`), optionally followed by
 * the colon they put after it. Read in `zone`. Returns the time and the index
 * after it (and after the colon), or undefined.
 */
export function parseBsdYearTimestamp(text: string, start: number, zone: TimeZone): BsdTimestamp | undefined {
  const month = MONTH_BY_LETTERS.get(letterKey(text, start));
  if (month === undefined || text.charCodeAt(start + 3) !== 0x20) return undefined;
  let index = start + 4;
  if (text.charCodeAt(index) === 0x20) index++;
  let day = digitAt(text, index);
  if (day < 0) return undefined;
  index++;
  const secondDayDigit = digitAt(text, index);
  if (secondDayDigit >= 0) {
    day = day * 10 + secondDayDigit;
    index++;
  }
  const century = twoDigitsAt(text, index + 1);
  const yearInCentury = twoDigitsAt(text, index + 3);
  if (text.charCodeAt(index) !== 0x20 || century < 0 || yearInCentury < 0 || text.charCodeAt(index + 5) !== 0x20) return undefined;
  const year = century * 100 + yearInCentury;
  index += 6;
  const hour = twoDigitsAt(text, index);
  const minute = twoDigitsAt(text, index + 3);
  const second = twoDigitsAt(text, index + 6);
  if (
    day < 1 || day > daysInMonth(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 ||
    text.charCodeAt(index + 2) !== 0x3a || text.charCodeAt(index + 5) !== 0x3a
  ) {
    return undefined;
  }
  index += 8;
  fraction.millis = 0;
  if (text.charCodeAt(index) === 0x2e) {
    index = scanFraction(text, index + 1, text.length, 9);
    if (index < 0) return undefined;
  }
  if (text.charCodeAt(index) === 0x3a) index++;
  if (index < text.length && text.charCodeAt(index) !== 0x20) return undefined;
  return { millis: zone.toUtc(checkedDateUtc(year, month, day, hour, minute, second, fraction.millis)), end: index };
}
