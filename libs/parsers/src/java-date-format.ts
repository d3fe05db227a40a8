/**
 * LEEF's `devTimeFormat` is a Java SimpleDateFormat pattern chosen by the
 * device (`MMM dd yyyy HH:mm:ss.SSS zzz`, `yyyy-MM-dd'T'HH:mm:ssZ`, ...).
 * This reads the pattern letters devices use (y M d H h a m s S z Z X, and E
 * skipped) into a list of steps, cached per pattern, and applies it with one
 * forward pass over the value.
 */
import { inferYear, parseDeviceZone, wallToUtc, type DeviceZone } from './device-time';
import { dateUtc, daysInMonth, isValidTimeValue, type TimeZone } from './time';
import { monthAt } from './web-time';

type Step =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'number'; readonly field: NumberField; readonly maxDigits: number }
  | { readonly kind: 'month-name' }
  | { readonly kind: 'day-name' }
  | { readonly kind: 'am-pm' }
  | { readonly kind: 'zone' };

type NumberField = 'year' | 'month' | 'day' | 'hour' | 'hour12' | 'minute' | 'second' | 'millis';

const NUMBER_LETTERS: ReadonlyMap<string, NumberField> = new Map([
  ['y', 'year'],
  ['M', 'month'],
  ['d', 'day'],
  ['H', 'hour'],
  ['h', 'hour12'],
  ['m', 'minute'],
  ['s', 'second'],
  ['S', 'millis'],
]);

const MAX_PATTERN_LENGTH = 64;
const CACHE_LIMIT = 64;
const compiledPatterns = new Map<string, readonly Step[] | undefined>();

function isLetter(character: string): boolean {
  return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z');
}

/** The steps of a pattern, or undefined when it uses letters this reader does not know. */
function compile(pattern: string): readonly Step[] | undefined {
  const steps: Step[] = [];
  let index = 0;
  while (index < pattern.length) {
    const character = pattern[index] as string;
    if (character === "'") {
      const close = pattern.indexOf("'", index + 1);
      if (close < 0) return undefined;
      steps.push({ kind: 'literal', text: close === index + 1 ? "'" : pattern.slice(index + 1, close) });
      index = close + 1;
      continue;
    }
    if (!isLetter(character)) {
      steps.push({ kind: 'literal', text: character });
      index++;
      continue;
    }
    let count = 1;
    while (pattern[index + count] === character) count++;
    index += count;
    const field = NUMBER_LETTERS.get(character);
    if (character === 'M' && count >= 3) steps.push({ kind: 'month-name' });
    else if (field !== undefined) steps.push({ kind: 'number', field, maxDigits: field === 'year' ? (count === 2 ? 2 : 4) : field === 'millis' ? 9 : 2 });
    else if (character === 'E') steps.push({ kind: 'day-name' });
    else if (character === 'a') steps.push({ kind: 'am-pm' });
    else if (character === 'z' || character === 'Z' || character === 'X') steps.push({ kind: 'zone' });
    else return undefined;
  }
  return steps;
}

function compiled(pattern: string): readonly Step[] | undefined {
  if (compiledPatterns.has(pattern)) return compiledPatterns.get(pattern);
  const steps = pattern.length <= MAX_PATTERN_LENGTH ? compile(pattern) : undefined;
  if (compiledPatterns.size >= CACHE_LIMIT) compiledPatterns.clear();
  compiledPatterns.set(pattern, steps);
  return steps;
}

interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millis: number;
  pm: boolean | undefined;
  zone: DeviceZone | undefined;
}

/** Index after the zone text at `start`: up to a blank, or to the end. */
function zoneEnd(text: string, start: number): number {
  let end = start;
  while (end < text.length && text.charCodeAt(end) !== 0x20) end++;
  return end;
}

/** Applies one number step; returns the index after the digits, or -1. */
function readNumber(text: string, start: number, step: Extract<Step, { kind: 'number' }>, parts: DateParts): number {
  let index = start;
  let value = 0;
  let scale = 1;
  while (index < text.length && index - start < step.maxDigits) {
    const digit = text.charCodeAt(index) - 48;
    if (!(digit >= 0 && digit <= 9)) break;
    if (step.field !== 'millis' || index - start < 3) {
      value = value * 10 + digit;
      if (step.field === 'millis') scale *= 10;
    }
    index++;
  }
  if (index === start) return -1;
  switch (step.field) {
    case 'year': parts.year = step.maxDigits === 2 ? 2000 + value : value; break;
    case 'month': parts.month = value; break;
    case 'day': parts.day = value; break;
    case 'hour': parts.hour = value; break;
    case 'hour12': parts.hour = value % 12; break;
    case 'minute': parts.minute = value; break;
    case 'second': parts.second = value; break;
    case 'millis': parts.millis = Math.round((value * 1000) / scale); break;
  }
  return index;
}

function readStep(text: string, index: number, step: Step, parts: DateParts): number {
  switch (step.kind) {
    case 'literal':
      return text.startsWith(step.text, index) ? index + step.text.length : -1;
    case 'number':
      return readNumber(text, index, step, parts);
    case 'month-name': {
      parts.month = monthAt(text, index);
      if (parts.month === 0) return -1;
      let end = index + 3;
      while (end < text.length && isLetter(text[end] as string)) end++;
      return end;
    }
    case 'day-name': {
      let end = index;
      while (end < text.length && isLetter(text[end] as string)) end++;
      return end > index ? end : -1;
    }
    case 'am-pm': {
      const marker = text.slice(index, index + 2).toUpperCase();
      if (marker !== 'AM' && marker !== 'PM') return -1;
      parts.pm = marker === 'PM';
      return index + 2;
    }
    case 'zone': {
      const end = zoneEnd(text, index);
      parts.zone = parseDeviceZone(text.slice(index, end));
      return parts.zone === undefined ? -1 : end;
    }
  }
}

/**
 * UTC epoch millis of `text` read with the Java date pattern `pattern`, or
 * undefined when the pattern is unsupported or the text does not match it.
 * Without a zone in the text the time is read in `zone`; without a year, the
 * year is inferred from `now`.
 */
export function parseJavaDate(text: string, pattern: string, zone: TimeZone, now: () => Date): number | undefined {
  const steps = compiled(pattern);
  if (steps === undefined || text.length > 128) return undefined;
  const parts: DateParts = { year: -1, month: 1, day: 1, hour: 0, minute: 0, second: 0, millis: 0, pm: undefined, zone: undefined };
  let index = 0;
  for (const step of steps) {
    index = readStep(text, index, step, parts);
    if (index < 0) return undefined;
  }
  if (index !== text.length) return undefined;
  if (parts.pm === true) parts.hour += 12;
  if (parts.year < 0) parts.year = inferYear(parts.month, parts.day, now().getTime());
  const { year, month, day, hour, minute, second, millis } = parts;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 60) return undefined;
  const result = wallToUtc(dateUtc(year, month, day, hour, minute, second, millis), parts.zone ?? zone);
  return isValidTimeValue(result) ? result : undefined;
}

/** Whether the pattern uses only the letters this reader knows, for a check at start. */
export function isSupportedJavaDatePattern(pattern: string): boolean {
  return compiled(pattern) !== undefined;
}
