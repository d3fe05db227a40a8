/**
 * Longest-prefix style matching without a trie: one hash map per prefix
 * length in use, keyed by the network bits. A lookup costs one map probe per
 * distinct prefix length (at most 33 for IPv4, 129 for IPv6; real feeds use a
 * handful), whatever the number of networks.
 */
import type { IpAddress, IpNetwork } from './ip-address';

export class IpNetworkMap<T> {
  private readonly v4 = new Map<number, Map<number, T[]>>();
  private readonly v6 = new Map<number, Map<bigint, T[]>>();
  private v4Prefixes: number[] = [];
  private v6Prefixes: number[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(network: IpNetwork, item: T): void {
    this.count++;
    if (network.address.version === 4) {
      const key = v4Key(network.address.value, network.prefix);
      let byKey = this.v4.get(network.prefix);
      if (!byKey) {
        byKey = new Map();
        this.v4.set(network.prefix, byKey);
        this.v4Prefixes = [...this.v4.keys()].sort((a, b) => b - a);
      }
      appendTo(byKey, key, item);
    } else {
      const key = network.address.value >> BigInt(128 - network.prefix);
      let byKey = this.v6.get(network.prefix);
      if (!byKey) {
        byKey = new Map();
        this.v6.set(network.prefix, byKey);
        this.v6Prefixes = [...this.v6.keys()].sort((a, b) => b - a);
      }
      appendTo(byKey, key, item);
    }
  }

  /** Every item whose network contains the address, most specific network first. */
  match(address: IpAddress): T[] {
    const found: T[] = [];
    if (address.version === 4) {
      for (const prefix of this.v4Prefixes) {
        const items = this.v4.get(prefix)!.get(v4Key(address.value, prefix));
        if (items) found.push(...items);
      }
    } else {
      for (const prefix of this.v6Prefixes) {
        const items = this.v6.get(prefix)!.get(address.value >> BigInt(128 - prefix));
        if (items) found.push(...items);
      }
    }
    return found;
  }
}

function v4Key(value: number, prefix: number): number {
  return prefix === 0 ? 0 : value >>> (32 - prefix);
}

function appendTo<K, T>(map: Map<K, T[]>, key: K, item: T): void {
  const items = map.get(key);
  if (items) items.push(item);
  else map.set(key, [item]);
}
