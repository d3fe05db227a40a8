import { describe, expect, it } from 'vitest';
import { parseIp, parseNetwork } from './ip-address';
import { IpNetworkMap } from './ip-network-map';

function mapOf(...networks: string[]): IpNetworkMap<string> {
  const map = new IpNetworkMap<string>();
  for (const network of networks) map.add(parseNetwork(network)!, network);
  return map;
}

describe('IpNetworkMap', () => {
  it('finds every containing network, most specific first, for IPv4 and IPv6', () => {
    const map = mapOf('10.0.0.0/8', '10.1.0.0/16', '10.1.2.3', '0.0.0.0/0', '2001:db8::/32', '2001:db8:1::/48', '2001:db8:1::7');
    expect(map.size).toBe(7);
    expect(map.match(parseIp('10.1.2.3')!)).toEqual(['10.1.2.3', '10.1.0.0/16', '10.0.0.0/8', '0.0.0.0/0']);
    expect(map.match(parseIp('10.2.0.1')!)).toEqual(['10.0.0.0/8', '0.0.0.0/0']);
    expect(map.match(parseIp('11.0.0.0')!)).toEqual(['0.0.0.0/0']);
    expect(map.match(parseIp('2001:db8:1::7')!)).toEqual(['2001:db8:1::7', '2001:db8:1::/48', '2001:db8::/32']);
    expect(map.match(parseIp('2001:db9::1')!)).toEqual([]);
  });

  it('keeps two items of the same network', () => {
    const map = new IpNetworkMap<string>();
    map.add(parseNetwork('198.51.100.0/24')!, 'feed a');
    map.add(parseNetwork('198.51.100.77/24')!, 'feed b');
    expect(map.match(parseIp('198.51.100.1')!)).toEqual(['feed a', 'feed b']);
    expect(map.match(parseIp('198.51.101.1')!)).toEqual([]);
  });
});
