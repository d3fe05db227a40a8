import { describe, expect, it } from 'vitest';
import { countValue, hashFields, ipValue, macValue, outcomeValue, portValue, transportFields } from './ecs-values';

describe('ECS value checks', () => {
  it('ECS value checks – accepts IPv4 and IPv6 addresses only', () => {
    expect(ipValue('10.0.0.1')).toBe('10.0.0.1');
    expect(ipValue('2001:db8::1')).toBe('2001:db8::1');
    for (const text of ['', 'host', '10.0.0.256', '10.0.0.1:80', '1'.repeat(46)]) expect(ipValue(text)).toBeUndefined();
  });

  it('ECS value checks – accepts ports 0 to 65535 and non-negative counters', () => {
    expect(portValue('0')).toBe(0);
    expect(portValue('65535')).toBe(65535);
    expect(portValue('65536')).toBeUndefined();
    expect(portValue('-1')).toBeUndefined();
    expect(countValue('123456789012345')).toBe(123456789012345);
    expect(countValue('1e3')).toBeUndefined();
  });

  it('ECS value checks – writes MAC addresses in the ECS form and refuses others', () => {
    expect(macValue('aa:bb:cc:dd:ee:0f')).toBe('AA-BB-CC-DD-EE-0F');
    for (const text of ['aa:bb:cc:dd:ee', 'aa:bb:cc:dd:ee:gg', 'aabb.ccdd.eeff.00', 'aa:bb:cc:dd:ee:ff:00']) {
      expect(macValue(text)).toBeUndefined();
    }
  });

  it('ECS value checks – names transports from names and IANA numbers', () => {
    expect(transportFields('TCP')).toEqual({ transport: 'tcp' });
    expect(transportFields('58')).toEqual({ transport: 'ipv6-icmp', iana_number: '58' });
    expect(transportFields('200')).toEqual({ iana_number: '200' });
    expect(transportFields('')).toBeUndefined();
  });

  it('ECS value checks – normalises outcomes and leaves other words out', () => {
    expect(outcomeValue('/Success')).toBe('success');
    expect(outcomeValue('Unknown')).toBe('unknown');
    expect(outcomeValue('blocked')).toBeUndefined();
    expect(outcomeValue('success'.repeat(3))).toBeUndefined();
  });

  it('ECS value checks – tells hash algorithms apart by digest length', () => {
    expect(hashFields('D41D8CD98F00B204E9800998ECF8427E')).toEqual({ md5: 'd41d8cd98f00b204e9800998ecf8427e' });
    expect(hashFields('da39a3ee5e6b4b0d3255bfef95601890afd80709')).toEqual({ sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' });
    expect(hashFields('z'.repeat(32))).toBeUndefined();
    expect(hashFields('abc')).toBeUndefined();
  });
});
