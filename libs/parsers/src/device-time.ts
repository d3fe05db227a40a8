/**
 * The timestamps security devices put in CEF (`rt`, `start`, `end`) and LEEF
 * (`devTime` without `devTimeFormat`): epoch milliseconds, or ArcSight's
 * `MMM dd[ yyyy] HH:mm:ss[.SSS][ zone]`, and ISO 8601 from the devices that
 * ignore the specification. Index-based and regex-free, like time.ts.
 */
import { dateUtc, daysInMonth, isValidTimeValue, parseIsoTimestamp, TimeZone } from './time';
import { digitsAt, monthAt } from './web-time';

const MS_PER_DAY = 86_400_000;
/** Epoch values below this are seconds (before 1973 in milliseconds, after 5138 in seconds). */
const SECONDS_LIMIT = 100_000_000_000;
const ZONE_CACHE_LIMIT = 64;

/** UTC offset in milliseconds, or a named zone whose offset depends on the date. */
export type DeviceZone = number | TimeZone;

// Java's SimpleDateFormat reads these abbreviations; the ambiguous ones (IST, CST in Asia) follow Java.
const OFFSET_BY_ABBREVIATION: ReadonlyMap<string, number> = new Map([
  ['UTC', 0], ['UT', 0], ['GMT', 0], ['Z', 0],
  ['EST', -5], ['EDT', -4], ['CST', -6], ['CDT', -5], ['MST', -7], ['MDT', -6], ['PST', -8], ['PDT', -7],
  ['CET', 1], ['CEST', 2], ['EET', 2], ['EEST', 3], ['WET', 0], ['WEST', 1], ['JST', 9], ['IST', 5.5],
].map(([name, hours]) => [name as string, (hours as number) * 3_600_000]));

const namedZones = new Map<string, TimeZone | undefined>();

function namedZone(name: string): TimeZone | undefined {
  if (namedZones.has(name)) return namedZones.get(name);
  let zone: TimeZone | undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    zone = new TimeZone(name);
  } catch {
    zone = undefined;
  }
  if (namedZones.size >= ZONE_CACHE_LIMIT) namedZones.clear();
  namedZones.set(name, zone);
  return zone;
}

/** `+01:00`, `-0500`, `+01` at `start`, to the end of the text: offset in milliseconds, or undefined. */
function numericOffset(text: string, start: number): number | undefined {
  const sign = text.charCodeAt(start);
  if (sign !== 0x2b && sign !== 0x2d) return undefined;
  const rest = text.length - start - 1;
  let hours: number;
  let minutes = 0;
  if (rest === 1 || rest === 2) {
    hours = digitsAt(text, start + 1, rest);
  } else if (rest === 4) {
    hours = digitsAt(text, start + 1, 2);
    minutes = digitsAt(text, start + 3, 2);
  } else if (rest === 5 && text.charCodeAt(start + 3) === 0x3a) {
    hours = digitsAt(text, start + 1, 2);
    minutes = digitsAt(text, start + 4, 2);
  } else {
    return undefined;
  }
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return undefined;
  const offset = (hours * 60 + minutes) * 60_000;
  return sign === 0x2b ? offset : -offset;
}

/** A zone as devices write it: `UTC`, `GMT+01:00`, `+0100`, `EST`, `Europe/Berlin`. */
export function parseDeviceZone(text: string): DeviceZone | undefined {
  if (text.length === 0 || text.length > 64) return undefined;
  const abbreviation = OFFSET_BY_ABBREVIATION.get(text);
  if (abbreviation !== undefined) return abbreviation;
  const first = text.charCodeAt(0);
  if (first === 0x2b || first === 0x2d) return numericOffset(text, 0);
  if (text.startsWith('GMT') || text.startsWith('UTC')) return numericOffset(text, 3);
  return text.includes('/') ? namedZone(text) : undefined;
}

export function wallToUtc(wallMillis: number, zone: DeviceZone): number {
  return typeof zone === 'number' ? wallMillis - zone : zone.toUtc(wallMillis);
}

/**
 * The year of a date written without one: the year of `nowMillis`, or the year
 * before when that would put the date more than a day in the future (December
 * events read in January).
 */
export function inferYear(month: number, day: number, nowMillis: number): number {
  const year = new Date(nowMillis).getUTCFullYear();
  return dateUtc(year, month, day, 0, 0, 0, 0) > nowMillis + MS_PER_DAY ? year - 1 : year;
}

/** Epoch seconds or milliseconds, digits only. */
function epochMillis(text: string): number | undefined {
  if (text.length === 0 || text.length > 16) return undefined;
  const value = digitsAt(text, 0, text.length);
  if (value < 0) return undefined;
  return value < SECONDS_LIMIT ? value * 1000 : value;
}

function twoDigits(text: string, index: number): number {
  return digitsAt(text, index, 2);
}

/** `MMM dd[ yyyy] HH:mm:ss[.SSS][ zone]`; NaN when the text is not in that form. */
function arcSightMillis(text: string, defaultZone: TimeZone, now: () => Date): number {
  const month = monthAt(text, 0);
  if (month === 0 || text.charCodeAt(3) !== 0x20) return Number.NaN;
  let index = text.charCodeAt(4) === 0x20 ? 5 : 4;
  const dayDigits = text.charCodeAt(index + 1) === 0x20 ? 1 : 2;
  const day = digitsAt(text, index, dayDigits);
  index += dayDigits;
  if (day < 1 || text.charCodeAt(index) !== 0x20) return Number.NaN;
  index++;
  let year = -1;
  if (text.charCodeAt(index + 2) !== 0x3a) {
    year = digitsAt(text, index, 4);
    if (year < 0 || text.charCodeAt(index + 4) !== 0x20) return Number.NaN;
    index += 5;
  }
  const hour = twoDigits(text, index);
  const minute = twoDigits(text, index + 3);
  const second = twoDigits(text, index + 6);
  if (
    hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 ||
    text.charCodeAt(index + 2) !== 0x3a || text.charCodeAt(index + 5) !== 0x3a
  ) {
    return Number.NaN;
  }
  index += 8;
  let millis = 0;
  if (text.charCodeAt(index) === 0x2e) {
    const start = index + 1;
    let end = start;
    while (end < text.length && end - start < 9 && digitsAt(text, end, 1) >= 0) end++;
    if (end === start) return Number.NaN;
    millis = digitsAt(text.slice(start, Math.min(end, start + 3)).padEnd(3, '0'), 0, 3);
    index = end;
  }
  let zone: DeviceZone = defaultZone;
  if (index < text.length) {
    if (text.charCodeAt(index) !== 0x20) return Number.NaN;
    const named = parseDeviceZone(text.slice(index + 1));
    if (named === undefined) return Number.NaN;
    zone = named;
  }
  if (year < 0) year = inferYear(month, day, now().getTime());
  if (day > daysInMonth(year, month)) return Number.NaN;
  return wallToUtc(dateUtc(year, month, day, hour, minute, second, millis), zone);
}

/**
 * UTC epoch millis of a CEF or LEEF device time, or undefined when the text is
 * in none of the accepted forms. Times without a zone are read in `zone`;
 * `now` is only asked when the text has no year.
 */
export function parseDeviceTime(text: string, zone: TimeZone, now: () => Date): number | undefined {
  if (text.length === 0 || text.length > 64) return undefined;
  let millis = epochMillis(text);
  if (millis === undefined) {
    millis = arcSightMillis(text, zone, now);
    if (Number.isNaN(millis)) millis = parseIsoTimestamp(text, 0, text.length, 'lenient', zone);
  }
  return isValidTimeValue(millis) ? millis : undefined;
}
