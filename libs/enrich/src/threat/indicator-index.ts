/**
 * All loaded indicators, indexed for the lookups an event needs: exact
 * values in hash maps, networks in an IpNetworkMap. Built whole and never
 * changed, so a reload swaps one reference and a lookup never sees half a set.
 */
import { IpNetworkMap } from '../ip/ip-network-map';
import type { Indicator } from './indicator';

export class IndicatorIndex {
  readonly networks = new IpNetworkMap<Indicator>();
  readonly domains = new Map<string, Indicator[]>();
  readonly urls = new Map<string, Indicator[]>();
  readonly hashes = new Map<string, Indicator[]>();
  readonly size: number;

  constructor(indicators: Iterable<Indicator>) {
    const seen = new Set<string>();
    for (const indicator of indicators) {
      // The same value twice in one feed is one indicator; in two feeds it is two sources.
      const key = `${indicator.feed}\u0000${indicator.type}\u0000${indicator.value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (indicator.network) this.networks.add(indicator.network, indicator);
      else if (indicator.type === 'domain-name') append(this.domains, indicator.value, indicator);
      else if (indicator.type === 'url') append(this.urls, indicator.value, indicator);
      else append(this.hashes, indicator.value, indicator);
    }
    this.size = seen.size;
  }
}

function append(map: Map<string, Indicator[]>, key: string, indicator: Indicator): void {
  const list = map.get(key);
  if (list) list.push(indicator);
  else map.set(key, [indicator]);
}
