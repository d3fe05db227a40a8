import { isIP } from 'node:net';

/** An IPv4 or IPv6 network; addresses as bigints (IPv4 in the IPv4-mapped IPv6 range, so both compare the same way). */
export interface Network {
  readonly base: bigint;
  readonly mask: bigint;
}

const V4_MAPPED = 0xffffn << 32n;

function ipv4ToBigInt(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return V4_MAPPED | value;
}

function ipv6ToBigInt(text: string): bigint | undefined {
  let address = text;
  const zone = address.indexOf('%');
  if (zone >= 0) address = address.slice(0, zone);
  let tail: bigint | undefined;
  const lastColon = address.lastIndexOf(':');
  if (address.includes('.', lastColon)) {
    const v4 = ipv4ToBigInt(address.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = v4 & 0xffffffffn;
    address = `${address.slice(0, lastColon + 1)}0:0`;
  }
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : (halves[0] ?? '').split(':');
  const rest = halves.length === 2 ? (halves[1] === '' ? [] : (halves[1] ?? '').split(':')) : [];
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(`0x${group}`);
  }
  if (tail !== undefined) value = (value & ~0xffffffffn) | tail;
  return value;
}

export function ipToBigInt(text: string): bigint | undefined {
  const kind = isIP(text.includes('%') ? text.slice(0, text.indexOf('%')) : text);
  if (kind === 4) return ipv4ToBigInt(text);
  if (kind === 6) return ipv6ToBigInt(text);
  return undefined;
}

/** Parses `a.b.c.d/n` or `x:y::/n` (a bare address is a /32 or /128); undefined when it is not a network. */
export function parseCidr(text: string): Network | undefined {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const kind = isIP(address);
  if (kind === 0) return undefined;
  const bits = kind === 4 ? 32 : 128;
  const prefixText = slash < 0 ? String(bits) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return undefined;
  const prefix = Number(prefixText) + (kind === 4 ? 96 : 0);
  const base = ipToBigInt(address);
  if (base === undefined) return undefined;
  const mask = prefix === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - prefix)) - 1n);
  return { base: base & mask, mask };
}

export function inNetwork(address: string, network: Network): boolean {
  const value = ipToBigInt(address);
  return value !== undefined && (value & network.mask) === network.base;
}
