/**
 * Reading typed values: numbers, dates (ISO 8601 and `now` date math, each standing for
 * the span of time it names) and IP addresses (v4, v6, CIDR blocks). The compilers of
 * both stores use these, so a value means the same on each.
 */

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** The number a value names, or undefined. */
export function numberOf(value: string): number | undefined {
  if (!NUMBER.test(value)) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

// ISO 8601 as OpenSearch's strict_date_optional_time reads it: any prefix from the year down, a zone only after a time.
const ISO_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/;
const DATE_MATH = /^now((?:[+-]\d{1,9}[yMwdhHms])*)(?:\/([yMwdhHms]))?$/;
const DATE_MATH_STEP = /([+-])(\d{1,9})([yMwdhHms])/g;

type Unit = 'y' | 'M' | 'w' | 'd' | 'h' | 'H' | 'm' | 's';

/** The first and last millisecond a date value stands for: `2026-12-04` is that whole day, `now-15m` one instant, `now/d` today. */
export type DateSpan = readonly [number, number];

export function dateSpan(value: string, now: number): DateSpan | undefined {
  const math = DATE_MATH.exec(value);
  if (math) return dateMathSpan(math[1] ?? '', math[2] as Unit | undefined, now);
  const iso = ISO_DATE.exec(value);
  return iso ? isoSpan(iso) : undefined;
}

function isoSpan(match: RegExpExecArray): DateSpan | undefined {
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const parts = [Number(year), month === undefined ? 1 : Number(month), day === undefined ? 1 : Number(day), Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0)] as const;
  const millisecond = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  const local = Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5], millisecond);
  const check = new Date(local);
  // Date.UTC rolls 2026-02-30 over into March; a real date reads back the same.
  if (check.getUTCFullYear() !== parts[0] || check.getUTCMonth() !== parts[1] - 1 || check.getUTCDate() !== parts[2] || check.getUTCHours() !== parts[3] || check.getUTCMinutes() !== parts[4] || check.getUTCSeconds() !== parts[5]) {
    return undefined;
  }
  const start = local - zoneOffset(zone);
  if (fraction !== undefined) return [start, start];
  const next =
    second !== undefined ? 1_000 : minute !== undefined ? 60_000 : hour !== undefined ? 3_600_000 : undefined;
  if (next !== undefined) return [start, start + next - 1];
  const end = day !== undefined ? Date.UTC(parts[0], parts[1] - 1, parts[2] + 1) : month !== undefined ? Date.UTC(parts[0], parts[1], 1) : Date.UTC(parts[0] + 1, 0, 1);
  return [start, end - zoneOffset(zone) - 1];
}

function zoneOffset(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * 60_000;
}

function dateMathSpan(steps: string, rounding: Unit | undefined, now: number): DateSpan | undefined {
  const date = new Date(now);
  for (const [, sign, amount, unit] of steps.matchAll(DATE_MATH_STEP)) {
    add(date, unit as Unit, (sign === '-' ? -1 : 1) * Number(amount));
  }
  if (Number.isNaN(date.getTime())) return undefined;
  if (rounding === undefined) return [date.getTime(), date.getTime()];
  const start = roundDown(date, rounding);
  const next = new Date(start);
  add(next, rounding, 1);
  return Number.isNaN(next.getTime()) ? undefined : [start.getTime(), next.getTime() - 1];
}

function add(date: Date, unit: Unit, amount: number): void {
  switch (unit) {
    case 'y':
      date.setUTCFullYear(date.getUTCFullYear() + amount);
      break;
    case 'M':
      date.setUTCMonth(date.getUTCMonth() + amount);
      break;
    case 'w':
      date.setUTCDate(date.getUTCDate() + 7 * amount);
      break;
    case 'd':
      date.setUTCDate(date.getUTCDate() + amount);
      break;
    case 'h':
    case 'H':
      date.setTime(date.getTime() + amount * 3_600_000);
      break;
    case 'm':
      date.setTime(date.getTime() + amount * 60_000);
      break;
    case 's':
      date.setTime(date.getTime() + amount * 1_000);
      break;
  }
}

function roundDown(date: Date, unit: Unit): Date {
  const y = date.getUTCFullYear();
  const mo = date.getUTCMonth();
  const d = date.getUTCDate();
  switch (unit) {
    case 'y':
      return new Date(Date.UTC(y, 0, 1));
    case 'M':
      return new Date(Date.UTC(y, mo, 1));
    case 'w':
      // Weeks start on Monday, as in OpenSearch's date math.
      return new Date(Date.UTC(y, mo, d - ((date.getUTCDay() + 6) % 7)));
    case 'd':
      return new Date(Date.UTC(y, mo, d));
    case 'h':
    case 'H':
      return new Date(Date.UTC(y, mo, d, date.getUTCHours()));
    case 'm':
      return new Date(Date.UTC(y, mo, d, date.getUTCHours(), date.getUTCMinutes()));
    case 's':
      return new Date(Date.UTC(y, mo, d, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()));
  }
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEXTET = /^[0-9A-Fa-f]{1,4}$/;

/** 16 bytes, IPv4 mapped into IPv6 (`::ffff:a.b.c.d`) as OpenSearch's ip type stores it. */
function ipBytes(text: string): Uint8Array | undefined {
  const v4 = ipv4Bytes(text);
  if (v4) return Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4);
  return ipv6Bytes(text);
}

function ipv4Bytes(text: string): number[] | undefined {
  const match = IPV4.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1).map(Number);
  return octets.every((octet) => octet <= 255) ? octets : undefined;
}

function ipv6Bytes(text: string): Uint8Array | undefined {
  if (text.length > 45) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = halves.map((half) => (half === '' ? [] : half.split(':')));
  const words: number[][] = groups.map(() => []);
  for (const [index, group] of groups.entries()) {
    for (const [position, part] of group.entries()) {
      const last = index === groups.length - 1 && position === group.length - 1;
      const v4 = last ? ipv4Bytes(part) : undefined;
      if (v4) words[index]!.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      else if (HEXTET.test(part)) words[index]!.push(parseInt(part, 16));
      else return undefined;
    }
  }
  const count = words.reduce((sum, group) => sum + group.length, 0);
  if (halves.length === 1 ? count !== 8 : count > 7) return undefined;
  const all = halves.length === 1 ? words[0]! : [...words[0]!, ...new Array<number>(8 - count).fill(0), ...words[1]!];
  const bytes = new Uint8Array(16);
  all.forEach((word, i) => {
    bytes[2 * i] = word >> 8;
    bytes[2 * i + 1] = word & 0xff;
  });
  return bytes;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A key that sorts like the address and is equal for equal addresses (`::1` and `0:0::1`); undefined when the text is not an address. */
export function ipKey(text: string): string | undefined {
  const bytes = ipBytes(text);
  return bytes ? hex(bytes) : undefined;
}

/** The first and last address key of a CIDR block (`10.0.0.0/8`, `2001:db8::/32`) or of one address; undefined when the text is neither. */
export function ipSpan(text: string): readonly [string, string] | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) {
    const key = ipKey(text);
    return key === undefined ? undefined : [key, key];
  }
  const address = text.slice(0, slash);
  const lengthText = text.slice(slash + 1);
  const bytes = ipBytes(address);
  if (!bytes || !/^\d{1,3}$/.test(lengthText)) return undefined;
  const v4 = ipv4Bytes(address) !== undefined;
  const length = Number(lengthText) + (v4 ? 96 : 0);
  if (length > 128) return undefined;
  const low = Uint8Array.from(bytes);
  const high = Uint8Array.from(bytes);
  for (let bit = length; bit < 128; bit++) {
    const mask = 0x80 >> bit % 8;
    low[bit >> 3]! &= ~mask;
    high[bit >> 3]! |= mask;
  }
  return [hex(low), hex(high)];
}
