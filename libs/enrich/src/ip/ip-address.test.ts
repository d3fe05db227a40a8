import { describe, expect, it } from 'vitest';
import { parseIp, parseNetwork, readIpv4, specialAddressKind } from './ip-address';

const kind = (text: string): string | undefined => {
  const address = parseIp(text);
  return address && specialAddressKind(address);
};

describe('parseIp', () => {
  it('reads IPv4, IPv6 in every notation, and an IPv4-mapped IPv6 address as IPv4', () => {
    expect(parseIp('8.8.8.8')).toEqual({ version: 4, value: 0x08080808 });
    expect(parseIp('255.255.255.255')).toEqual({ version: 4, value: 0xffffffff });
    expect(parseIp('2001:db8::1')).toEqual({ version: 6, value: 0x20010db8000000000000000000000001n });
    expect(parseIp('2001:DB8:0:0:0:0:0:1')).toEqual(parseIp('2001:db8::1'));
    expect(parseIp('::')).toEqual({ version: 6, value: 0n });
    expect(parseIp('64:ff9b::192.0.2.33')).toEqual({ version: 6, value: (0x0064ff9bn << 96n) | 0xc0000221n });
    expect(parseIp('::ffff:10.1.2.3')).toEqual({ version: 4, value: 0x0a010203 });
    expect(parseIp('fe80::1%eth0')).toEqual({ version: 6, value: (0xfe80n << 112n) | 1n });
  });

  it('ignores anything that is not an address', () => {
    for (const junk of ['', 'localhost', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.4/24', ':::', 'x'.repeat(10_000), '1.2.3.4\u0000']) {
      expect(parseIp(junk), junk.slice(0, 20)).toBeUndefined();
    }
  });
});

describe('readIpv4', () => {
  it('reads a dotted quad as its unsigned number and refuses anything else, so one number has one text', () => {
    expect(['0.0.0.0', '8.8.8.8', '255.255.255.255', '10.0.0.2'].map(readIpv4)).toEqual([0, 0x08080808, 0xffffffff, 0x0a000002]);
    for (const junk of ['', '01.2.3.4', '1.2.3', '1.2.3.4.', '.1.2.3', '256.0.0.0', '1.2.3.4 ', '1..2.3', '::ffff:1.2.3.4', '1.2.3.1000']) {
      expect(readIpv4(junk), junk).toBeUndefined();
    }
  });
});

describe('specialAddressKind', () => {
  it('classifies the ranges that are never looked up', () => {
    expect(['10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.1.1', 'fd12::1', 'fc00::1'].map(kind)).toEqual(Array(6).fill('private'));
    expect(kind('100.64.0.1')).toBe('shared');
    expect(kind('100.127.255.255')).toBe('shared');
    expect(kind('127.0.0.1')).toBe('loopback');
    expect(kind('::1')).toBe('loopback');
    expect(kind('169.254.169.254')).toBe('link_local');
    expect(kind('fe80::1')).toBe('link_local');
    expect(kind('224.0.0.251')).toBe('multicast');
    expect(kind('ff02::fb')).toBe('multicast');
    expect(kind('0.0.0.0')).toBe('unspecified');
    expect(kind('::')).toBe('unspecified');
    expect(kind('255.255.255.255')).toBe('broadcast');
    expect(kind('::ffff:192.168.0.1')).toBe('private');
  });

  it('classifies the documentation, benchmarking and reserved ranges of the special-purpose registries (RFC 6890)', () => {
    for (const ip of ['192.0.2.44', '198.51.100.23', '203.0.113.99', '203.0.113.0', '203.0.113.255', '2001:db8::5', '2001:db8:ffff::1', '3fff::1', '3fff:fff:ffff::1']) {
      expect(kind(ip), ip).toBe('documentation');
    }
    for (const ip of ['198.18.0.1', '198.19.255.255', '2001:2::1', '2001:2:0:ffff::1']) expect(kind(ip), ip).toBe('benchmarking');
    for (const ip of ['192.0.0.8', '192.88.99.1', '240.0.0.1', '255.255.255.254', '2001::1', '2001:1ff::1', '100::1']) expect(kind(ip), ip).toBe('reserved');
    expect(kind('::ffff:203.0.113.7')).toBe('documentation');
  });

  it('leaves public addresses, including the edges of the special ranges, to the database', () => {
    for (const ip of [
      '8.8.8.8', '172.15.255.255', '172.32.0.0', '100.63.255.255', '100.128.0.0', '2001:4860:4860::8888', 'fec0::1',
      '192.0.1.255', '192.0.3.0', '198.51.99.255', '198.51.101.0', '203.0.112.255', '203.0.114.0', '198.17.255.255', '198.20.0.0',
      '223.255.255.255', '192.88.98.1', '2001:db9::1', '2001:200::1', '3fff:1000::1', '101::1', '2002::1',
    ]) {
      expect(kind(ip), ip).toBeUndefined();
    }
  });
});

describe('parseNetwork', () => {
  it('reads CIDR networks and clears host bits', () => {
    expect(parseNetwork('10.1.2.3/8')).toEqual({ address: { version: 4, value: 0x0a000000 }, prefix: 8 });
    expect(parseNetwork('0.0.0.0/0')).toEqual({ address: { version: 4, value: 0 }, prefix: 0 });
    expect(parseNetwork('203.0.113.9')).toEqual({ address: { version: 4, value: 0xcb007109 }, prefix: 32 });
    expect(parseNetwork('2001:db8::ff/32')).toEqual({ address: { version: 6, value: 0x20010db8n << 96n }, prefix: 32 });
    expect(parseNetwork('::ffff:10.0.0.0/104')).toEqual({ address: { version: 4, value: 0x0a000000 }, prefix: 8 });
  });

  it('rejects invalid prefixes and addresses', () => {
    for (const bad of ['10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/', '10.0.0.0/8/8', '10.0.0/8', '::/129', '2001:db8::/x', '/24']) {
      expect(parseNetwork(bad), bad).toBeUndefined();
    }
  });
});
