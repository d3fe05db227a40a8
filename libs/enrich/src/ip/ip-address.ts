/**
 * IP addresses as numbers, so that networks are compared with arithmetic
 * rather than strings: IPv4 as an unsigned 32-bit number, IPv6 as a bigint.
 * An IPv4-mapped IPv6 address (::ffff:10.0.0.1) is read as its IPv4 address,
 * so that it is classified and matched like the address it carries.
 */
import { isIPv6 } from 'node:net';

export type IpAddress = { readonly version: 4; readonly value: number } | { readonly version: 6; readonly value: bigint };

export interface IpNetwork {
  readonly address: IpAddress;
  readonly prefix: number;
}

/**
 * Address kinds that are never looked up: they say nothing about a place or an
 * owner. From the IANA special-purpose address registries (RFC 6890 and its
 * updates): `shared` is RFC 6598 carrier-grade NAT space, `documentation`
 * RFC 5737 / RFC 3849 / RFC 9637, `benchmarking` RFC 2544 / RFC 5180, and
 * `reserved` the rest that is not globally reachable (IETF protocol
 * assignments, 240.0.0.0/4, the IPv6 discard prefix).
 */
export type SpecialAddressKind =
  | 'private' | 'shared' | 'loopback' | 'link_local' | 'multicast' | 'unspecified' | 'broadcast' | 'documentation' | 'benchmarking' | 'reserved';

const MAX_ADDRESS_LENGTH = 64;

export function parseIp(text: string): IpAddress | undefined {
  if (text.length === 0 || text.length > MAX_ADDRESS_LENGTH) return undefined;
  if (!text.includes(':')) {
    const value = readIpv4(text);
    return value === undefined ? undefined : { version: 4, value };
  }
  const zone = text.indexOf('%');
  const bare = zone === -1 ? text : text.slice(0, zone);
  if (!isIPv6(bare)) return undefined;
  const value = ipv6ToBigInt(bare);
  if (value >> 32n === 0xffffn) return { version: 4, value: Number(value & 0xffffffffn) };
  return { version: 6, value };
}

/** `a.b.c.d/n` or `x::y/n`; a plain address is a /32 or /128. Host bits are cleared. */
export function parseNetwork(text: string): IpNetwork | undefined {
  const slash = text.indexOf('/');
  if (slash === -1) {
    const address = parseIp(text);
    return address && { address, prefix: address.version === 4 ? 32 : 128 };
  }
  const address = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!address || !/^\d{1,3}$/.test(prefixText)) return undefined;
  let prefix = Number(prefixText);
  // A mapped IPv4 network (::ffff:10.0.0.0/104) counts its prefix over 128 bits.
  if (address.version === 4 && text.includes(':')) prefix -= 96;
  const bits = address.version === 4 ? 32 : 128;
  if (prefix < 0 || prefix > bits) return undefined;
  return { address: maskAddress(address, prefix), prefix };
}

export function maskAddress(address: IpAddress, prefix: number): IpAddress {
  if (address.version === 4) {
    const value = prefix === 0 ? 0 : ((address.value >>> (32 - prefix)) << (32 - prefix)) >>> 0;
    return { version: 4, value };
  }
  const shift = BigInt(128 - prefix);
  return { version: 6, value: (address.value >> shift) << shift };
}

export function specialAddressKind(address: IpAddress): SpecialAddressKind | undefined {
  return address.version === 4 ? specialIpv4Kind(address.value) : specialIpv6Kind(address.value);
}

export function specialIpv4Kind(value: number): SpecialAddressKind | undefined {
  const first = value >>> 24;
  const second = (value >>> 16) & 0xff;
  // Most addresses fall through here after one switch on the first octet.
  switch (first) {
    case 0:
      return 'unspecified';
    case 10:
      return 'private';
    case 100:
      return second >= 64 && second <= 127 ? 'shared' : undefined;
    case 127:
      return 'loopback';
    case 169:
      return second === 254 ? 'link_local' : undefined;
    case 172:
      return second >= 16 && second <= 31 ? 'private' : undefined;
    case 192: {
      if (second === 168) return 'private';
      const third = (value >>> 8) & 0xff;
      if (second === 0) return third === 2 ? 'documentation' : third === 0 ? 'reserved' : undefined;
      // 192.88.99.0/24, the deprecated 6to4 relay anycast prefix (RFC 7526).
      return second === 88 && third === 99 ? 'reserved' : undefined;
    }
    case 198: {
      if (second === 18 || second === 19) return 'benchmarking';
      return second === 51 && ((value >>> 8) & 0xff) === 100 ? 'documentation' : undefined;
    }
    case 203:
      return second === 0 && ((value >>> 8) & 0xff) === 113 ? 'documentation' : undefined;
    default:
      if (first < 224) return undefined;
      if (first <= 239) return 'multicast';
      return value === 0xffffffff ? 'broadcast' : 'reserved';
  }
}

function specialIpv6Kind(value: bigint): SpecialAddressKind | undefined {
  if (value === 0n) return 'unspecified';
  if (value === 1n) return 'loopback';
  const top32 = Number(value >> 96n);
  const top16 = top32 >>> 16;
  if ((top16 & 0xfe00) === 0xfc00) return 'private';
  if ((top16 & 0xffc0) === 0xfe80) return 'link_local';
  if ((top16 & 0xff00) === 0xff00) return 'multicast';
  if (top32 === 0x20010db8 || top32 >>> 12 === 0x3fff0) return 'documentation';
  if (top32 === 0x20010002 && Number((value >> 80n) & 0xffffn) === 0) return 'benchmarking';
  // 2001::/23 IETF protocol assignments (Teredo 2001::/32 and ORCHID among them), 100::/64 discard-only.
  if ((top32 >>> 9) === 0x20010000 >>> 9) return 'reserved';
  if (value >> 64n === 0x0100000000000000n) return 'reserved';
  return undefined;
}

/**
 * Dotted quad, no leading zeros (they read as octal in some tools, so they are refused as ambiguous).
 * Each accepted text is the only one giving its number, so the number can stand for the text.
 */
export function readIpv4(text: string): number | undefined {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return undefined;
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return undefined;
    } else if (c === 46 && digits > 0 && dots < 3) {
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else return undefined;
  }
  return dots === 3 && digits > 0 ? value * 256 + part : undefined;
}

function ipv4ToNumber(text: string): number {
  const parts = text.split('.');
  return ((Number(parts[0]) << 24) | (Number(parts[1]) << 16) | (Number(parts[2]) << 8) | Number(parts[3])) >>> 0;
}

/** Expects text that `isIPv6` accepted, so only `::` and an IPv4 tail need handling. */
function ipv6ToBigInt(text: string): bigint {
  let head = text;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const v4 = ipv4ToNumber(text.slice(lastColon + 1));
    tail = [v4 >>> 16, v4 & 0xffff];
    head = text.slice(0, lastColon + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const [left = '', right] = head.split('::');
  const leftGroups = left === '' ? [] : left.split(':').map((g) => parseInt(g, 16));
  const rightGroups = right === undefined || right === '' ? [] : right.split(':').map((g) => parseInt(g, 16));
  const missing = 8 - leftGroups.length - rightGroups.length - tail.length;
  const groups = [...leftGroups, ...new Array<number>(right === undefined ? 0 : missing).fill(0), ...rightGroups, ...tail];
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(group);
  return value;
}
