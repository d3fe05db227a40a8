import { describe, expect, it } from 'vitest';
import { LruCache } from './lru-cache';

describe('LruCache', () => {
  it('evicts the least recently used entry, counting a read as a use', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('stores nothing with a capacity of 0', () => {
    const cache = new LruCache<string, number>(0);
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
  });
});

describe('LruCache generations', () => {
  it('keeps what was used in the last generation and drops what was not used for two', () => {
    const cache = new LruCache<number, number>(100);
    for (let i = 0; i < 100; i++) cache.set(i, i);
    for (let i = 0; i < 50; i++) expect(cache.get(i)).toBe(i);
    for (let i = 100; i < 250; i++) cache.set(i, i);
    expect(cache.get(75)).toBeUndefined();
    expect(cache.get(249)).toBe(249);
    expect(cache.size).toBeLessThanOrEqual(200);
  });
});
