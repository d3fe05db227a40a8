/**
 * Checks for the values that vendor formats (CEF, LEEF) copy into typed ECS
 * fields. The store maps `source.ip` as an IP and `source.port` as a number,
 * so a value that does not fit is left out of the ECS field (the raw text stays
 * under the format's own `extensions`) rather than making the whole document
 * fail to index.
 */
import { isIP } from 'node:net';
import { parseCount } from './field-path';

/**
 * Dotted-quad IPv4 as `net.isIP` accepts it (0–255, no leading zeros), checked
 * by hand because it is the common case and isIP runs a regex.
 */
export function isPlainIpv4(text: string): boolean {
  let octets = 0;
  let index = 0;
  while (index < text.length) {
    const start = index;
    let value = 0;
    while (index < text.length && index - start < 4) {
      const digit = text.charCodeAt(index) - 48;
      if (!(digit >= 0 && digit <= 9)) break;
      value = value * 10 + digit;
      index++;
    }
    const digits = index - start;
    if (digits === 0 || digits > 3 || value > 255 || (digits > 1 && text.charCodeAt(start) === 0x30)) return false;
    octets++;
    if (index === text.length) break;
    if (octets === 4 || text.charCodeAt(index) !== 0x2e) return false;
    index++;
    if (index === text.length) return false;
  }
  return octets === 4;
}

export function ipValue(text: string): string | undefined {
  if (text.length === 0 || text.length > 45) return undefined;
  return isPlainIpv4(text) || isIP(text) !== 0 ? text : undefined;
}

export function portValue(text: string): number | undefined {
  const port = parseCount(text);
  return port !== undefined && port <= 65_535 ? port : undefined;
}

/** Byte and packet counters. */
export function countValue(text: string): number | undefined {
  const count = parseCount(text);
  return count !== undefined && Number.isSafeInteger(count) ? count : undefined;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/**
 * A MAC address written as six hex pairs separated by `:` or `-`, in the ECS
 * form (upper case, `-` separated); anything else is undefined.
 */
export function macValue(text: string): string | undefined {
  if (text.length !== 17) return undefined;
  for (let index = 0; index < 17; index++) {
    const code = text.charCodeAt(index);
    if (index % 3 === 2) {
      if (code !== 0x3a && code !== 0x2d) return undefined;
    } else if (hexValue(code) < 0) {
      return undefined;
    }
  }
  return text.toUpperCase().replaceAll(':', '-');
}

const TRANSPORT_BY_NUMBER: ReadonlyMap<string, string> = new Map([
  ['1', 'icmp'],
  ['6', 'tcp'],
  ['17', 'udp'],
  ['47', 'gre'],
  ['50', 'esp'],
  ['58', 'ipv6-icmp'],
  ['132', 'sctp'],
]);

/** `network.transport` and `network.iana_number` from a protocol name or number such as `TCP` or `6`. */
export function transportFields(text: string): Record<string, unknown> | undefined {
  if (text.length === 0 || text.length > 32) return undefined;
  const number = parseCount(text);
  if (number !== undefined) {
    const name = TRANSPORT_BY_NUMBER.get(text);
    return name === undefined ? { iana_number: text } : { transport: name, iana_number: text };
  }
  return { transport: text.toLowerCase() };
}

const OUTCOME_BY_WORD: ReadonlyMap<string, string> = new Map([
  ['success', 'success'],
  ['succeeded', 'success'],
  ['successful', 'success'],
  ['ok', 'success'],
  ['pass', 'success'],
  ['passed', 'success'],
  ['failure', 'failure'],
  ['failed', 'failure'],
  ['fail', 'failure'],
  ['error', 'failure'],
  ['unknown', 'unknown'],
]);

/**
 * `event.outcome` is one of success, failure, unknown; vendors write
 * `/Success` (ArcSight), `succeeded`, `FAILED`... Other words are left out.
 */
export function outcomeValue(text: string): string | undefined {
  if (text.length > 16) return undefined;
  const word = (text.charCodeAt(0) === 0x2f ? text.slice(1) : text).toLowerCase();
  return OUTCOME_BY_WORD.get(word);
}

const HASH_BY_LENGTH: ReadonlyMap<number, string> = new Map([
  [32, 'md5'],
  [40, 'sha1'],
  [64, 'sha256'],
  [128, 'sha512'],
]);

/**
 * `file.hash.<algorithm>` for a hex digest whose algorithm is not named (CEF
 * `fileHash`): the length tells the common ones apart.
 */
export function hashFields(text: string): Record<string, string> | undefined {
  const algorithm = HASH_BY_LENGTH.get(text.length);
  if (algorithm === undefined) return undefined;
  for (let index = 0; index < text.length; index++) {
    if (hexValue(text.charCodeAt(index)) < 0) return undefined;
  }
  return { [algorithm]: text.toLowerCase() };
}
