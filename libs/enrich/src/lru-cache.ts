/**
 * An approximate least-recently-used cache in two generations: reads and
 * writes go to the young map; when it holds `capacity` entries it becomes the
 * old one and the previous old map is dropped whole. An entry read from the old
 * map moves to the young one, so whatever was used within the last generation
 * survives. Unlike deleting and re-inserting on every hit, which made Map
 * rehash constantly and was the enricher's main cost, a hit is one lookup.
 * Holds at most twice `capacity` entries.
 */
export class LruCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.young.get(key);
    if (value !== undefined) return value;
    const aged = this.old.get(key);
    if (aged !== undefined) this.insert(key, aged);
    return aged;
  }

  set(key: K, value: V): void {
    if (this.capacity === 0) return;
    this.insert(key, value);
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }

  /** Entries held, counting one moved between generations once per map (an upper bound). */
  get size(): number {
    return this.young.size + this.old.size;
  }

  private insert(key: K, value: V): void {
    this.young.set(key, value);
    if (this.young.size >= this.capacity) {
      this.old = this.young;
      this.young = new Map();
    }
  }
}
