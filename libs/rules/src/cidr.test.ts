import { describe, expect, it } from 'vitest';
import { inNetwork, parseCidr } from './cidr';

describe('cidr', () => {
  it('rules – matches IPv4 and IPv6 networks, including compressed and IPv4-mapped forms', () => {
    const v4 = parseCidr('10.0.0.0/8');
    const v6 = parseCidr('2001:db8::/32');
    if (v4 === undefined || v6 === undefined) throw new Error('networks expected');
    expect(inNetwork('10.255.1.2', v4)).toBe(true);
    expect(inNetwork('11.0.0.1', v4)).toBe(false);
    expect(inNetwork('2001:db8:0:1::5', v6)).toBe(true);
    expect(inNetwork('2001:db9::5', v6)).toBe(false);
    expect(inNetwork('not an address', v6)).toBe(false);
    const mapped = parseCidr('::ffff:192.168.0.0/112');
    if (mapped === undefined) throw new Error('network expected');
    expect(inNetwork('192.168.4.4', mapped)).toBe(true);
    expect(inNetwork('fe80::1%eth0', parseCidr('fe80::/10') ?? v6)).toBe(true);
  });

  it('rules – refuses what is not a network', () => {
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('2001:db8::/129')).toBeUndefined();
    expect(parseCidr('example.com/8')).toBeUndefined();
    expect(parseCidr('10.0.0.1')).toEqual(parseCidr('10.0.0.1/32'));
  });
});
